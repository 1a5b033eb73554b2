"""The people a brief counts or lists, as data for journalists: a Frictionless data package
(https://specs.frictionlessdata.io/) in <brief>/data/, one CSV per edition and the
datapackage.json that describes them.

An edition's CSV holds the people it showed or counted through the case functions (those
its entry names under case_records), as its audience's case book holds them: for the
public, their public view, so nothing restricted can reach a row. Values are as of the
date the brief's facts are valid for, as on its pages. The bytes are fixed (rows by id,
CRLF line ends as RFC 4180 has them, UTF-8, keys sorted), so the same sources give the
same files.

No cell begins as a spreadsheet formula does (with =, +, - or @): such a value is refused
where an editor types it (briefs.cases.load), and, whatever path a value took, the build
stops rather than write it, since a journalist's spreadsheet would run it. Values are never
altered: published data say what the records say.
"""

import csv
import hashlib
import io
import json
from pathlib import Path

from briefs import i18n
from briefs.cases.queries import STATUSES, on_record_by, status_on
from briefs.cases.schema import formula_start
from briefs.errors import ContentError
from briefs.files import write_whole
from briefs.render.wording import text_in

# The events whose dates fill the columns detained, sentenced and released.
DETAINED = ("detained", "pretrial_detention", "psychiatric_detention")
SENTENCED = ("sentenced",)
RELEASED = ("released", "acquitted", "pardoned")
# A date as precise as the record gives it (2020-06-01, 2020-06, 2020), or "../2020-06-01"
# where only an upper bound is known (EDTF's open interval); a list of them joined by "; ".
DATE = r"(\.\./)?[0-9]{4}(-[0-9]{2}){0,2}"
DATES = rf"{DATE}(; {DATE})*"
AS_OF = ("As of the date the brief's facts are valid for (the data package's "
         "'as_of'). ")
DATES_TEXT = ("Dates as precise as the record gives them (YYYY-MM-DD, YYYY-MM or YYYY; "
              "'../YYYY-MM-DD' where only a latest date is known), oldest first, "
              "separated by '; '.")
FIELDS = (
    ("id", "The case record's id: the same person in every language's table.",
     {"required": True, "unique": True}),
    ("name", "The person's name in the edition's language.", {"required": True}),
    ("status", AS_OF + "One of: " + ", ".join(STATUSES) + "; empty where the record has "
     "no public event or charge by then (a person only named).", {"enum": list(STATUSES)}),
    ("status_label", "The status in words, in the edition's language.", {}),
    ("status_since", "When that status began. " + DATES_TEXT, {"pattern": DATE}),
    ("detained", "Detained, placed in pre-trial detention or in a psychiatric "
     "institution. " + DATES_TEXT, {"pattern": DATES}),
    ("sentenced", "Sentenced. " + DATES_TEXT, {"pattern": DATES}),
    ("released", "Released, acquitted or pardoned. " + DATES_TEXT, {"pattern": DATES}),
    ("charges", "The articles the person is charged under, in the edition's language, "
     "separated by '; '.", {}),
    ("region", "The region, in the edition's language.", {}),
    ("sources", "The web addresses of the record's sources, separated by spaces.", {}),
)


def people_rows(edition, helpers):
    """A row per person the edition showed or counted, by id, after its sections ran."""
    used, _ = helpers.dependencies()
    return [person_row(edition.cases.book.cases[case_id], helpers) for case_id in used]


def person_row(case, helpers):
    day, lang, words = helpers.day, helpers.lang, helpers.words
    status = status_on(case, day) if on_record_by(case, day) else None
    events = helpers.events(case)
    region = helpers.cases.book.regions.get(case.region)
    charges = [charge_text(charge, helpers) for charge in case.charges
               if charge.date is None or charge.date <= day]
    cited = (helpers.cited_source(case, source.id) for source in case.sources)
    return {
        "id": case.id,
        "name": text_in(case.name, lang),
        "status": status.key if status else "",
        "status_label": words.status_name(status) if status else "",
        "status_since": iso(status.since, status.precision) if status and status.since else "",
        "detained": dates(events, DETAINED),
        "sentenced": dates(events, SENTENCED),
        "released": dates(events, RELEASED),
        "charges": "; ".join(dict.fromkeys(charges)),
        "region": text_in(region.name, lang) if region else "",
        "sources": " ".join(dict.fromkeys(source[2] for source in cited
                                          if source and source[2])),
    }


def charge_text(charge, helpers):
    """'CC art. 405 (part 2), taking part in a banned association', in plain text."""
    _, lang = helpers.words._, helpers.lang
    code = helpers.cases.book.codes[charge.code]
    text = f"{text_in(code.short, lang)} " + _("art. %(number)s") % {"number": charge.article}
    if charge.part:
        text += " " + _("(part %(part)s)") % {"part": charge.part}
    return f"{text}, {text_in(code.articles[charge.article], lang)}"


def dates(events, types):
    return "; ".join(iso(e.date, e.precision) for e in events if e.type in types)


def iso(day, precision):
    """A date as precise as it is known, in ISO 8601 (EDTF for an upper bound only)."""
    text = day.isoformat()
    return {"day": text, "month": text[:7], "year": text[:4]}.get(precision, f"../{text}")


def people_csv(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _, _ in FIELDS],
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_people(edition, helpers):
    """The edition's CSV (edition.files["data"]), once its sections have run."""
    rows = people_rows(edition, helpers)
    refuse_formulas(edition, rows)
    path = Path(edition.files["data"])
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(people_csv(rows))


def refuse_formulas(edition, rows):
    """Stop at a cell a spreadsheet would run as a formula. The columns hold words, dates
    (which never begin with a sign) and addresses, never a number, so no value a
    spreadsheet reads as a plain number is refused."""
    for row in rows:
        for column, value in row.items():
            start = formula_start(value)
            if start:
                raise ContentError(
                    edition.project.content / "cases" / f"{row['id']}.yaml",
                    f"the data for journalists of {edition.brief.id} ({edition.lang}) would "
                    f"hold, in its column '{column}' for this record, a value beginning with "
                    f"{start}, which a spreadsheet runs as a formula",
                    hint="correct the value where it comes from (the record, the region or "
                    "legal code it names); no value of published data begins with =, +, - or @")


def data_package(built):
    """The datapackage.json of a brief's editions (built), whose CSVs are written."""
    brief = built[0].brief
    publisher = built[0].publishers[0]
    return {
        "profile": "tabular-data-package",
        "name": brief.id,
        "title": brief.title[brief.languages[0]],
        "description": "The people this brief counts or lists, with their status as of "
                       f"{brief.data_date.isoformat()}: one table per language of the "
                       "brief, each holding the people its edition shows or counts. "
                       "Only what the publisher made public is here.",
        "as_of": brief.data_date.isoformat(),
        "sources": [{"title": text_in(publisher.name, brief.languages[0]),
                     **({"path": publisher.website} if publisher.website else {})}],
        "resources": [resource(edition) for edition in built],
    }


def resource(edition):
    data = Path(edition.files["data"]).read_bytes()
    return {
        "name": f"people-{edition.lang}",
        "path": Path(edition.files["data"]).name,
        "profile": "tabular-data-resource",
        "title": f"{edition.brief.title[edition.lang]} ({i18n.language_name(edition.lang)})",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "schema": {"fields": [{"name": name, "type": "string", "description": description,
                               **({"constraints": constraints} if constraints else {})}
                              for name, description, constraints in FIELDS],
                   "primaryKey": ["id"]},
    }


def write_data_package(built, target, scratch):
    package = data_package(built)
    write_whole(target, json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True)
                + "\n", scratch)
