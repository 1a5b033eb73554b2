"""What the Snakefile asks the package: which files each job depends on."""

import datetime
import functools
import json
from pathlib import Path

from .errors import ContentError, ContentErrors, TemplateCallError

PACKAGE = Path(__file__).parent


def template_files(project):
    """Templates, stylesheets and fonts: a change to any of them rebuilds every edition."""
    return sorted(str(p) for p in project.templates.rglob("*") if p.is_file())


def package_files():
    """The package's own code and message catalogues, which shape every output."""
    return sorted(str(p) for p in PACKAGE.rglob("*")
                  if p.is_file() and p.suffix in (".py", ".po", ".yaml", ".md")
                  and "__pycache__" not in p.parts)


def case_files(project, record_path, internal=False):
    """The case files and catalogues an edition depends on.

    The edition's record, written at its last build, lists the records it showed or
    counted and the questions (filters as of a date) it asked. Its dependencies are those
    records plus whoever answers the same questions with the case files as they are now,
    so that a person who newly matches, or no longer matches, rebuilds it, and an edit to
    anyone else does not. Without a record (the first build, after a failure) or with case
    files that do not load, it depends on every case file; the build then reports the
    problem. A section edit rebuilds the edition anyway and rewrites the record.
    """
    content = project.content
    catalogues = case_catalogues(project)
    try:
        record = json.loads(Path(record_path).read_text(encoding="utf-8"))
        ids = set(record["cases"]) | _answers(project, record["case_queries"], internal)
    except (OSError, ValueError, KeyError, ContentError, ContentErrors, TemplateCallError):
        everything = sorted(content.glob("cases/*.yaml"))
        return [str(p) for p in [content / "cases", *everything, *catalogues]]
    files = [content / "cases" / f"{case_id}.yaml" for case_id in sorted(ids)]
    if any(not f.exists() for f in files):
        files.append(content / "cases")  # a record it showed was deleted: the folder changed
    return [str(p) for p in files + (catalogues if ids else []) if p.exists()]


def case_catalogues(project):
    """The files case records refer to: legal codes, affiliations and regions."""
    content = project.content
    return sorted(content.glob("legal/*.yaml")) + [
        p for p in (content / "affiliations.yaml", content / "regions.yaml") if p.exists()]


def _answers(project, queries, internal):
    if not queries:
        return set()
    book = _casebook(project.root, internal)
    return {case.id for query in queries
            for case in book.select(datetime.date.fromisoformat(query["day"]), **query["filters"])}


@functools.cache
def _casebook(root, internal):
    from .cases import load_casebook
    from .content import Project

    return load_casebook(Project(root), internal)
