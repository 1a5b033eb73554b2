"""The format of a case record (content/cases/<case-id>.yaml) and of the catalogues it
refers to: the criminal code's articles, affiliations and regions. See docs/cases.md."""

import datetime
from typing import Literal

from pydantic import Field, model_validator

from briefs.content.model import Strict, Text

EVENT_TYPES = (
    "detained", "charged", "pretrial_detention", "house_arrest", "restriction_of_liberty",
    "psychiatric_detention", "convicted", "sentenced", "appeal_rejected", "released",
    "acquitted", "pardoned", "died", "fined", "summoned", "attacked", "other",
)
RESTRICTABLE_FIELDS = ("born", "region", "occupation", "affiliations")
# What a spreadsheet runs as a formula when a cell of the data for journalists begins with
# it, spaces first or not (OWASP's "CSV injection"); the full-width forms too, which Excel
# is reported to take for them in Japanese settings (OWASP/www-community issue 1088).
FORMULA_SIGNS = "=+-@＝＋－＠"
Visibility = Literal["public", "restricted"]
# Empty lists and mappings are given by default_factory: pydantic deep-copies a default
# value for every record it validates, a sixth of the time a book of records takes.
Precision = Literal["day", "month", "year", "unknown"]


def formula_start(text):
    """How text begins, in an editor's words ("'='", "a tab"), if a spreadsheet would run
    it as a formula; None if it would not. A tab or a line break first can hide one."""
    if text[:1] in ("\t", "\r", "\n"):
        return "a tab" if text[0] == "\t" else "a line break"
    first = text.lstrip()[:1]
    return f"'{first}'" if first and first in FORMULA_SIGNS else None


class Source(Strict):
    """A source: a title (one text, or one per language), an address and a date; or a brief
    of the project (`brief:`), whose title, date and address it then has."""

    id: str
    title: str | Text | None = None
    url: str | None = Field(None, pattern=r"^https?://\S+$")
    date: datetime.date | None = None
    brief: str | None = None
    visibility: Visibility = "public"

    @model_validator(mode="after")
    def _titled_or_a_brief(self):
        if (self.brief is None) == (self.title is None or self.url is None):
            raise ValueError("give either a title and a url, or the id of a brief "
                             "(brief: ...) and neither")
        return self


class Occupation(Strict):
    since: datetime.date
    text: Text


class Sentence(Strict):
    kind: Literal["prison", "restriction_of_liberty", "suspended", "fine"] = "prison"
    years: float | None = None


class Event(Strict):
    date: datetime.date
    precision: Precision = "day"
    type: Literal[EVENT_TYPES]
    text: Text = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)
    sentence: Sentence | None = None
    visibility: Visibility = "public"


class Charge(Strict):
    code: str = "criminal-code"
    article: str
    part: int | None = None
    date: datetime.date | None = None
    precision: Precision = "day"
    visibility: Visibility = "public"


class Recognition(Strict):
    by: Text
    date: datetime.date
    source: str | None = None
    visibility: Visibility = "public"


class Case(Strict):
    id: str
    name: Text
    born: int | datetime.date | None = None
    region: str | None = None
    occupation: Text | list[Occupation] | None = None  # a list: what it was from when on
    name_forms: dict[Literal["ru", "kk"], dict[str, str]] = Field(default_factory=dict)
    sort_as: str | Text | None = None  # what a list sorts the name by, else its last word
    affiliations: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    charges: list[Charge] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    recognition: list[Recognition] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    visibility: Visibility = "public"
    restricted_fields: list[Literal[RESTRICTABLE_FIELDS]] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _has_english_name(self):
        if not self.name.get("en"):
            raise ValueError("the name in 'en' is required: other languages fall back to it")
        return self


class LegalCode(Strict):
    title: Text
    short: Text
    articles: dict[str, Text]


class Named(Strict):
    name: Text
