"""What sections ask of the case book: a person's status on a date, and the people who
match some filters then, with an account of what each edition asked (its dependencies)."""

import datetime
from dataclasses import dataclass, field

from briefs.cases.schema import Sentence
from briefs.content.yamlfile import shorten
from briefs.errors import TemplateCallError, did_you_mean

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


def on_record_by(case, day):
    """A person enters the record with their first event or charge on or before `day`."""
    dates = [e.date for e in case.events] + [c.date for c in case.charges if c.date]
    return bool(dates) and min(dates) <= day


class CaseQueryError(TemplateCallError):
    """A section asked the case book for something that is not there."""


@dataclass
class CaseQueries:
    """One edition's questions to a case book, with an account of the records it showed or
    counted and the questions (filters as of a date) it asked."""

    book: object  # a briefs.cases.load.CaseBook
    used: set = field(default_factory=set)
    queries: list = field(default_factory=list)

    def case(self, case_id):
        if case_id not in self.book.cases:
            name = shorten(case_id)
            raise CaseQueryError(
                f"there is no {'' if self.book.audience == 'internal' else 'public '}case "
                f"record '{name}'", f"{did_you_mean(case_id, self.book.cases)}Otherwise add "
                f"content/cases/{name}.yaml")
        self.used.add(case_id)
        return self.book.cases[case_id]

    def select(self, day, **filters):
        """The cases matching every filter given, as of `day`."""
        unknown = sorted(set(filters) - set(FILTERS))
        if unknown:
            raise CaseQueryError(f"unknown filter '{shorten(unknown[0])}'",
                                 f"{did_you_mean(unknown[0], FILTERS)}Filter by: "
                                 f"{', '.join(FILTERS)}")
        self._check_filter_values(filters.get("status"), filters.get("affiliation"),
                                  filters.get("region"))
        query = {"day": day.isoformat(), "filters": dict(sorted(filters.items()))}
        if query not in self.queries:
            self.queries.append(query)
        found = [case for case in self.book.cases.values()
                 if on_record_by(case, day)
                 and self._matches(case, day, **filters)]
        self.used.update(case.id for case in found)
        return found

    def _matches(self, case, day, status=None, affiliation=None, tag=None, region=None,
                 recognised=None):
        current = status_on(case, day).key
        return ((status is None or current == status or (status == "held" and current in HELD))
                and (affiliation is None or affiliation in case.affiliations)
                and (tag is None or tag in case.tags)
                and (region is None or case.region == region)
                and (recognised is None or bool(recognised_by(case, day)) == recognised))

    def _check_filter_values(self, status, affiliation, region):
        if status is not None and status not in STATUSES + ("held",):
            raise _unknown("status", status, ("held",) + STATUSES)
        if affiliation is not None and affiliation not in self.book.affiliations:
            raise _unknown("affiliation", affiliation, sorted(self.book.affiliations))
        if region is not None and region not in self.book.regions:
            raise _unknown("region", region, sorted(self.book.regions))


def _unknown(what, value, known):
    return CaseQueryError(f"unknown {what} '{shorten(value)}'",
                          f"{did_you_mean(value, known)}Use one of: {', '.join(known)}")

