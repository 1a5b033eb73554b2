"""Where a build's outputs go, writing them whole through a private scratch folder, and
reading what a build wrote.

Outputs are first written into a scratch folder of the build's private cache (never the
build folder, which is exactly what is sent), then renamed into place: a failed or killed
job leaves neither a half-written file nor a temporary one where outputs are.

What is published is readable by all (files 0644, folders 0755) whatever the umask: a web
server or the copy that publishes it may run as another user. What stays in the private
cache, and the internal audience's outputs, which hold restricted records, keep the modes
the umask gives (keep_outputs_private). Each process writes in a scratch folder of its own,
named by its host and PID, so that what a killed one left is known (briefs.workflow.leftovers).
"""

import atexit
import errno
import json
import os
import re
import shutil
import socket
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from briefs.errors import ContentError

BUILD_FIRST = "build the briefs first (snakemake --cores all), then name files it wrote"


@dataclass(frozen=True)
class OutputKind:
    """A kind of file the build publishes, in a brief's folder: one per edition when its
    pattern names the language, else one per brief."""

    name: str
    pattern: str  # its path in the brief's folder, from {brief} and {lang}
    # made from the edition's sources: the manifest lists them with each such file
    sourced: bool = False

    @property
    def per_edition(self):
        return "{lang}" in self.pattern


# What a build publishes for each brief. A new output format is a row here and the step
# of briefs.workflow.driver that writes it (docs/architecture.md has the checklist).
OUTPUT_KINDS = (
    OutputKind("html", "{brief}.{lang}.html", sourced=True),
    OutputKind("pdf", "{brief}.{lang}.pdf", sourced=True),
    # the people the edition shows, for journalists (briefs.publish.data_package)
    OutputKind("data", "data/{brief}.{lang}.csv", sourced=True),
    OutputKind("entry", "{brief}.{lang}.json"),  # what the catalogue and manifest read
    OutputKind("card", "{brief}.{lang}.card.png"),  # the picture of a shared link
    OutputKind("data_package", "data/datapackage.json"),  # describes the data tables
    OutputKind("press_kit", "{brief}-press-kit.zip"),
)
EDITION_KINDS = tuple(kind for kind in OUTPUT_KINDS if kind.per_edition)


def output_files(folder, brief_id, lang):
    """{kind: path} of one edition's files in folder."""
    return {kind.name: f"{folder}/" + kind.pattern.format(brief=brief_id, lang=lang)
            for kind in EDITION_KINDS}


def brief_files(folder, brief_id):
    """{kind: path} of a brief's own files (not its editions') in folder."""
    return {kind.name: f"{folder}/" + kind.pattern.format(brief=brief_id)
            for kind in OUTPUT_KINDS if not kind.per_edition}


def data_package_file(folder, brief_id):
    return brief_files(folder, brief_id)["data_package"]


def press_kit_file(folder, brief_id):
    return brief_files(folder, brief_id)["press_kit"]


def feed_file(folder, lang):
    """The catalogue's Atom feed of the editions in one language."""
    return f"{folder}/feed.{lang}.xml"


PUBLISHED_FILE, PUBLISHED_FOLDER = 0o644, 0o755
_REMOVED_AT_EXIT = set()
_PRIVATE_OUTPUTS = []  # holds True once this process writes the internal audience's outputs


def keep_outputs_private():
    """From now on, this process's outputs keep the modes the umask gives, as the private
    cache does: an internal build's pages are never made readable by all."""
    _PRIVATE_OUTPUTS[:] = [True]


def _modes():
    """(file, folder) modes of what this process publishes."""
    if _PRIVATE_OUTPUTS:
        return 0o666 & ~_umask(), 0o777 & ~_umask()
    return PUBLISHED_FILE, PUBLISHED_FOLDER


def write_whole(path, data, scratch):
    """Write bytes or text to path through a file in scratch, renamed into place: as
    private as the umask makes it if path is in the private cache (scratch's parent),
    else readable by all."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=own_folder(scratch), prefix=f"{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        if _inside(path, Path(scratch).parent):
            os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's file is 0600 whatever it is
            move_into_place(temporary, path)
        else:
            publish_file(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def publish_file(source, target):
    """Rename source to target, readable by all, in a folder readable by all (for the
    internal audience: as the umask makes them)."""
    os.chmod(source, _modes()[0])
    publish_folder(Path(target).parent)
    move_into_place(source, target)


def publish_folder(folder):
    """Make folder if need be, readable by all (for the internal audience: as the umask
    makes it); one of another user's is left as it is."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    found, mode = folder.stat(), _modes()[1]
    if found.st_uid == os.geteuid() and stat.S_IMODE(found.st_mode) != mode:
        os.chmod(folder, mode)


def move_into_place(source, target):
    """Rename source to target, which a reader sees whole or not at all. Where scratch is on
    another file system than the target, the copy goes through a hidden name beside it."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        beside = Path(target).with_name(f".{Path(target).name}.partial")
        try:
            shutil.copyfile(source, beside)
            shutil.copymode(source, beside)
            os.replace(beside, target)
        finally:
            beside.unlink(missing_ok=True)
            os.unlink(source)


def process_folder(parent, pid):
    """The folder of process pid of this host in parent (the private cache's scratch or
    tmp), named by host and PID: on a cluster, several hosts share the cache."""
    return Path(parent) / f"{socket.gethostname()}-{pid}"


def own_folder(parent):
    """This process's folder in parent, made if need be and removed when the process
    exits; a killed process's is removed by the next run (briefs.workflow.leftovers)."""
    folder = process_folder(parent, os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    if folder not in _REMOVED_AT_EXIT:
        _REMOVED_AT_EXIT.add(folder)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _inside(path, folder):
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))


def _umask():
    """This process's umask, read rather than set and set back, which would race with the
    files other threads make meanwhile."""
    with open("/proc/self/status", encoding="ascii") as status:
        return int(re.search(r"^Umask:\s*([0-7]+)", status.read(), re.MULTILINE)[1], 8)


class Staging:
    """A private folder in scratch where a job writes all its outputs, published together
    by renaming them into place once every one is made, or removed if anything fails."""

    def __init__(self, scratch):
        self.folder = Path(tempfile.mkdtemp(dir=own_folder(scratch), prefix="job-"))

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        shutil.rmtree(self.folder, ignore_errors=True)

    def publish(self, out):
        """Rename every staged file into the folder out, subfolders (data/, the released
        versions' v1/, v2/...) kept, the press kit's last."""
        staged = sorted((path for path in self.folder.rglob("*") if path.is_file()),
                        key=lambda path: (path.suffix == ".zip", path))
        for path in staged:
            publish_file(path, Path(out) / path.relative_to(self.folder))


def read_json(path, hint=BUILD_FIRST):
    """A JSON file the build wrote, such as an edition's entry or the manifest; a missing
    or damaged one says which and what to do."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(path, "no such file", hint=hint) from None
    except (OSError, ValueError) as error:
        raise ContentError(path, f"not a JSON file the build wrote ({error})",
                           hint=hint) from None
