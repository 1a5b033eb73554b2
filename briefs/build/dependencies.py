"""What the Snakefile asks the package: which files each job depends on."""

import atexit
import datetime
import gc
import json
import threading
from pathlib import Path

from briefs.cases.load import case_catalogues
from briefs.cases.queries import CaseQueries
from briefs.errors import ContentError, ContentErrors, TemplateCallError
from briefs.files import write_whole

PACKAGE = Path(__file__).resolve().parent.parent


def package_files():
    """The package's own code and message catalogues, which shape every output."""
    return sorted(str(p) for p in PACKAGE.rglob("*")
                  if p.is_file() and p.suffix in (".py", ".po", ".yaml", ".md")
                  and "__pycache__" not in p.parts)


def case_files(project, entry_paths, book):
    """The case files a brief's editions depend on.

    Each edition's entry, written at its last build, lists the records it showed or
    counted and the questions (filters as of a date) it asked. The brief depends on those
    records plus whoever answers the same questions with the case files as they are now,
    so that a person who newly matches, or no longer matches, rebuilds it, and an edit to
    anyone else does not. Without entries the brief is built anyway (they are among its
    outputs), and a section edit rebuilds it and rewrites them. book: the audience's case
    book as the files are now.
    """
    if not all(Path(path).is_file() for path in entry_paths):
        # Built anyway; the folder as a whole (one input, not thousands) is what it reads.
        folder = project.content / "cases"
        return [str(p) for p in [folder, *case_catalogues(project)] if p.exists()]
    try:
        entries = [json.loads(Path(path).read_text(encoding="utf-8")) for path in entry_paths]
        ids = {case_id for entry in entries for case_id in entry["cases"]}
        queries = [query for entry in entries for query in entry["case_queries"]]
        ids |= _answers(queries, book)
    except (OSError, ValueError, KeyError, ContentError, ContentErrors, TemplateCallError):
        # A damaged entry, or a question that no longer makes sense: rebuild to say so.
        everything = sorted((project.content / "cases").glob("*.yaml"))
        return [str(p) for p in everything + case_catalogues(project)]
    files = [project.content / "cases" / f"{case_id}.yaml" for case_id in sorted(ids)]
    if any(not f.exists() for f in files):
        files.append(project.content / "cases")  # a record it showed was deleted
    catalogues = case_catalogues(project) if ids else []
    return [str(p) for p in files + catalogues if p.exists()]


def failures(cache, brief_id):
    """How many times a brief's build has failed. It is a parameter of the brief's job:
    Snakemake puts the last good files of a failed job back (they are update() outputs) and
    records them as made from the broken sources, so only a changed parameter makes the
    next run build it again, and say again what is wrong."""
    try:
        return int(_failure_count(cache, brief_id).read_text())
    except (OSError, ValueError):
        return 0


def count_failure(cache, brief_id):
    path = _failure_count(cache, brief_id)
    write_whole(path, f"{failures(cache, brief_id) + 1}\n", path.parent)


def _failure_count(cache, brief_id):
    return Path(cache) / "failures" / brief_id


def _answers(queries, book):
    asking = CaseQueries(book)
    return {case.id for query in queries
            for case in asking.select(datetime.date.fromisoformat(query["day"]),
                                      **query["filters"])}


def stop_rescheduling_timers():
    """Cancel the timers Snakemake's scheduler leaves behind when the workflow is over
    (see the Snakefile's onsuccess): Python would wait for them before exiting."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def spare_garbage_collection():
    """Keep Python's cyclic garbage collector off what Snakemake holds now, and off
    everything when it exits.

    Snakemake's modules, and later its plan of the build, live until it exits, yet every
    full collection walks them again, and the last one at exit took 0.8 s after a 200-brief
    build had finished. Frozen objects are never collected; at exit the operating system
    frees them. Called when the Snakefile is read and again when the jobs start.
    """
    gc.freeze()
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
