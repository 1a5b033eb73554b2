"""Which files a case book is read from, and the key of their bytes: light enough for
planning, which hashes them before every build and reads the book only if it must."""

import functools
import hashlib
from pathlib import Path

# The code that reads the files: a change to it changes every book.
CODE = [Path(__file__).parent / name for name in ("schema.py", "load.py")] + [
    Path(__file__).parent.parent / "content" / name
    for name in ("model.py", "yamlfile.py", "characters.py")]


def case_catalogues(project):
    """The files case records refer to: legal codes, affiliations and regions."""
    content = project.content
    return project.files(content / "legal", "*.yaml") + [
        path for path in (content / "affiliations.yaml", content / "regions.yaml")
        if project.exists(path)]


def case_sources(project):
    """{path: bytes} of every case record and catalogue of the project."""
    sources = project.read_folder(project.content / "cases", "*.yaml", "yaml")
    sources.update((path, project.read_bytes(path, "catalogue"))
                   for path in case_catalogues(project))
    return sources


def source_digests(sources):
    """{path: SHA-256} of case_sources(project), each path as a string."""
    return {str(path): hashlib.sha256(data).hexdigest() for path, data in sources.items()}


def book_key(project, audience, digests):
    """The key of an audience's case book: the bytes of its sources (source_digests) and of
    the code that reads them."""
    root = len(str(project.root)) + 1
    names = "".join(f"{path[root:]}\0{digest}\0" for path, digest in sorted(digests.items()))
    return hashlib.sha256(f"{audience}\0{_code_digest()}\0{names}".encode()).hexdigest()


@functools.cache
def _code_digest():
    return hashlib.sha256(b"".join(path.read_bytes() for path in CODE)).hexdigest()
