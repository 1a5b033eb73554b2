"""The project folder, and the one way the build reads its files.

Every file the build reads (brief.yaml, sections, case records, catalogues, pictures,
templates, fonts) is opened here, one folder at a time from the project's root and never
through a symbolic link, so that nothing outside the project can be brought in, whatever
the content says. Each kind of file has a size limit, so that one huge file cannot stop
every build.

Being the one reader, it is also where provenance is recorded: inside `recording()`,
every file read is noted with the SHA-256 of the bytes read, at the moment they are read,
so that an output names exactly what it was made from (as a compiler writes make's
dependency files), never what a second reader guesses afterwards.
"""

import contextvars
import errno
import fnmatch
import hashlib
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefs.errors import ContentError

KB, MB = 1024, 1024 * 1024
# The largest file of each kind the build reads: far above any real one, far below harm.
LIMITS = {"yaml": 256 * KB, "catalogue": 2 * MB, "section": 512 * KB, "record": 4 * MB,
          "picture": 20 * MB, "template": 1 * MB, "font": 20 * MB, "release": 100 * MB}
LINK_HINT = ("replace the link by a copy of the file itself: the build reads only files "
             "inside the project, never through a link")
# The records open in this thread of control: each is {relative path: SHA-256}.
_RECORDS = contextvars.ContextVar("records", default=())


@dataclass(frozen=True)
class Project:
    """Where a checkout keeps its content and templates."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(os.path.realpath(self.root)))

    @property
    def content(self):
        return self.root / "content"

    @property
    def templates(self):
        return self.root / "templates"

    @property
    def briefs_dir(self):
        return self.content / "briefs"

    def brief_dir(self, brief_id):
        return self.briefs_dir / brief_id

    def section_path(self, brief_id, ref, lang):
        folder = self.content / "sections" if ref.shared else self.brief_dir(brief_id)
        return folder / f"{ref.stem}.{lang}.md"

    def relative(self, path):
        """A path inside the project, as a relative one; ContentError if it is outside."""
        full, root = os.path.normpath(os.path.join(self.root, path)), str(self.root)
        if not full.startswith(root.rstrip(os.sep) + os.sep):
            raise ContentError(Path(full), "this file is outside the project",
                               hint="keep every file the briefs use inside the project")
        return Path(full[len(root.rstrip(os.sep)) + 1:])

    @contextmanager
    def recording(self):
        """{relative path: SHA-256} of every file of content/ read until the block ends, as
        read; recordings may nest, and each gets every read."""
        reads = {}
        token = _RECORDS.set(_RECORDS.get() + (reads,))
        try:
            yield reads
        finally:
            _RECORDS.reset(token)

    @contextmanager
    def unrecorded(self):
        """Reads that no open recording gets: the case book's, whose records an edition
        names by the view it saw (restricted parts are in the files' bytes)."""
        token = _RECORDS.set(())
        try:
            yield
        finally:
            _RECORDS.reset(token)

    def read_bytes(self, path, kind):
        """The bytes of a regular file of the project, read beneath its root without
        following any link; ContentError if it is not one, or larger than kind allows."""
        relative = self.relative(path)
        folder = self._open(relative.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            return self._read_in(folder, relative.parent, relative.name, kind)
        finally:
            os.close(folder)

    def read_folder(self, folder, pattern, kind):
        """{path: bytes} of the files of a folder that match a glob pattern, sorted, each
        read as read_bytes reads one (the folder is opened once for all of them)."""
        relative = self.relative(folder)
        if not os.path.lexists(self.root / relative):
            return {}
        handle = self._open(relative, os.O_RDONLY | os.O_DIRECTORY)
        try:
            names = sorted(fnmatch.filter(os.listdir(handle), pattern))
            base = self.root / relative
            return {base / name: self._read_in(handle, relative, name, kind) for name in names}
        finally:
            os.close(handle)

    def stat_folder(self, folder, pattern):
        """{name: lstat} of the entries of a folder that match a glob pattern, sorted, the
        folder opened as read_folder opens it; a link is given as a link, for reading it to
        refuse."""
        relative = self.relative(folder)
        if not os.path.lexists(self.root / relative):
            return {}
        handle = self._open(relative, os.O_RDONLY | os.O_DIRECTORY)
        try:
            return {name: os.stat(name, dir_fd=handle, follow_symlinks=False)
                    for name in sorted(fnmatch.filter(os.listdir(handle), pattern))}
        finally:
            os.close(handle)

    def read_each(self, paths, kind_of):
        """{path: bytes} of files of the project, each read as read_bytes reads one, each
        folder opened once. kind_of(path): its kind of file, for the size limit."""
        by_folder = {}
        for path in paths:
            relative = self.relative(path)
            by_folder.setdefault(relative.parent, []).append((path, relative.name))
        found = {}
        for relative, names in by_folder.items():
            handle = self._open(relative, os.O_RDONLY | os.O_DIRECTORY)
            try:
                found.update((path, self._read_in(handle, relative, name, kind_of(path)))
                             for path, name in names)
            finally:
                os.close(handle)
        return found

    def _read_in(self, folder, relative, name, kind):
        """Read the file name of the open folder (relative to the root), as read_bytes does."""
        try:
            handle = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW, dir_fd=folder)
        except OSError as error:
            raise _open_error(self.root / relative / name, error) from None
        limit = LIMITS[kind]
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                raise ContentError(self.root / relative / name, "this is not a regular file",
                                   hint="replace it by an ordinary file")
            data = os.read(handle, limit + 1)
            while len(data) <= limit and (more := os.read(handle, limit + 1 - len(data))):
                data += more
        finally:
            os.close(handle)
        if len(data) > limit:
            raise ContentError(self.root / relative / name, f"the file is larger than "
                               f"{limit // KB} KB, the most a {kind} file may be",
                               hint="split it into several files, or make it smaller")
        # Content only: templates and fonts are the fingerprint's, and hashing the fonts
        # each edition prints with would cost more than some editions take to print.
        if (records := _RECORDS.get()) and relative.parts[:1] == ("content",):
            digest = hashlib.sha256(data).hexdigest()
            for reads in records:
                reads[(relative / name).as_posix()] = digest
        return data

    def read_text(self, path, kind):
        """A UTF-8 text file of the project, without the byte-order mark some editors add."""
        return text_of(path, self.read_bytes(path, kind))

    def kind_of(self, path):
        """The kind of a content file, for its size limit: catalogues are the YAML files
        case records refer to (legal codes, affiliations, regions)."""
        relative = self.relative(path)
        if relative.suffix == ".md":
            return "section"
        if relative.suffix == ".json":
            return "record"
        if relative.parts[:2] == ("content", "releases"):
            return "release"
        if relative.suffix != ".yaml":
            return "picture"
        catalogue = relative.parts[:2] == ("content", "legal") or relative.as_posix() in (
            "content/affiliations.yaml", "content/regions.yaml")
        return "catalogue" if catalogue else "yaml"

    def exists(self, path):
        """Whether the project has something at path (a link counts: reading it says why not)."""
        return os.path.lexists(self.root / self.relative(path))

    def files(self, folder, pattern="*"):
        """The regular files of a project folder whose names match a glob pattern, sorted;
        a link among them, or on the way there, is refused, naming it. An absent folder has
        no files."""
        return [path for path, entry in self._entries(folder, pattern)
                if entry.is_file(follow_symlinks=False)]

    def template_files(self, folder=None):
        """Templates, stylesheets and fonts, sorted: a change to any rebuilds every edition.
        A link among them is refused, naming it."""
        folder = folder or self.templates
        files = [str(path) for path in self.files(folder)]
        for sub in self.folders(folder):
            files += self.template_files(sub)
        return sorted(files)

    def folders(self, folder):
        """The sub-folders of a project folder, sorted; links refused as in files()."""
        return [path for path, entry in self._entries(folder, "*")
                if entry.is_dir(follow_symlinks=False)]

    def _entries(self, folder, pattern):
        relative = self.relative(folder)
        if not os.path.lexists(self.root / relative):
            return []
        handle = self._open(relative, os.O_RDONLY | os.O_DIRECTORY)
        try:
            entries = sorted(os.scandir(handle), key=lambda entry: entry.name)
        finally:
            os.close(handle)
        found = []
        for entry in entries:
            if not fnmatch.fnmatchcase(entry.name, pattern):
                continue
            path = self.root / relative / entry.name
            if entry.is_symlink():
                raise ContentError(path, "this is a symbolic link", hint=LINK_HINT)
            found.append((path, entry))
        return found

    def _open(self, relative, flags):
        """Open relative beneath the root one name at a time, refusing links on the way."""
        handle = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        parts = relative.parts
        try:
            for index, name in enumerate(parts):
                last = index == len(parts) - 1
                try:
                    following = os.open(name, (flags if last else os.O_RDONLY | os.O_DIRECTORY)
                                        | os.O_NOFOLLOW, dir_fd=handle)
                except OSError as error:
                    raise _open_error(self.root.joinpath(*parts[:index + 1]), error) from None
                os.close(handle)
                handle = following
            return handle
        except BaseException:
            os.close(handle)
            raise


def text_of(path, data):
    """The bytes of the file at path as UTF-8 text, without a byte-order mark."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise ContentError(path, "the file is not UTF-8 text",
                           line=data[:error.start].count(b"\n") + 1,
                           hint="save the file with UTF-8 encoding in your editor") from None


def _open_error(path, error):
    if error.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(path):
        return ContentError(path, "this is a symbolic link", hint=LINK_HINT)
    if error.errno == errno.ENOENT:
        return ContentError(path, "no such file", hint="check the name, or add the file")
    return ContentError(path, f"the file cannot be read ({error.strerror})",
                        hint="check that the file exists and can be read")
