"""Case records: who is held, on which charges, since when, as of any date.

One YAML file per person in content/cases/, plus the catalogues they refer to: the
criminal code's articles, affiliations and regions. See docs/cases.md.
"""

import datetime
from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import Field, model_validator

from briefs.errors import ContentError, ContentErrors, TemplateCallError
from briefs.content.model import STEM, Strict, Text
from briefs.content.yamlfile import load_mapping

EVENT_TYPES = (
    "detained", "charged", "pretrial_detention", "house_arrest", "restriction_of_liberty",
    "psychiatric_detention", "convicted", "sentenced", "appeal_rejected", "released",
    "acquitted", "pardoned", "died", "fined", "summoned", "attacked", "other",
)
STATUS_BY_EVENT = {
    "detained": "detained",
    "pretrial_detention": "pretrial_detention",
    "house_arrest": "house_arrest",
    "restriction_of_liberty": "restricted_liberty",
    "psychiatric_detention": "psychiatric_detention",
    "released": "released",
    "acquitted": "released",
    "pardoned": "released",
    "died": "deceased",
}
STATUS_BY_SENTENCE = {
    "prison": "imprisoned",
    "restriction_of_liberty": "restricted_liberty",
    "suspended": "released",
    "fine": "released",
}
HELD = {"detained", "pretrial_detention", "psychiatric_detention", "imprisoned"}
STATUSES = ("at_liberty", "facing_charges", "detained", "pretrial_detention", "house_arrest",
            "restricted_liberty", "psychiatric_detention", "imprisoned", "released", "deceased")
FILTERS = ("status", "affiliation", "tag", "region", "recognised")
Visibility = Literal["public", "restricted"]


class Source(Strict):
    id: str
    title: str
    url: str = Field(pattern=r"^https?://\S+$")
    date: datetime.date | None = None
    visibility: Visibility = "public"


class Sentence(Strict):
    kind: Literal["prison", "restriction_of_liberty", "suspended", "fine"] = "prison"
    years: float | None = None


class Event(Strict):
    date: datetime.date
    precision: Literal["day", "month", "year", "unknown"] = "day"
    type: Literal[EVENT_TYPES]
    text: Text = {}
    sources: list[str] = []
    sentence: Sentence | None = None
    visibility: Visibility = "public"


class Charge(Strict):
    code: str = "criminal-code"
    article: str
    part: int | None = None
    date: datetime.date | None = None
    precision: Literal["day", "month", "year", "unknown"] = "day"


class Recognition(Strict):
    by: Text
    date: datetime.date
    source: str | None = None


class Case(Strict):
    id: str
    name: Text
    born: int | datetime.date | None = None
    region: str | None = None
    occupation: Text | None = None
    affiliations: list[str] = []
    tags: list[str] = []
    charges: list[Charge] = []
    events: list[Event] = []
    recognition: list[Recognition] = []
    sources: list[Source] = []
    visibility: Visibility = "public"
    restricted_fields: list[Literal["born", "region", "occupation", "affiliations"]] = []
    notes: str | None = None

    @model_validator(mode="after")
    def _has_english_name(self):
        if not self.name.get("en"):
            raise ValueError("the name in 'en' is required: other languages fall back to it")
        return self


@dataclass(frozen=True)
class Status:
    key: str
    since: datetime.date | None
    precision: str = "day"


def status_on(case, day):
    """The person's status at the end of `day`, and the date it began."""
    status = Status("at_liberty", None)
    charged = [(c.date, c.precision) for c in case.charges if c.date and c.date <= day]
    charged += [(e.date, e.precision) for e in case.events if e.type == "charged" and e.date <= day]
    if charged:
        status = Status("facing_charges", *min(charged))
    for event in case.events:
        if event.date > day:
            break
        key = STATUS_BY_EVENT.get(event.type)
        if event.type == "sentenced":
            key = STATUS_BY_SENTENCE[(event.sentence or Sentence()).kind]
        if key and key != status.key:
            status = Status(key, event.date, event.precision)
    return status


def recognised_by(case, day):
    return [r for r in case.recognition if r.date <= day]


class LegalCode(Strict):
    title: Text
    short: Text
    articles: dict[str, Text]


class Named(Strict):
    name: Text


@dataclass
class CaseBook:
    """All case records and catalogues, validated together."""

    cases: dict
    codes: dict
    affiliations: dict
    regions: dict
    internal: bool = False  # an internal build shows restricted records too
    used: set = field(default_factory=set)  # every record shown or counted
    queries: list = field(default_factory=list)  # every (day, filters) asked

    def for_edition(self):
        """The same records, with a fresh account of what one edition shows and asks."""
        return replace(self, used=set(), queries=[])

    def visible(self, item):
        """Whether a record, event or source may appear in this build."""
        return self.internal or item.visibility == "public"

    def field(self, case, name):
        """A field of a record as this build may show it: empty if restricted."""
        if name in case.restricted_fields and not self.internal:
            return [] if name == "affiliations" else None
        return getattr(case, name)

    def case(self, case_id):
        if case_id not in self.cases:
            raise CaseQueryError(f"there is no case record '{case_id}'",
                              f"check the spelling, or add content/cases/{case_id}.yaml")
        case = self.cases[case_id]
        if not self.visible(case):
            raise CaseQueryError(f"the case '{case_id}' is restricted and cannot appear in a "
                              "public brief", "remove it from this section")
        self.used.add(case_id)
        return case

    def select(self, day, **filters):
        """The visible cases matching every filter given, as of `day`."""
        unknown = sorted(set(filters) - set(FILTERS))
        if unknown:
            raise CaseQueryError(f"unknown filter '{unknown[0]}'",
                                 f"filter by: {', '.join(FILTERS)}")
        self._check_filter_values(filters.get("status"), filters.get("affiliation"),
                                  filters.get("region"))
        query = {"day": day.isoformat(), "filters": dict(sorted(filters.items()))}
        if query not in self.queries:
            self.queries.append(query)
        found = [case for case in self.cases.values()
                 if self.visible(case) and _on_record_by(case, day)
                 and self._matches(case, day, **filters)]
        self.used.update(case.id for case in found)
        return found

    def _matches(self, case, day, status=None, affiliation=None, tag=None, region=None,
                 recognised=None):
        current = status_on(case, day).key
        return ((status is None or current == status or (status == "held" and current in HELD))
                and (affiliation is None or affiliation in self.field(case, "affiliations"))
                and (tag is None or tag in case.tags)
                and (region is None or self.field(case, "region") == region)
                and (recognised is None or bool(recognised_by(case, day)) == recognised))

    def _check_filter_values(self, status, affiliation, region):
        if status is not None and status not in STATUSES + ("held",):
            raise CaseQueryError(f"unknown status '{status}'",
                              f"use one of: held, {', '.join(STATUSES)}")
        if affiliation is not None and affiliation not in self.affiliations:
            raise CaseQueryError(f"unknown affiliation '{affiliation}'",
                              f"use one of: {', '.join(sorted(self.affiliations))}")
        if region is not None and region not in self.regions:
            raise CaseQueryError(f"unknown region '{region}'",
                              f"use one of: {', '.join(sorted(self.regions))}")


def _on_record_by(case, day):
    """A person enters the record with their first event or charge on or before `day`."""
    dates = [e.date for e in case.events] + [c.date for c in case.charges if c.date]
    return bool(dates) and min(dates) <= day


class CaseQueryError(TemplateCallError):
    """A section asked the case book for something that is not there."""


def case_catalogues(project):
    """The files case records refer to: legal codes, affiliations and regions."""
    content = project.content
    return sorted(content.glob("legal/*.yaml")) + [
        p for p in (content / "affiliations.yaml", content / "regions.yaml") if p.exists()]


def load_casebook(project, internal=False):
    """Read and check every case record and catalogue; raise ContentErrors listing all problems."""
    from briefs.content.load import validation_errors

    errors = []

    def read(path):
        """The file's YAML, or None with its problem noted: one file that is not valid YAML
        must not hide the problems of the others."""
        try:
            return load_mapping(path)
        except ContentError as error:
            errors.append(error)
            return None

    def catalogue(path, model):
        document = read(path) if path.is_file() else None
        if document is None:
            return {}
        entries = {}
        for key in document.data:
            entry, problems = validation_errors(document.sub(key), model)
            for problem in problems:
                problem.field = f"{key}.{problem.field}" if problem.field else str(key)
            errors.extend(problems)
            if entry:
                entries[str(key)] = entry
        return entries

    codes = {}
    for path in sorted((project.content / "legal").glob("*.yaml")):
        document = read(path)
        code, problems = validation_errors(document, LegalCode) if document else (None, [])
        errors.extend(problems)
        if code:
            codes[path.stem] = code
    affiliations = catalogue(project.content / "affiliations.yaml", Named)
    regions = catalogue(project.content / "regions.yaml", Named)
    cases = {}
    for path in sorted((project.content / "cases").glob("*.yaml")):
        document = read(path)
        if document is None:
            continue
        case, problems = validation_errors(document, Case)
        errors.extend(problems)
        if case:
            errors.extend(ContentError(path, reason, line=document.line_of(where),
                                       field=".".join(map(str, where)), hint=hint)
                          for where, reason, hint in case_problems(case, path.stem, codes,
                                                                   affiliations, regions))
            cases[case.id] = case
    if errors:
        raise ContentErrors(errors)
    return CaseBook(cases, codes, affiliations, regions, internal=internal)


def case_problems(case, stem, codes, affiliations, regions):
    """Consistency rules beyond the schema: (field path, reason, hint) for each problem."""
    problems = []
    if case.id != stem:
        problems.append((("id",), f"the id '{case.id}' differs from the file name '{stem}'",
                         "make them the same"))
    if not STEM.match(case.id):
        problems.append((("id",), f"'{case.id}' is not a valid id",
                         "use lower-case letters, digits and hyphens"))
    source_ids = [s.id for s in case.sources]
    for index, source_id in enumerate(source_ids):
        if source_ids.index(source_id) != index:
            problems.append((("sources", index, "id"), f"the source id '{source_id}' is used "
                             "twice", "give each source its own id"))
    problems += _timeline_problems(case, set(source_ids))
    for index, charge in enumerate(case.charges):
        code = codes.get(charge.code)
        if code is None:
            problems.append((("charges", index, "code"), f"unknown legal code '{charge.code}'",
                             f"add content/legal/{charge.code}.yaml"))
        elif charge.article not in code.articles:
            problems.append((("charges", index, "article"),
                             f"article '{charge.article}' is not in {charge.code}.yaml",
                             f"add it to content/legal/{charge.code}.yaml"))
    for index, key in enumerate(case.affiliations):
        if key not in affiliations:
            problems.append((("affiliations", index), f"unknown affiliation '{key}'",
                             "add it to content/affiliations.yaml"))
    if case.region is not None and case.region not in regions:
        problems.append((("region",), f"unknown region '{case.region}'",
                         "add it to content/regions.yaml"))
    for index, recognition in enumerate(case.recognition):
        if recognition.source is not None and recognition.source not in source_ids:
            problems.append((("recognition", index, "source"),
                             f"unknown source '{recognition.source}'",
                             "add it under 'sources' in this file"))
    return problems


def _timeline_problems(case, source_ids):
    problems, convicted, died = [], False, None
    for index, event in enumerate(case.events):
        where = ("events", index)
        if index and event.date < case.events[index - 1].date:
            problems.append((where + ("date",), "events are out of date order",
                             "list the events from the earliest to the latest"))
        if died is not None:
            problems.append((where + ("type",), f"an event after the death on {died}",
                             "check the date or remove the event"))
        if event.type == "sentenced" and not convicted:
            problems.append((where + ("type",), "a sentence without a conviction before it",
                             "add a 'convicted' event on or before this date"))
        if event.sentence is not None and event.type != "sentenced":
            problems.append((where + ("sentence",), "only a 'sentenced' event has a sentence",
                             "remove 'sentence' or change the type"))
        convicted = convicted or event.type == "convicted"
        died = event.date if event.type == "died" else died
        for position, source_id in enumerate(event.sources):
            if source_id not in source_ids:
                problems.append((where + ("sources", position), f"unknown source '{source_id}'",
                                 "add it under 'sources' in this file"))
    return problems
