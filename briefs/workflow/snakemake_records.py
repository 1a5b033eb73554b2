"""Snakemake's records of past runs (.snakemake/metadata, and .snakemake/incomplete for
the files of jobs it started), checked before Snakemake reads them.

Snakemake stops with a traceback that names no file when a record is not text, or is JSON
but not an object; one that is not JSON at all it skips with a warning, as a record still
being written. A record only says how Snakemake made a file: which briefs to build is
decided by their bytes (briefs/workflow/plan.py). So a damaged record is removed, with a
warning naming it, and the build goes on: the worst it costs is a brief built again, and
stopping instead would only send an editor to remove by hand a file they cannot repair.
"""

import base64
import os
from pathlib import Path

RECORDS = ("metadata", "incomplete")


def remove_damaged_records(snakemake_folder=".snakemake"):
    """Remove the damaged records; return a warning for each."""
    warnings = []
    for kind in RECORDS:
        top = Path(snakemake_folder) / kind
        for folder, _, names in os.walk(top):
            for path in (os.path.join(folder, name) for name in names):
                if _damaged(path):
                    Path(path).unlink(missing_ok=True)
                    warnings.append(
                        f"{path}: Snakemake's record of how {_recorded(top, path)} was made "
                        "was damaged, and has been removed; nothing of the briefs is lost "
                        "(at most a brief is built again). If this happens again, check the "
                        "disk.")
    return warnings


def _damaged(path):
    """Whether a record is neither one Snakemake wrote nor one it is writing: each is a
    JSON object in ASCII (JSON escapes other characters), so it begins with {."""
    try:
        with open(path, "rb") as record:
            data = record.read()
    except OSError:
        return False
    return not data.isascii() or data.lstrip()[:1] not in (b"", b"{")


def _recorded(top, path):
    """The file a record is about: its name is that file's path in base64, cut into
    folders whose names but the last begin with @ if it is long."""
    encoded = "".join(part.removeprefix("@") for part in Path(path).relative_to(top).parts)
    try:
        return base64.urlsafe_b64decode(encoded).decode("utf-8")
    except ValueError:
        return "a file"
