"""Which editions the preview builds, and which of them saved files change: the workflow's
own rules (briefs.workflow.plan: what brief.yaml names, brief_inputs; the files the last
build recorded it read, recorded_files; the case records it showed and whoever answers its
questions, case_files), asked of each edition and of the files saved."""

import json
from dataclasses import dataclass
from pathlib import Path

from briefs.content.inputs import brief_inputs, discover, read_languages
from briefs.content.load import load_brief, load_organisations
from briefs.content.model import BRIEF_ID, LANGUAGES
from briefs.errors import ContentError, ContentErrors, problems_of
from briefs.package import PACKAGE
from briefs.workflow.plan import book_answers, case_files, entry_dependencies, recorded_files


@dataclass(frozen=True)
class Plan:
    inputs: dict  # (brief id, lang): frozenset of the content files the edition is made from
    problems: dict  # brief id: why its editions cannot be built, as `briefs check` says it


def make_plan(project):
    """The editions of every brief of the project as its files are now."""
    inputs, problems = {}, {}
    try:
        brief_ids = discover(project)
    except ContentError as error:  # content/briefs itself is a link, say
        return Plan({}, {"": messages(error)})
    for brief_id in brief_ids:
        try:
            languages = read_languages(project, brief_id)
            if not BRIEF_ID.match(brief_id) or not set(languages) <= set(LANGUAGES):
                raise ContentError(project.brief_dir(brief_id), "not a brief the build can make")
            for lang in languages:
                inputs[(brief_id, lang)] = frozenset(brief_inputs(project, brief_id, [lang]))
        except (ContentError, ContentErrors) as error:
            problems[brief_id] = _brief_problem(project, brief_id, error)
    return Plan(inputs, problems)


def _brief_problem(project, brief_id, error):
    """Why a brief cannot be planned, in the words of the check that the build makes."""
    try:
        load_brief(project, brief_id, load_organisations(project))
    except (ContentError, ContentErrors) as found:
        return messages(found)
    return messages(error)


def messages(error):
    """A ContentError or ContentErrors as `briefs check` prints it: a line per problem."""
    return "\n".join(f"error: {problem}" for problem in problems_of(error))


def is_code(path):
    """Whether a saved file is part of the package (its code, catalogues, the preview's
    own pages), which shapes every output."""
    return Path(path).is_relative_to(PACKAGE)


def about_cases(project, path):
    """Whether a saved file is a case record or a catalogue records refer to (the files of
    briefs.cases.sources.case_catalogues, named here as they may have just been deleted)."""
    content, path = project.content, Path(path)
    return (path.is_relative_to(content / "cases") or path.is_relative_to(content / "legal")
            or path in (content / "affiliations.yaml", content / "regions.yaml"))


def to_rebuild(project, old, new, changed, entries, book):
    """The editions of the plan new to build again once the files changed were saved.

    entries: {edition: where its entry is, present if its last build succeeded}. book: the
    case book as the files are now, or None if it cannot be read: then every edition that
    asked for case data, or whose questions are unknown, is built again, to say why."""
    changed = {str(path) for path in changed}
    if any(Path(path).is_relative_to(project.templates) for path in changed):
        return set(new.inputs)
    keys = {key for key, inputs in new.inputs.items()
            if old.inputs.get(key) != inputs or inputs & changed
            or key in entries and _read_by(project, entries[key]) & changed}
    if any(about_cases(project, path) for path in changed):
        keys |= {key for key in new.inputs if key not in keys and key in entries
                 and _shows_changed_cases(project, entries[key], book, changed)}
    return keys


def _read_by(project, entry):
    """The content files an edition's last build read, as its entry recorded them."""
    return set(recorded_files(project, entry_dependencies([entry])))


def _shows_changed_cases(project, entry, book, changed):
    """Whether an edition depends on one of the saved case files, as the workflow judges
    it (from the records and questions of its entry, or on all of them without one)."""
    if book is None:
        return _asked_for_cases(entry)
    files = case_files(project, entry_dependencies([entry]), book_answers(book))
    depends = [Path(path) for path in files]
    return any(Path(path).is_relative_to(folder) for path in changed for folder in depends)


def _asked_for_cases(entry):
    try:
        written = json.loads(Path(entry).read_text(encoding="utf-8"))
        return bool(written["cases"] or written["case_queries"])
    except (OSError, ValueError, KeyError):
        return True
