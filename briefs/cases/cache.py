"""The case book kept between processes, one record at a time, keyed by content.

Reading and checking a record (YAML, pydantic, the rules of briefs.cases.load) takes
about half a millisecond: 20,000 took ten seconds. So the checked result of each record,
the audience's view of it, is kept in `.cache/<audience>/case-records`, under the SHA-256
of its file's name and bytes. Whoever needs the book reads and hashes every file (a few
milliseconds a thousand) and reads and checks only the records the store has no result
for: one edited record is read alone. A store made for another audience or by another
version of the package (its fingerprint, briefs.package), or whose bytes are not those
it was written with, is not used. A record with a problem is not kept: it is read, and its
problem reported, every time. The book validates a kept view (pydantic) when the record is
first asked for: a job that shows one record of 20,000 validates one.

A record's checks depend on the catalogues only by asking whether a name is in them (a
legal code, one of its articles, an affiliation, a region): a record that passed against
some names passes against any that include them. So the store notes the names its
records were checked against; while the catalogues only gain names, no record is checked
again. When a name is gone, the internal book checks its kept records again without
reading their files, and the public book reads its records again: its store holds the
public view only, not what the public does not see, which the checks look at too. Of a
record the public does not see, it holds the hash of its name and bytes alone.
"""

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import TypeAdapter

from briefs.cases.load import CaseBook, case_problems, read_case, read_catalogues
from briefs.cases.schema import Case, LegalCode, Named
from briefs.cases.sources import book_key, case_catalogues, case_sources
from briefs.errors import ContentErrors
from briefs.files import write_whole
from briefs.package import package_fingerprint

STORE = "case-records"
HIDDEN = b"null"  # the view of a record the audience does not see
VIEWS = TypeAdapter(list[Case])
CATALOGUES = {"codes": TypeAdapter(dict[str, LegalCode]),
              "affiliations": TypeAdapter(dict[str, Named]),
              "regions": TypeAdapter(dict[str, Named])}
_kept = {}  # audience: (key, the last book this process read or its ContentErrors)


def casebook(project, audience, cache=None, key=None, sources=None):
    """The case book of an audience as the files are now. cache: the build's private
    folder for this audience (none: kept in memory only). key: the key of the files as
    this run's planning read them, which a job of the run may use without reading them
    again, if this process or the store has that book (a job forked by the job server
    may have it; planning leaves its book in the store). sources: case_sources(project),
    if the caller has read them. A book with problems raises ContentErrors, again at once
    if asked again with its key (as `briefs check` does for each edition)."""
    found = _known(audience, key) if key else None
    if found is None and key and cache:
        found = _stored_book(audience, cache, key)
    if found is None:
        if sources is None:
            with project.unrecorded():
                sources = case_sources(project, cache)
        digests = sources.digests
        key = book_key(project, audience, digests)
        found = _known(audience, key) or _book(project, audience, cache, key, sources, digests)
    _kept[audience] = key, found
    if isinstance(found, ContentErrors):
        raise found
    return found


def _known(audience, key):
    """The book of that key this process has, or its ContentErrors; None if none."""
    known, found = _kept.get(audience, (None, None))
    return found if known == key else None


def checked_count(project, audience, cache=None, sources=None, messages_for=None):
    """How many records an audience sees, each checked as for its book, which is not made:
    `briefs check` asks only whether they are right. messages_for: the audience the
    messages are worded for, if not the book's (briefs.cases.load)."""
    if sources is None:
        with project.unrecorded():
            sources = case_sources(project, cache)
    return len(checked_records(project, audience, cache, sources, sources.digests,
                               messages_for)[0])


def _book(project, audience, cache, key, sources, digests):
    """The book, or the ContentErrors listing its problems."""
    try:
        views, catalogues = checked_records(project, audience, cache, sources, digests)
    except ContentErrors as errors:
        return errors
    return CaseBook(Records({stem_of(name): view for name, view in views.items()}),
                    *catalogues, audience, key, _catalogue_digests(project, digests))


def stored_casebook(audience, cache):
    """The book the store in cache was last written for, if any, without reading the
    records' files, kept in this process as casebook keeps a book: the job server loads it
    for the jobs it forks, each of which asks for the key planning gave it (and reads the
    files if it is another)."""
    book = _stored_book(audience, cache)
    if book:
        _kept[audience] = book.key, book
    return book


def _stored_book(audience, cache, key=None):
    """The book the store was last written for, from the store alone; None if none or, if
    a key is given, another."""
    head, kept = _read_store(Path(cache, STORE), audience)
    if not head.get("book") or (key and head["book"] != key):
        return None
    views = {stem.decode(): view for stem, view in kept.values() if view != HIDDEN}
    catalogues = (shape.validate_python(head[name]) for name, shape in CATALOGUES.items())
    return CaseBook(Records(views), *catalogues, audience, head["book"],
                    tuple(map(tuple, head["catalogues"])))


class Records(Mapping):
    """{id: record} of a book, from {id: JSON of its view}: each record is validated when
    first asked for, so that a job that shows a few records of twenty thousand validates
    those few."""

    def __init__(self, views):
        self._views, self._cases = views, {}

    def __getitem__(self, case_id):
        if case_id not in self._cases:
            self._cases[case_id] = Case.model_validate_json(self._views[case_id])
        return self._cases[case_id]

    def __contains__(self, case_id):
        return case_id in self._views

    def validate(self, ids):
        """Validate these records now, not when first asked for (the job server's warm-up
        does, for the jobs it forks)."""
        for case_id in ids:
            self[case_id]

    def __iter__(self):
        return iter(self._views)

    def __len__(self):
        return len(self._views)


def checked_records(project, audience, cache, sources, digests, messages_for=None):
    """({file name: JSON of the audience's view} of each record it sees, the catalogues
    (codes, affiliations, regions)), every record checked; ContentErrors listing every
    problem, worded for messages_for (by default the audience). A record's view comes from
    the store in cache where it has the record's name and bytes; the others are read, and
    the store is written again if anything changed. Paths stay strings (digests' keys) but
    for the records read: after an edit, planning checks 20,000 records here."""
    catalogues, errors = read_catalogues(project, sources)
    names = _names(*catalogues)
    saved = Path(cache, STORE) if cache else None
    head, kept = _read_store(saved, audience) if saved else ({}, {})
    if not names >= set(map(tuple, head.get("names", ()))):
        kept = _checked_again(kept, audience, catalogues)
    catalogue_files = {str(path) for path in case_catalogues(project)}
    store, views = {}, {}
    for path, digest in digests.items():
        if path in catalogue_files:
            continue
        name = os.path.basename(path)
        record = _record_key(name, digest)
        stem, view = kept.get(record, (None, None))
        if view is None:
            case, problems = read_case(project, Path(path), audience, catalogues, sources,
                                       messages_for)
            errors.extend(problems)
            if problems:
                continue
            # a hidden record's name is not kept
            stem = stem_of(name).encode() if case else b"-"
            view = case.model_dump_json(exclude_defaults=True).encode() if case else HIDDEN
        store[record] = stem, view
        if view != HIDDEN:
            views[name] = view
    if saved:
        book = "" if errors else book_key(project, audience, digests)
        _write_store(saved, audience, names, catalogues, book,
                     _catalogue_digests(project, digests), store, head, kept)
    if errors:
        raise ContentErrors(errors)
    return views, catalogues


def stem_of(name):
    """A record's id: its file's name without the extension, as pathlib's stem."""
    return os.path.splitext(name)[0]


def _catalogue_digests(project, digests):
    """((relative path, SHA-256), ...) of the catalogues, as they were read."""
    return tuple((project.relative(path).as_posix(), digests[str(path)])
                 for path in case_catalogues(project))


def _record_key(name, digest):
    """The key of a record in the store: the SHA-256 of its file's name and bytes."""
    return hashlib.sha256(f"{name}\0{digest}".encode()).hexdigest().encode()


def _names(codes, affiliations, regions):
    """Every name of the catalogues a record may refer to."""
    return {("legal", code) for code in codes} | {
        ("legal", code, article) for code, entry in codes.items() for article in entry.articles
    } | {("affiliation", key) for key in affiliations} | {("region", key) for key in regions}


def _checked_again(kept, audience, catalogues):
    """The kept views that pass against catalogues that lost a name; none for the public,
    whose views lack what the public does not see, checked too (its records are read)."""
    if audience != "internal":
        return {}
    cases = VIEWS.validate_json(b"[" + b",".join(view for _, view in kept.values()) + b"]")
    return {record: kept[record] for record, case in zip(kept, cases)
            if not case_problems(case, case.id, *catalogues)}


def _read_store(path, audience):
    """(its header, {record's key: (its file's stem, JSON of its view)}), or ({}, {}) if
    the store is absent, damaged, or made for another audience or package."""
    try:
        header, _, body = path.read_bytes().partition(b"\n")
        head = json.loads(header)
        if (head["audience"] != audience or head["package"] != package_fingerprint()
                or head["body"] != hashlib.sha256(body).hexdigest()):
            return {}, {}
        lines = (line.split(b" ", 2) for line in body.split(b"\n")) if body else ()
        return head, {record: (stem, view) for record, stem, view in lines}
    except (OSError, ValueError, KeyError, TypeError):
        return {}, {}


def _write_store(path, audience, names, catalogues, book, read, store, head, kept):
    """Write the store if anything in it changed. One line of what its views were made by
    and checked against (the package, the catalogues' names), of the book they make with
    the catalogues if none failed (book: its key, read: the catalogues' digests) and of
    the SHA-256 of the rest (a view is validated only when used); then a line a record:
    its key, its file's stem ("-" for a record the audience does not see) and its view,
    which JSON writes on one line."""
    new = {"audience": audience, "package": package_fingerprint(),
           "names": [list(name) for name in sorted(names)], "book": book,
           "catalogues": [list(pair) for pair in read],
           **{name: shape.dump_python(catalogue, mode="json", exclude_defaults=True)
              for (name, shape), catalogue in zip(CATALOGUES.items(), catalogues)}}
    if store.keys() == kept.keys() and new == {k: v for k, v in head.items() if k != "body"}:
        return
    body = b"\n".join(b" ".join((record, *line)) for record, line in store.items())
    text = json.dumps({**new, "body": hashlib.sha256(body).hexdigest()}, ensure_ascii=False)
    write_whole(path, text.encode() + b"\n" + body, path.parent / "scratch")
