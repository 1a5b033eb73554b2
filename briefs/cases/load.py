"""Reading and checking the case records, and making the audience's view of them.

The public view is made here, once, as the records are read: restricted records are not
even validated, and from public ones every restricted event, charge, recognition and
source, every field named in restricted_fields and the notes are removed. Nothing after
this point (status, counts, filters, tables, charts, timelines, the manifest) can show or
count what it never received. The internal view keeps everything.
"""

from dataclasses import dataclass

from briefs.cases.schema import Case, LegalCode, Named, formula_start
from briefs.i18n import NAME_CASES
from briefs.content.load import validation_errors, validation_problems
from briefs.content.model import STEM
from briefs.content.yamlfile import parse_mapping
from briefs.errors import ContentError, ContentErrors, closest, did_you_mean
from briefs.project import text_of

EMPTY_FIELDS = {"born": None, "region": None, "occupation": None, "affiliations": []}
# The lists of a record whose entries each have a visibility, and what an entry is called.
ENTRIES = {"events": "event", "charges": "charge", "recognition": "recognition",
           "sources": "source"}
FORMULA_HINT = ("a name never begins with =, +, - or @ (nor ＝ ＋ － ＠), a tab or a line "
                "break: remove it (journalists open the brief's data in spreadsheets, which "
                "would run it as a formula)")
PUBLIC_HINT = ("run 'briefs check --audience internal' to read it in full, in a terminal "
               "that only those who may see restricted content can see")


@dataclass(frozen=True)
class CaseBook:
    """The case records and catalogues one audience may see, checked together."""

    cases: dict
    codes: dict
    affiliations: dict
    regions: dict
    audience: str = "public"
    key: str = ""  # what the files it was read from hash to (briefs.cases.cache)
    # ((relative path, SHA-256), ...) of the catalogues, as they were read
    catalogues: tuple = ()


def load_casebook(project, audience="public", sources=None, messages_for=None):
    """Read and check the records an audience may see; raise ContentErrors listing every
    problem. sources: {path: bytes} of briefs.cases.sources.case_sources(project), where
    already read. messages_for: the audience the messages are worded for (by default the
    book's): a public message names a restricted part of a record, never what it holds."""
    catalogues, errors = read_catalogues(project, sources)
    cases = {}
    for path in project.files(project.content / "cases", "*.yaml"):
        case, problems = read_case(project, path, audience, catalogues, sources, messages_for)
        errors.extend(problems)
        if case:
            cases[case.id] = case
    if errors:
        raise ContentErrors(errors)
    return CaseBook(cases, *catalogues, audience)


def read_catalogues(project, sources=None):
    """((codes, affiliations, regions), their problems): what records refer to."""
    errors, codes = [], {}
    for path in project.files(project.content / "legal", "*.yaml"):
        document = _read(project, path, sources, errors, "catalogue")
        code, problems = validation_errors(document, LegalCode) if document else (None, [])
        errors.extend(problems)
        if code:
            errors += [document.error(*problem) for problem
                       in formula_problems(code.short, ("short",), "the short name")]
            codes[path.stem] = code
    affiliations = _catalogue(project, project.content / "affiliations.yaml", Named, sources,
                              errors)
    regions = _catalogue(project, project.content / "regions.yaml", Named, sources, errors)
    return (codes, affiliations, regions), errors


def read_case(project, path, audience, catalogues, sources=None, messages_for=None):
    """(the audience's view of the record at path, or None where it does not see it, its
    problems, worded for messages_for, by default the audience: see load_casebook).
    catalogues: (codes, affiliations, regions), as read_catalogues gives them."""
    errors = []
    document = _read(project, path, sources, errors)
    if document is None or (audience == "public"
                            and document.data.get("visibility") == "restricted"):
        return None, errors
    case, problems = validation_problems(document, Case)
    if case:
        problems += case_problems(case, path.stem, *catalogues)
    errors = [_worded(document, problem, messages_for or audience) for problem in problems]
    if not case:
        return None, errors
    return case if audience == "internal" else public_view(case), errors


def _read(project, path, sources, errors, kind="yaml"):
    """The file's YAML, or None with its problem noted in errors: one file that is not valid
    YAML must not hide the problems of the others."""
    try:
        text = text_of(path, sources[path]) if sources else project.read_text(path, kind)
        return parse_mapping(path, text)
    except ContentError as error:
        errors.append(error)
        return None


def _catalogue(project, path, model, sources, errors):
    if not project.exists(path):
        return {}
    document = _read(project, path, sources, errors, "catalogue")
    if document is None:
        return {}
    entries = {}
    for key in document.data:
        entry, problems = validation_errors(document.sub(key), model)
        if entry:
            problems += [document.sub(key).error(*problem)
                         for problem in formula_problems(entry.name, ("name",), "the name")]
        for problem in problems:
            problem.field = f"{key}.{problem.field}" if problem.field else str(key)
        errors.extend(problems)
        if entry:
            entries[str(key)] = entry
    return entries


def public_view(case):
    """A public record as the public may see it: without what is restricted, or notes."""
    sources = [source for source in case.sources if source.visibility == "public"]
    public = {source.id for source in sources}
    events = [event.model_copy(update={"sources": [s for s in event.sources if s in public]})
              for event in case.events if event.visibility == "public"]
    recognition = [item.model_copy(update={"source": item.source if item.source in public
                                           else None})
                   for item in case.recognition if item.visibility == "public"]
    charges = [charge for charge in case.charges if charge.visibility == "public"]
    hidden = {name: EMPTY_FIELDS[name] for name in case.restricted_fields}
    return case.model_copy(update={"events": events, "sources": sources, "charges": charges,
                                   "recognition": recognition, "notes": None,
                                   "restricted_fields": [], **hidden})


def _worded(document, problem, messages_for):
    """A problem of a record as the ContentError its readers may see: a public message
    names the field and the restricted part it is in or involves, never what that holds
    (its dates, ids, articles or text). problem: (field path, reason, hint, and the paths
    of the other fields it involves, if any)."""
    path, reason, hint, *involved = problem
    if messages_for == "public":
        part = _restricted_part(document.data, path)
        if part:
            name, inner = part
            field = ".".join(str(key) for key in inner if not isinstance(key, int)) or None
            return ContentError(document.path, f"a problem in {name}, which public messages "
                                "do not describe", line=document.line_of(path), field=field,
                                hint=PUBLIC_HINT)
        for other in involved:
            part = _restricted_part(document.data, other)
            if part:
                return document.error(path, f"a problem that involves {part[0]}, which "
                                      "public messages do not describe", PUBLIC_HINT)
    return document.error(path, reason, hint)


def _restricted_part(record, path):
    """The restricted part of a record (its fields as read) that a field path is in, as a
    public message names it ("a restricted event"), and the path within that part; None
    if the field is public. Whatever is not marked public counts, a misspelt visibility
    too: a message must not show what its editor meant to restrict."""
    if not _marked_public(record):
        return "a restricted record", path
    if not path:
        return None
    fields = record.get("restricted_fields")
    if path[0] == "notes" or path[0] in (fields if isinstance(fields, list) else [fields]):
        return "a restricted field", path
    entries = record.get(path[0])
    if (path[0] in ENTRIES and len(path) > 1 and isinstance(entries, list)
            and isinstance(path[1], int) and path[1] < len(entries)
            and not _marked_public(entries[path[1]])):
        return f"a restricted {ENTRIES[path[0]]}", path[2:]
    return None


def _marked_public(entry):
    return isinstance(entry, dict) and entry.get("visibility", "public") == "public"


def case_problems(case, stem, codes, affiliations, regions):
    """Consistency rules beyond the schema: (field path, reason, hint, and the paths of
    the other fields the problem involves) for each problem."""
    problems = []
    if case.id != stem:
        problems.append((("id",), f"the id '{case.id}' differs from the file name '{stem}'",
                         "make them the same"))
    problems += formula_problems(case.name, ("name",), "the name")
    if not STEM.match(case.id):
        problems.append((("id",), f"'{case.id}' is not a valid id",
                         "use lower-case letters, digits and hyphens"))
    for lang, forms in case.name_forms.items():
        for form in forms:
            if form not in NAME_CASES[lang]:
                problems.append((("name_forms", lang, form), f"'{form}' is not a case of "
                                 f"names in '{lang}'", "use one of: "
                                 + ", ".join(NAME_CASES[lang])))
    source_ids = [s.id for s in case.sources]
    for index, source_id in enumerate(source_ids):
        first = source_ids.index(source_id)
        if first != index:
            problems.append((("sources", index, "id"), f"the source id '{source_id}' is used "
                             "twice", "give each source its own id", ("sources", first)))
    for index, source in enumerate(case.sources):
        if source.brief is not None and source.date is not None:
            problems.append((("sources", index, "date"), f"the brief '{source.brief}' is "
                             f"cited under its own date, that of its cover, not {source.date}",
                             "remove 'date:' from this source"))
    problems += _timeline_problems(case, set(source_ids))
    for index, charge in enumerate(case.charges):
        code = codes.get(charge.code)
        if code is None:
            problems.append((("charges", index, "code"), f"unknown legal code '{charge.code}'",
                             f"{did_you_mean(charge.code, codes)}Otherwise add "
                             f"content/legal/{charge.code}.yaml"))
        elif charge.article not in code.articles:
            problems.append((("charges", index, "article"),
                             f"article '{charge.article}' is not in {charge.code}.yaml",
                             f"{did_you_mean(charge.article, code.articles)}Otherwise add it "
                             f"to content/legal/{charge.code}.yaml"))
    for index, key in enumerate(case.affiliations):
        if key not in affiliations:
            problems.append((("affiliations", index), f"unknown affiliation '{key}'",
                             f"{did_you_mean(key, affiliations)}Otherwise add it to "
                             "content/affiliations.yaml"))
    if case.region is not None and case.region not in regions:
        problems.append((("region",), f"unknown region '{case.region}'",
                         f"{did_you_mean(case.region, regions)}Otherwise add it to "
                         "content/regions.yaml"))
    for index, recognition in enumerate(case.recognition):
        if recognition.source is not None and recognition.source not in source_ids:
            close = closest(recognition.source, source_ids)
            problems.append((("recognition", index, "source"),
                             f"unknown source '{recognition.source}'",
                             f"{did_you_mean(recognition.source, source_ids)}Otherwise add "
                             "it under 'sources' in this file",
                             *([("sources", source_ids.index(close))] if close else [])))
    return problems


def formula_problems(texts, path, what):
    """(field path, reason, hint) for each language's text (of the field at path) that a
    spreadsheet would run as a formula: refused where it is typed, never altered."""
    return [(path + (lang,), f"{what} in '{lang}' begins with {start}, as a spreadsheet "
             "formula does", FORMULA_HINT)
            for lang, text in texts.items() if (start := formula_start(text))]


def _timeline_problems(case, source_ids):
    problems, convicted, died = [], False, None  # died: the index of the death's event
    for index, event in enumerate(case.events):
        where = ("events", index)
        if index and event.date < case.events[index - 1].date:
            problems.append((where + ("date",), "events are out of date order",
                             "list the events from the earliest to the latest",
                             ("events", index - 1)))
        if died is not None:
            problems.append((where + ("type",), "an event after the death on "
                             f"{case.events[died].date}", "check the date or remove the event",
                             ("events", died)))
        if event.type == "sentenced" and not convicted:
            problems.append((where + ("type",), "a sentence without a conviction before it",
                             "add a 'convicted' event on or before this date"))
        if event.sentence is not None and event.type != "sentenced":
            problems.append((where + ("sentence",), "only a 'sentenced' event has a sentence",
                             "remove 'sentence' or change the type"))
        convicted = convicted or event.type == "convicted"
        died = index if event.type == "died" else died
        for position, source_id in enumerate(event.sources):
            if source_id not in source_ids:
                problems.append((where + ("sources", position), f"unknown source '{source_id}'",
                                 "add it under 'sources' in this file"))
    return problems
