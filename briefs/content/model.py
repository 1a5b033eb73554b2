"""The schema of brief.yaml and organisations.yaml, and the rules each kind adds."""

import datetime
import re
import string
from typing import Annotated, Literal

from pydantic import (AwareDatetime, BaseModel, ConfigDict, Field, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

from briefs.content.pictures import SIZES
from briefs.errors import did_you_mean
from briefs.i18n import DATE_STYLES
from briefs.kinds import KINDS, ROLES

LANGUAGES = ("en", "ru", "kk")
# A brief's id, its folder's name: the words of the pattern serve in routes and wildcards.
BRIEF_ID_WORDS = r"[a-z0-9]+(?:-[a-z0-9]+)*"
BRIEF_ID = re.compile(f"^{BRIEF_ID_WORDS}$")
STEM = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")

Language = Literal["en", "ru", "kk"]
Text = dict[Language, str]
KeyFact = Annotated[str, Field(min_length=1, max_length=200)]

# A number an organisation gives a document, e.g. KIBHR/2023/004: letters, digits, / - .
DOCUMENT_NUMBER = re.compile(r"[^\W_](?:[^\W_]|[/.-]){0,39}")
# A telephone number in international form: +, the country code, then digits in groups.
TELEPHONE = re.compile(r"\+[1-9][0-9]{0,3}(?:[ -]?\(?[0-9]{1,5}\)?){1,6}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionRef(Strict):
    """One entry of `sections`: a file of the brief's folder or a shared section."""

    file: str | None = None
    shared: str | None = None
    role: Literal[ROLES] = "body"
    untranslated: list[Language] = []

    @model_validator(mode="after")
    def _one_source(self):
        if (self.file is None) == (self.shared is None):
            raise ValueError("give exactly one of 'file' or 'shared'")
        if not STEM.match(self.stem):
            raise ValueError(
                f"'{self.stem}' is not a valid section name: use lower-case letters, "
                "digits and hyphens, without the '.en.md' ending")
        return self

    @property
    def stem(self):
        return self.file if self.file is not None else self.shared


class Period(Strict):
    start: datetime.date
    end: datetime.date

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        return self


class Author(Strict):
    name: Text
    bio: Text


class Photo(Strict):
    file: str
    alt: Text
    credit: Text  # who took it: the page writes "Photo:" before it
    size: Literal[SIZES] = "half"  # of the text's width: a 3:2 photo is then a fifth of a page high

    @field_validator("credit")
    @classmethod
    def _without_photo_word(cls, credit):
        """"Photo: A. Name" as the editor may write it, without the word the page adds."""
        return {lang: re.sub(r"^\s*(photo|фото|сурет)\s*:\s*", "", text, flags=re.IGNORECASE)
                for lang, text in credit.items()}


class Link(Strict):
    title: Text
    url: str = Field(pattern=r"^https?://\S+$")


def telephone_number(value):
    """A telephone number as printed, with 7 to 15 digits in international form."""
    if value is None:
        return value
    digits = sum(c.isdigit() for c in value)
    if not TELEPHONE.fullmatch(value) or not 7 <= digits <= 15:
        raise PydanticCustomError("telephone", "'{value}' is not a telephone number in "
                                  "international form", {"value": value[:60]})
    return value


def email_address(value):
    """An e-mail address, which the page makes a link."""
    if value is not None and not EMAIL.fullmatch(value):
        raise PydanticCustomError("email", "'{value}' is not an e-mail address",
                                  {"value": value[:60]})
    return value


class Correction(Strict):
    """A dated correction of a released brief: its next version prints the note."""

    date: datetime.date
    note: Text


class Brief(Strict):
    """The metadata of one brief, as written in its brief.yaml."""

    id: str
    kind: Literal[tuple(KINDS)]
    languages: list[Language] = Field(min_length=1)
    source_language: Language | None = None  # what the others translate: else the first
    date: datetime.date
    place: Text | None = None  # the dateline's place: required by kinds.py where printed
    title: Text
    subtitle: Text | None = None
    short_title: Text | None = None
    summary: Text | None = None
    organisations: list[str] = Field(min_length=1)
    contact: Text | None = None
    sections: list[SectionRef] = Field(min_length=1)
    period: Period | None = None
    as_of: datetime.date | None = None
    author: Author | None = None
    photo: Photo | None = None
    see_also: list[Link] = []
    licence: str | None = Field(None, max_length=80)  # else the publisher's
    date_style: Literal[DATE_STYLES] | None = None  # else the publisher's, else long
    embargo: AwareDatetime | None = None  # not published before
    document_number: str | None = None  # the publisher's; printed on page 1 and in the imprint
    corrections: list[Correction] = []  # since its first release, oldest first
    continues: str | None = None  # the brief whose list of people this one follows
    # Short lines a journalist reads first in the press kit, per language, in the brief's words.
    key_facts: dict[Language, list[KeyFact]] | None = None

    @field_validator("document_number")
    @classmethod
    def _a_document_number(cls, value):
        if value is not None and not DOCUMENT_NUMBER.fullmatch(value):
            raise PydanticCustomError("document_number", "'{value}' is not a document number",
                                      {"value": value[:60]})
        return value

    @field_validator("sections", mode="before")
    @classmethod
    def _expand_short_sections(cls, value):
        if isinstance(value, list):
            return [{"file": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("languages")
    @classmethod
    def _unique_languages(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @model_validator(mode="after")
    def _translated_from_one_of_its_languages(self):
        source = self.source_language or self.languages[0]
        if source not in self.languages:
            raise ValueError(f"source_language '{source}' is not one of the brief's languages")
        for ref in self.sections:
            if source in ref.untranslated:
                raise ValueError(f"'untranslated' lists the languages that use the "
                                 f"{source} text, its source language, so it cannot list "
                                 f"{source} (section '{ref.stem}')")
        return self

    @property
    def source(self):
        """The language the other editions are translated from."""
        return self.source_language or self.languages[0]

    @property
    def data_date(self):
        """The date the brief's facts are valid for: a report's as_of, an update's period
        end, otherwise its date."""
        value = self
        for name in KINDS[self.kind].data_field.split("."):
            value = getattr(value, name)
        return value


class PressContact(Strict):
    """The press officer whom journalists call about the organisation's briefs."""

    name: Text
    telephone: str | None = None
    email: str | None = None

    @field_validator("telephone")
    @classmethod
    def _a_telephone(cls, value):
        return telephone_number(value)

    @field_validator("email")
    @classmethod
    def _an_email(cls, value):
        return email_address(value)

    @model_validator(mode="after")
    def _reachable(self):
        if self.telephone is None and self.email is None:
            raise PydanticCustomError("unreachable", "a press contact needs a 'telephone' or "
                                      "an 'email'")
        return self


class Organisation(Strict):
    name: Text
    short_name: Text
    website: str | None = Field(None, pattern=r"^https?://\S+$")
    contact: Text | None = None
    address: Text | None = None  # the postal address the imprint prints
    telephone: str | None = None
    press: PressContact | None = None
    logo: str | None = None
    logo_alt: Text | None = None  # what the logo shows, for a reader who cannot see it
    licence: str | None = Field(None, max_length=80)  # of its briefs' text, e.g. CC BY 4.0
    date_style: Literal[DATE_STYLES] | None = None
    # how its released briefs are numbered, e.g. "KIBHR/{year}/{number:03}"
    document_numbers: str | None = None

    @field_validator("telephone")
    @classmethod
    def _a_telephone(cls, value):
        return telephone_number(value)

    @model_validator(mode="after")
    def _logo_described(self):
        if self.logo and not self.logo_alt:
            raise ValueError("a logo needs 'logo_alt', the words a screen reader says for it")
        return self


NUMBER_FIELDS = {"year": re.compile(r"^(0?[1-9])?d?$"), "number": re.compile(r"^(0?[1-9])?d?$")}
NUMBER_HINT = ("write for example \"KIBHR/{year}/{number:03}\": {year} is the year of the "
               "release, {number} counts the organisation's briefs first released that year "
               "({number:03} writes it with three digits); nothing else goes in braces")


def number_pattern_problem(pattern):
    """What is wrong with a document number pattern, or None: it may hold {year} and
    {number} only (with a width such as {number:03}), since format() would otherwise reach
    into the attributes of what it formats."""
    if len(pattern) > 100 or not pattern.isprintable():
        return "the pattern must be one line of at most 100 characters"
    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError as error:
        return f"the pattern cannot be read ({error})"
    named = set()
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in NUMBER_FIELDS or conversion or not NUMBER_FIELDS[name].match(spec):
            written = f"{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}"
            return f"'{{{written}}}' is not allowed in a document number"
        named.add(name)
    return None if "number" in named else "the pattern has no {number}"


def document_number(pattern, year, number):
    """A document number made from an organisation's pattern (checked when it was loaded)."""
    return pattern.format(year=year, number=number)


def kind_problems(brief):
    """Rules that depend on the kind: (field path, reason, hint) for each problem."""
    kind = KINDS[brief.kind]
    problems = []
    for field in kind.requires:
        if getattr(brief, field) is None:
            problems.append(((field,), f"a {brief.kind} needs '{field}'",
                             f"add '{field}:' to brief.yaml (see docs/content.md)"))
    for index, section in enumerate(brief.sections):
        if section.role not in kind.roles:
            problems.append((
                ("sections", index), f"a {brief.kind} cannot have a section with role "
                f"'{section.role}'", f"{did_you_mean(section.role, kind.roles)}Use one of: "
                f"{', '.join(sorted(kind.roles))}"))
    if kind.themes:
        problems.extend(_theme_order_problems(brief, kind.themes))
    return problems


def _theme_order_problems(brief, themes):
    used = [(i, s.stem) for i, s in enumerate(brief.sections)
            if s.file is not None and s.role == "body"]
    last = -1
    for index, stem in used:
        if stem not in themes:
            return [(("sections", index), f"'{stem}' is not one of a {brief.kind}'s themed "
                     f"sections", f"use these, in this order: {', '.join(themes)}")]
        position = themes.index(stem)
        if position <= last:
            return [(("sections", index), f"'{stem}' is out of order",
                     f"keep this order: {', '.join(themes)}")]
        last = position
    return []


def missing_translations(value, languages, path=()):
    """Field paths of per-language texts that lack one of the brief's languages."""
    if isinstance(value, BaseModel):
        return [p for name in type(value).model_fields
                for p in missing_translations(getattr(value, name), languages, path + (name,))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value)
                for p in missing_translations(item, languages, path + (i,))]
    if is_text(value):
        return [(path, lang) for lang in languages if not _written(value.get(lang, ""))]
    return []


def is_text(value):
    """Whether a value (as loaded, or dumped to JSON) is a per-language text."""
    return isinstance(value, dict) and bool(value) and set(value) <= set(LANGUAGES)


def _written(text):
    """A text, or a list of lines (key_facts), with something in it."""
    if isinstance(text, list):
        return any(line.strip() for line in text)
    return bool(text.strip())
