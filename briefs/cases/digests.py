"""The SHA-256 of the case records, remembered with what lstat said of each file.

Planning, the job server and `briefs check` need the SHA-256 of every case record before
each run: reading and hashing 20,000 files took a third of a second or more of every
build that had nothing to do. So `.cache/<audience>/case-digests` keeps, for each record,
the SHA-256 of the bytes last read with the file's device, inode, size, modification time
and change time (ctime) as lstat gave them before the read; a record whose lstat gives
all five again is not read. The records are kept in the order of their names, with the
SHA-256 of the list of names: while no record came or went, each is found by its place,
and a run that finds every record as it was compares two strings. Otherwise a record is
found by the SHA-256 of its file's name: the public build's cache does not name the
records the public may not see.

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
    memo = _read_memo(memo_path) if memo_path else None
    start = time.time_ns()
    statuses = project.stat_folder(folder, pattern)
    names, identities = list(statuses), [_identity(status) for status in statuses.values()]
    listing = _listing(names)
    known = _remembered(memo, listing, names, identities)
    # Strings, not pathlib's paths: building 20,000 of them took longer than their lstat.
    base = os.path.join(project.root, project.relative(folder), "")
    paths = [base + name for name in names]
    data = project.read_each([path for path, digest in zip(paths, known) if digest is None],
                             lambda path: kind)
    found = [digest or hashlib.sha256(data[path]).hexdigest()
             for path, digest in zip(paths, known)]
    if memo_path:
        settled = [identity if status.st_ctime_ns < start - SETTLED_NS else ""
                   for identity, status in zip(identities, statuses.values())]
        _remember(memo_path, memo, listing, names, settled, found)
    return dict(zip(paths, found)), data


def _identity(status):
    """What lstat says of a file that a change to its bytes changes, as one string; a
    file that is not a regular one has none, and is never remembered."""
    if not stat.S_ISREG(status.st_mode):
        return ""
    return (f"{status.st_dev} {status.st_ino} {status.st_size} {status.st_mtime_ns} "
            f"{status.st_ctime_ns}")


def _listing(names):
    """The SHA-256 of a folder's sorted list of names."""
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


def _name_key(name):
    return hashlib.sha256(name.encode()).hexdigest()


def _remembered(memo, listing, names, identities):
    """For each name, the SHA-256 the memo gives if the file's identity is the one it
    remembers, else None."""
    if not memo:
        return [None] * len(names)
    if memo["listing"] == listing:
        places = range(len(names))
    else:  # records came or went: each is found by its name's key
        keys = memo["keys"]
        where = {keys[64 * place:64 * place + 64]: place for place in range(memo["count"])}
        places = [where.get(_name_key(name)) for name in names]
    remembered, digests = memo["identities"], memo["digests"]
    return [digests[64 * place:64 * place + 64]
            if place is not None and identity and identity == remembered[place] else None
            for place, identity in zip(places, identities)]


def _remember(path, memo, listing, names, identities, digests):
    """Write the memo if it changed: per name, in the order given, its identity ("" for a
    file not to be remembered) and SHA-256, with the key of each name."""
    found = {"listing": listing, "identities": identities, "digests": "".join(digests)}
    if memo and all(memo[field] == value for field, value in found.items()):
        return
    keys = memo["keys"] if memo and memo["listing"] == listing else "".join(
        map(_name_key, names))
    text = json.dumps({**found, "identities": "\n".join(identities), "keys": keys})
    write_whole(path, text, path.parent / "scratch")


def _read_memo(path):
    """{"listing": SHA-256, "count": how many files, "identities": [identity or "", ...],
    "digests": their SHA-256 one after another, "keys": the SHA-256 of their names one
    after another}, or None if the memo is absent or damaged."""
    try:
        memo = json.loads(path.read_bytes())
        count = len(memo["digests"]) // 64
        identities = memo["identities"].split("\n") if count else []
        fields = (memo["listing"], memo["digests"], memo["keys"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if (not all(isinstance(field, str) for field in fields) or len(identities) != count
            or len(memo["digests"]) != 64 * count or len(memo["keys"]) != 64 * count):
        return None
    return {**memo, "count": count, "identities": identities}


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
