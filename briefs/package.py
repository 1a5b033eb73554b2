"""The package's own files, and a fingerprint of them: a change to any of them may change
every output, and every cache of what they compute."""

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def package_files():
    """The package's own code and message catalogues, which shape every output."""
    return sorted(str(p) for p in PACKAGE.rglob("*")
                  if p.is_file() and p.suffix in (".py", ".po", ".yaml", ".md")
                  and "__pycache__" not in p.parts)


@functools.cache
def package_fingerprint():
    """The SHA-256 of the package's files, each with its name: a key for caches of what
    the package computes, which no hand-kept list of modules can keep true."""
    digest = hashlib.sha256()
    for path in package_files():
        digest.update(f"{Path(path).relative_to(PACKAGE)}\0".encode())
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()
