"""The case book parsed once and kept in one file, for planning and every job to read.

Parsing and checking thousands of case records takes a large share of a second; a
workflow that did it while planning and again in every job would spend more time on that
than on printing. The Snakefile refreshes this index while planning (so that a mistake in
a record stops the build before anything runs), in the build's private cache folder:
never in the published build folder, as it holds restricted records too. Whoever reads it
first compares the fingerprint saved with it (names, sizes and modification times of the
case files) with the files as they are, and parses them instead if they differ, so the
index can only ever save time: a job depends on its case files, never on the index.
"""

import functools
import os
import pickle
from dataclasses import replace
from pathlib import Path

from briefs.cases.book import case_catalogues, load_casebook
from briefs.files import file_state, write_atomically


def casebook_path(cache):
    """Where a build keeps its parsed case book, in its private cache folder."""
    return Path(cache) / "casebook.pickle"


def fingerprint(project):
    """Names, sizes and modification times of the files the case book is read from."""
    folder = project.content / "cases"
    entries = sorted(os.scandir(folder), key=lambda e: e.name) if folder.is_dir() else []
    records = [(entry.name, entry.stat()) for entry in entries if entry.name.endswith(".yaml")]
    records += [(path.name, path.stat()) for path in case_catalogues(project)]
    return [(name, stat.st_size, stat.st_mtime_ns) for name, stat in records]


def refresh_index(project, path):
    """Parse and check every case record if the index no longer matches the files, and
    save it; raise ContentErrors listing every problem."""
    current = fingerprint(project)
    if _saved_fingerprint(path) != current:
        book = load_casebook(project)
        write_atomically(path, pickle.dumps(current, protocol=pickle.HIGHEST_PROTOCOL)
                         + pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))


def current_casebook(project, path, internal=False):
    """The case book as the case files are now: from the index if it still matches them."""
    try:
        saved, book = _read_index(os.path.abspath(path), file_state(path))
        if saved == fingerprint(project):
            return replace(book, internal=internal).for_edition()  # not the kept copy's account
    except Exception:  # no index yet, or one written by another version of this code
        pass
    return load_casebook(project, internal)


@functools.lru_cache(maxsize=2)
def _read_index(path, _state):
    """The saved fingerprint and case book, kept while the file is unchanged: a worker
    reads the index once for all the jobs it forks (briefs.worker)."""
    with open(path, "rb") as stream:
        return pickle.load(stream), pickle.load(stream)


def _saved_fingerprint(path):
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except Exception:
        return None
