"""The case book kept between processes, keyed by the content it was read from.

Reading and checking thousands of records takes a third of a second; planning the build
and every job that shows case data need the book. So the loaded view of an audience is
kept in memory, and in `.cache/<audience>/casebook.json`, under a key made of the bytes of
every case file and catalogue and of the code that reads them: whoever asks reads the
files and hashes them (a few milliseconds), and parses them only if no copy has that key.
A copy that is damaged or does not validate is ignored and written again. The public copy
holds the public view only (briefs.cases.load).
"""

import json
from dataclasses import replace
from pathlib import Path

from pydantic import TypeAdapter

from briefs.cases.load import CaseBook, load_casebook
from briefs.cases.schema import Case, LegalCode, Named
from briefs.cases.sources import book_key, case_catalogues, case_sources, source_digests
from briefs.files import write_whole
from briefs.project import text_of

SHAPE = {"cases": TypeAdapter(dict[str, Case]), "codes": TypeAdapter(dict[str, LegalCode]),
         "affiliations": TypeAdapter(dict[str, Named]),
         "regions": TypeAdapter(dict[str, Named])}
_kept = {}  # audience: the last book this process read


def casebook(project, audience, cache=None, key=None, sources=None, messages_for=None):
    """The case book of an audience as the files are now. cache: the build's private
    folder for this audience (none: kept in memory only). key: the key of the files as
    this run's planning read them, which a job of the run may use without reading them
    again, if this process has that book (a job forked by the job server does). sources:
    case_sources(project), if the caller has read them. messages_for: the audience the
    messages about mistakes are worded for, if not the book's (briefs.cases.load)."""
    if key and audience in _kept and _kept[audience].key == key:
        return _kept[audience]
    if sources is None:
        with project.unrecorded():
            sources = case_sources(project)
    digests = source_digests(sources)
    key = book_key(project, audience, digests)
    if audience in _kept and _kept[audience].key == key:
        return _kept[audience]
    saved = Path(cache, "casebook.json") if cache else None
    book = _read(saved, key) if saved else None
    if book is None:
        texts = {path: text_of(path, data) for path, data in sources.items()}
        catalogues = tuple((project.relative(path).as_posix(), digests[str(path)])
                           for path in case_catalogues(project))
        book = replace(load_casebook(project, audience, texts, messages_for), key=key,
                       catalogues=catalogues)
        if saved:
            _write(saved, book)
    _kept[audience] = book
    return book


def _read(path, key):
    try:
        saved = json.loads(path.read_bytes())
        if saved.get("key") != key:
            return None
        parts = {name: shape.validate_python(saved[name]) for name, shape in SHAPE.items()}
        return CaseBook(**parts, audience=saved["audience"], key=key,
                        catalogues=tuple(map(tuple, saved["catalogues"])))
    except Exception:  # absent, damaged, or of another shape: read the files instead
        return None


def _write(path, book):
    saved = {"key": book.key, "audience": book.audience, "catalogues": book.catalogues,
             **{name: shape.dump_python(getattr(book, name), mode="json", exclude_defaults=True)
                for name, shape in SHAPE.items()}}
    write_whole(path, json.dumps(saved, ensure_ascii=False, sort_keys=True), path.parent / "scratch")
