"""Which files a case book is read from, and the key of their bytes: light enough for
planning, which hashes them before every build and reads the book only if it must."""

import hashlib
from collections.abc import Mapping
from pathlib import Path

from briefs.cases.digests import folder_digests
from briefs.errors import ContentError
from briefs.package import package_fingerprint


def case_catalogues(project):
    """The files case records refer to: legal codes, affiliations and regions."""
    content = project.content
    return project.files(content / "legal", "*.yaml") + [
        path for path in (content / "affiliations.yaml", content / "regions.yaml")
        if project.exists(path)]


def case_sources(project, cache=None):
    """Every case record and catalogue of the project (CaseSources), the records hashed
    through the memo in cache, if given (briefs.cases.digests). Never recorded as an
    edition's reads: an edition names a record by the view it saw, not by its bytes."""
    with project.unrecorded():
        digests, data = folder_digests(project, project.content / "cases", "*.yaml", "yaml",
                                       cache)
        catalogues = {str(path): project.read_bytes(path, "catalogue")
                      for path in case_catalogues(project)}
    digests.update((path, hashlib.sha256(value).hexdigest())
                   for path, value in catalogues.items())
    return CaseSources(project, digests, {**data, **catalogues})


class CaseSources(Mapping):
    """{path: bytes} of the case records and catalogues, the records first, with digests:
    {path as a string: SHA-256} of each, in that order. A record the memo knew unchanged is
    read when its bytes are first asked for, and must then be the bytes its SHA-256 was
    taken of. Paths are kept as strings, made pathlib's only when the book iterates over
    them: planning, which asks for a few, need not build 20,000."""

    def __init__(self, project, digests, data):
        self._project, self.digests, self._data = project, digests, data

    def __getitem__(self, path):
        path = str(path)
        if path not in self._data:
            with self._project.unrecorded():
                data = self._project.read_bytes(path, "yaml")
            if hashlib.sha256(data).hexdigest() != self.digests[path]:
                raise ContentError(Path(path), "the file changed while it was being read",
                                   hint="run the command again once the file is saved")
            self._data[path] = data
        return self._data[path]

    def __contains__(self, path):
        return str(path) in self.digests

    def read(self):
        """The paths whose bytes were read so far, as strings."""
        return self._data.keys()

    def __iter__(self):
        return map(Path, self.digests)

    def __len__(self):
        return len(self.digests)


def book_key(project, audience, digests):
    """The key of an audience's case book: the bytes of its sources (CaseSources.digests)
    and of the package, whose code reads and checks them."""
    root = len(str(project.root)) + 1
    names = "".join(f"{path[root:]}\0{digest}\0" for path, digest in sorted(digests.items()))
    return hashlib.sha256(f"{audience}\0{package_fingerprint()}\0{names}".encode()).hexdigest()
