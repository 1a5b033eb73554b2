"""What runs that were killed left behind, removed by the next run.

A process that is killed (kill -9, a power cut, the out-of-memory killer) cleans nothing
up. So each process of the build keeps its scratch and temporary files in folders of its
own in the private cache, named by its host and PID (briefs.files.own_folder), and the next
run removes those whose PID has ended on this host; a PID of another host is never judged,
as a cluster's hosts share the cache. Snakemake's own temporary folder is moved into the
Snakemake process's. And a run holds its output folder while it lives (a lock the kernel
lets go however the run ends), so that the next run into that folder knows whether
Snakemake's backups of its files (.snakemake/backups: a brief's last good files, kept while
it is rebuilt) belong to a run that is over.
"""

import fcntl
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

from briefs.files import process_folder

# The folders of the private cache whose entries are folders of processes.
PROCESS_FOLDERS = ("scratch", "tmp")
_HELD = []


def remove_dead_processes_folders(cache):
    """Remove the folders of this host's processes that have ended."""
    name = re.compile(re.escape(socket.gethostname()) + r"-([0-9]+)")
    for kind in PROCESS_FOLDERS:
        try:
            entries = list(os.scandir(Path(cache) / kind))
        except FileNotFoundError:
            continue
        for entry in entries:
            found = name.fullmatch(entry.name)
            if found and not _alive(int(found[1])):
                shutil.rmtree(entry.path, ignore_errors=True)


def remove_process_folders(cache, pid):
    """Remove the folders of process pid of this host, which has ended."""
    for kind in PROCESS_FOLDERS:
        shutil.rmtree(process_folder(Path(cache) / kind, pid), ignore_errors=True)


def _alive(pid):
    """Whether process pid runs on this host. A zombie has ended, and stays one while no
    parent reaps it (a killed run's job server, say, until the system's first process
    does)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as status:
            state = status.read().rpartition(b")")[2].split()[0]  # after the command's name
    except FileNotFoundError:
        return False
    return state not in (b"Z", b"X")


def hold_output_folder(out):
    """Hold the output folder for as long as this process lives; False if a live run holds
    it, if its file system cannot say, or if it does not exist yet (then the run that makes
    it backs nothing up: Snakemake backs up only files that are already there)."""
    try:
        handle = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError if held; ENOLCK where locks are not shared
        os.close(handle)
        return False
    _HELD.append(handle)  # open until the process ends: closing it would let go
    return True


def remove_backups(out, snakemake_folder=".snakemake"):
    """Remove Snakemake's backups of the files in out, which must be held
    (hold_output_folder): they are then a dead run's. Snakemake keeps them under its
    folder by their paths, an absolute one without its leading slash."""
    out = Path(out)
    shutil.rmtree(Path(snakemake_folder) / "backups" / out.relative_to(out.anchor),
                  ignore_errors=True)


def move_snakemakes_temporary_folder(workflow, folder):
    """Move the temporary folder Snakemake made in /tmp before it read the Snakefile, where
    a killed Snakemake leaves it, into folder; unless Snakemake already keeps something in
    it (its source cache, when told not to share that)."""
    made = workflow._snakemake_tmp_dir
    if any(Path(made.name).iterdir()):
        return
    made.cleanup()
    workflow._snakemake_tmp_dir = tempfile.TemporaryDirectory(prefix="snakemake-", dir=folder)
