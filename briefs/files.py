"""Where outputs go, and writing them whole or not at all."""

import json
import os
import tempfile
from pathlib import Path

from briefs.errors import ContentError

BUILD_FIRST = "build the briefs first (snakemake --cores all), then name files it wrote"


def write_atomically(path, data):
    """Write bytes or text to path through a temporary file and a rename.

    A failed or interrupted job never leaves a half-written file where a finished one
    is expected.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def read_json(path, hint=BUILD_FIRST):
    """A JSON file the build wrote, such as an edition's record or the manifest; a missing
    or damaged one says which and what to do."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(path, "no such file", hint=hint) from None
    except (OSError, ValueError) as error:
        raise ContentError(path, f"not a JSON file the build wrote ({error})",
                           hint=hint) from None


def file_state(path):
    """What tells a changed file from the one read before: its size, time and inode; None
    if there is no such file. Caches that outlive a job key what they read with it."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ino


def edition_files(folder, brief_id, lang):
    """Where a brief's build writes one edition: web page, PDF, record and link picture."""
    stem = f"{folder}/{brief_id}.{lang}"
    return {"html": f"{stem}.html", "pdf": f"{stem}.pdf", "record": f"{stem}.json",
            "card": f"{stem}.card.png"}


def press_kit_file(folder, brief_id):
    return f"{folder}/{brief_id}-press-kit.zip"
