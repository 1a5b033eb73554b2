"""The SHA-256 of the case records, remembered with what lstat said of each file.

Planning, the job server and `briefs check` need the SHA-256 of every case record before
each run: reading and hashing 20,000 files took a third of a second or more of every
build that had nothing to do. So `.cache/<audience>/case-digests` keeps, for each record,
the SHA-256 of the bytes last read with the file's device, inode, size, modification time
and change time (ctime) as lstat gave them before the read; a record whose lstat gives
all five again is not read. A record is found there by the SHA-256 of its file's name:
the public build's cache does not name the records the public may not see.

Bytes still decide: this only tells when the bytes cannot have changed. Any write to a
file, and any change of its times (touch, os.utime, a copy that keeps the time), sets
its ctime to the clock's time, and no program can set a ctime; a file saved as a new one
has another inode. Two guards cover the rest:
- an edit within the clock's tick of the lstat would keep the ctime it gave: a file whose
  ctime is less than two seconds older than that lstat is not remembered (git's "racily
  clean" entries), so it is read again next time;
- the memo is used only on Linux filesystems known to keep a ctime of their own (ext4,
  XFS, btrfs, tmpfs and the like): FAT and exFAT (USB sticks) store a creation time
  instead, which a write does not change, and a network filesystem may answer lstat from
  a cache; elsewhere every record is read, as before.
"""

import functools
import hashlib
import json
import os
import stat
import time
from pathlib import Path

from briefs.files import write_whole

MEMO = "case-digests"
# Older than this at the lstat, a file's ctime cannot be the one a later edit gets.
SETTLED_NS = 2 * 10**9
# Filesystems whose ctime is set by the kernel on every change and stored as such.
TRUSTED = {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs", "f2fs", "jfs",
           "reiserfs", "overlay"}


def folder_digests(project, folder, pattern, kind, cache):
    """({path: SHA-256}, {path: bytes}) of the files of a project folder that match a glob
    pattern, sorted, each path a string: the bytes of those read to hash them, every file
    but those the memo in cache remembers unchanged (none without a cache or on an
    untrusted filesystem). Each file is read as Project.read_folder reads it: links and
    large files refused."""
    memo_path = Path(cache, MEMO) if cache and trusted(project.root / folder) else None
    memo = _read_memo(memo_path) if memo_path else {}
    start = time.time_ns()
    # Strings, not pathlib's paths: building 20,000 of them took longer than their lstat.
    base = os.path.join(project.root, project.relative(folder), "")
    files = []  # (path, its name's key, its identity, its SHA-256 if remembered, settled)
    for name, status in project.stat_folder(folder, pattern).items():
        key, identity = _name_key(name), _identity(status)
        known = _remembered(memo.get(key), identity) if stat.S_ISREG(status.st_mode) else None
        files.append((base + name, key, identity, known,
                      status.st_ctime_ns < start - SETTLED_NS))
    data = project.read_each([path for path, _, _, known, _ in files if known is None],
                             lambda path: kind)
    digests, kept = {}, {}
    for path, key, identity, known, settled in files:
        digests[path] = digest = known or hashlib.sha256(data[path]).hexdigest()
        if settled:
            kept[key] = [*identity, digest]
    # Every file remembered as it is, and none gone: the memo would be written unchanged.
    unchanged = len(kept) == len(memo) == len(files) and all(known for *_, known, _ in files)
    if memo_path and not unchanged:
        write_whole(memo_path, json.dumps(kept), memo_path.parent / "scratch")
    return digests, data


def _name_key(name):
    return hashlib.sha256(name.encode()).hexdigest()


def _identity(status):
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
            status.st_ctime_ns]


def _remembered(entry, identity):
    """The SHA-256 a memo's entry gives for a file of that identity, or None."""
    if type(entry) is list and len(entry) == 6 and entry[:5] == identity:
        digest = entry[5]
        return digest if type(digest) is str and len(digest) == 64 else None
    return None


def _read_memo(path):
    """{SHA-256 of a name: [device, inode, size, mtime, ctime, SHA-256]}, or {} if absent
    or damaged (each entry is checked when used)."""
    try:
        memo = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


@functools.cache
def trusted(folder):
    """Whether the folder is on a filesystem the memo may trust (see above): the type of
    its mount, the longest mount point above it in /proc/self/mountinfo (Linux's)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
            lines = mounts.read().splitlines()
    except OSError:
        return False
    where, found = os.path.realpath(folder), (0, None)
    for line in lines:
        fields, _, rest = line.partition(" - ")
        point = _unescaped(fields.split(" ")[4])
        inside = where == point or where.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= found[0]:
            found = len(point), rest.split(" ")[0]
    return found[1] in TRUSTED


def _unescaped(point):
    """A mount point as mountinfo writes it, with its spaces and tabs back (\\040, \\011)."""
    return (point.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
            .replace("\\134", "\\"))
