"""What `briefs check` found of each edition, kept until what the edition was made from
changes.

Checking renders every edition's pages: 400 editions took some five seconds, in every
check. So the warnings of an edition that rendered without a problem are kept in
`.cache/public/checked-editions.json`, with what its rendering depended on, as planning
judges a brief: the SHA-256 of every content file it read (recorded as read,
Project.recording) and of those brief.yaml names (which a first reading may not have
read: a record of confirmed translations added later), the records it showed by their
public view, or the whole book's key if it asked a question of all of them, and the
code, templates and settings it was rendered with. The next check renders it again if
any of these changed; otherwise it says the same warnings without rendering. An edition
with a problem is never kept: its problem is found, and said, every time.
"""

import hashlib
import json
from pathlib import Path

from briefs.content.inputs import edition_inputs
from briefs.errors import ContentError
from briefs.files import write_whole
from briefs.package import package_fingerprint
from briefs.publish.entry import view_digest

KEPT = "checked-editions.json"


class CheckedEditions:
    """The editions a check found right, kept in cache (None: nothing kept), for the
    settings it renders with; pages: whether it prints them too."""

    def __init__(self, project, cache, settings, pages):
        self.project = project
        self.path = Path(cache, KEPT) if cache else None
        self.basis = _basis(project, settings, pages)
        kept = _read(self.path) if self.path else {}
        self.kept = kept.get("editions", {}) if kept.get("basis") == self.basis else {}
        self.found = {}  # what this check found, kept when it is saved
        self.digests = {}  # {relative path: SHA-256 or "missing"} of files, as now

    def warnings(self, edition, book, render):
        """The warnings of an edition: those kept, if nothing it depends on changed, else
        those of render(edition), rendered within a recording of what it reads. book: the
        case book the editions are rendered with (None if it has problems)."""
        name = f"{edition.brief.id}/{edition.lang}"
        self.digests.update(edition.reads)
        kept = self.kept.get(name)
        if kept and self._unchanged(edition, kept, book):
            self.found[name] = kept
            return kept["warnings"]
        with self.project.recording() as reads:
            warnings = render(edition)
        files = {**edition.reads, **reads}
        self.found[name] = {"files": {**self._now(self._inputs(edition)), **files},
                            "cases": _case_dependencies(edition), "warnings": warnings}
        return warnings

    def save(self):
        if self.path and self.found != self.kept:
            text = json.dumps({"basis": self.basis, "editions": self.found}, ensure_ascii=False)
            write_whole(self.path, text, self.path.parent / "scratch")

    def _unchanged(self, edition, kept, book):
        files = kept.get("files")
        if not isinstance(files, dict) or not set(self._inputs(edition)) <= files.keys():
            return False  # brief.yaml names a file its last check did not depend on
        if self._now(files) != files:
            return False
        cases = kept.get("cases")
        return cases is None or (book is not None and _case_dependencies_now(cases, book))

    def _inputs(self, edition):
        """The names of the files brief.yaml names for the edition."""
        return [self.project.relative(path).as_posix()
                for path in edition_inputs(self.project, edition.brief.id, edition.lang)]

    def _now(self, names):
        """{name: SHA-256, or "missing"} of these files of the project as they are now."""
        for name in names:
            if name not in self.digests:
                try:
                    data = self.project.read_bytes(self.project.root / name,
                                                   self.project.kind_of(name))
                    self.digests[name] = hashlib.sha256(data).hexdigest()
                except ContentError:
                    self.digests[name] = "missing"
        return {name: self.digests[name] for name in names}


def _case_dependencies(edition):
    """What an edition's pages took from the case book: None if nothing; the book's key
    if they asked a question of every record; else {id: SHA-256 of its view} of the
    records they showed."""
    if not edition.asked_cases():
        return None
    asking = edition.cases
    if asking.queries:
        return {"book": asking.book.key}
    return {"records": {case_id: view_digest(asking.book.cases[case_id])
                        for case_id in sorted(asking.used)}}


def _case_dependencies_now(cases, book):
    """Whether the case book gives what _case_dependencies recorded."""
    if "book" in cases:
        return cases["book"] == book.key
    records = cases.get("records")
    return isinstance(records, dict) and all(
        case_id in book.cases and view_digest(book.cases[case_id]) == digest
        for case_id, digest in records.items())


def _basis(project, settings, pages):
    """The key of what every edition's check depends on besides its content: the
    package's code, the templates and fonts, the settings that shape outputs
    (Settings.shaping) and whether pages are printed."""
    digest = hashlib.sha256()
    for path in project.template_files():
        digest.update(f"{project.relative(path).as_posix()}\0".encode())
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return hashlib.sha256("\0".join([package_fingerprint(), digest.hexdigest(),
                                     *settings.shaping(), str(pages)]).encode()).hexdigest()


def _read(path):
    try:
        kept = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}
