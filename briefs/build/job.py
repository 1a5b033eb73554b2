"""How the workflow's jobs run a briefs command: in the worker, not in a process of their own.

Starting Python and importing WeasyPrint costs about a second, several times the work of
a one-page brief. So each rule's `run:` block (run_for_workflow), or a shell command
`python -m briefs.job <briefs arguments>`, hands the arguments to a long-lived worker on
this machine (briefs.worker), which has everything imported and forks a fresh copy of
itself for each job; the job's output, errors and exit status are the copy's. Every job is
still the same pure function of its inputs: nothing passes from one job to the next, what
the worker read while warming up is used only while its files are unchanged, and a job
that cannot reach a worker runs the command in a process of its own. This module
imports nothing heavy, as Snakemake imports it.
"""

import functools
import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from briefs.files import file_state

PACKAGE = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20  # seconds to wait for a new worker to listen


# Settings a process takes at its start: a worker serves only jobs that share them.
START_SETTINGS = ("PYTHONHASHSEED", "TZ", "LANG", "LC_ALL", "LC_CTYPE")


def socket_path():
    """One worker per user, Python, start settings, version of this package's code and
    state of the installed packages (installing or upgrading any starts a new worker)."""
    digest = hashlib.sha256(sys.executable.encode())
    for name in START_SETTINGS:
        digest.update(f"{name}={os.environ.get(name)}".encode())
    digest.update(_code_digest(tuple((path, file_state(path)) for path in _code_files())))
    digest.update(repr(file_state(installed_packages())).encode())
    folder = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    return folder / f"briefs-worker-{os.getuid()}-{digest.hexdigest()[:16]}.sock"


def _code_files():
    return sorted(path for path in PACKAGE.rglob("*")
                  if path.suffix in (".py", ".po") and "__pycache__" not in path.parts)


@functools.cache
def installed_packages():
    """The folder WeasyPrint is installed in (site-packages), found without importing it:
    pip changes its modification time whenever it adds or removes a package there."""
    return Path(importlib.util.find_spec("weasyprint").origin).parent.parent


@functools.lru_cache(maxsize=1)
def _code_digest(states):
    """The package's code, read again only when a file of it changes: Snakemake asks for
    every job."""
    digest = hashlib.sha256()
    for path, _ in states:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.digest()


def connect(path):
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(str(path))
    return client


def worker_connection(root):
    """A connection to the worker, starting one if there is none; None if that fails.

    A new worker warms up with the fonts of the project in root (see briefs.worker).
    """
    path = socket_path()
    try:
        return connect(path)
    except OSError:
        pass
    _start(path, root)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            return connect(path)
        except OSError:
            time.sleep(0.05)
    return None


def start_worker(root):
    """Start a worker for the jobs to come, if none answers, without waiting: it warms up
    while Snakemake plans the build. (A worker that was killed leaves its socket file.)"""
    if os.environ.get("BRIEFS_NO_WORKER"):
        return
    path = socket_path()
    try:
        connect(path).close()
    except OSError:
        _start(path, root)


def _start(path, root):
    subprocess.Popen([sys.executable, "-m", "briefs.build.worker", str(path), str(root)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def run_in_worker(arguments, streams=(0, 1, 2)):
    """Run `briefs <arguments>` in a forked worker, with these file descriptors as its
    standard input, output and error; its exit status, or None if unreachable."""
    connection = worker_connection(project_root(arguments))
    if connection is None:
        return None
    with connection:
        environment = "\1".join(f"{k}={v}" for k, v in os.environ.items())
        request = "\0".join([os.getcwd(), str(_umask()), environment, *arguments]).encode()
        socket.send_fds(connection, [len(request).to_bytes(4, "big") + request], list(streams))
        answer = connection.recv(4)
    return int.from_bytes(answer, "big", signed=True) if len(answer) == 4 else None


def run_for_workflow(arguments, log):
    """Run `briefs <arguments>` for a Snakemake job, from inside Snakemake (a `run:` rule):
    in the worker, or else in a process of its own, never in Snakemake's process. Its
    messages go to the log file. Returns the exit status.

    Starting a Python process per job to pass the request on, as `python -m briefs.job`
    does, costs about 0.07 s of a core each time; this does without it.
    """
    with open(os.devnull, "rb") as nothing, open(log, "wb") as messages:
        streams = (nothing.fileno(), messages.fileno(), messages.fileno())
        status = None if os.environ.get("BRIEFS_NO_WORKER") else run_in_worker(arguments,
                                                                                streams)
        if status is None:
            command = [sys.executable, "-m", "briefs", *arguments]
            status = subprocess.run(command, stdin=nothing, stdout=messages,
                                    stderr=messages).returncode
    return status


def _umask():
    """This process's umask, read without setting it (other threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def project_root(arguments, folder=None):
    """The project folder a job names with --root, or its working folder."""
    folder = folder or os.getcwd()
    for index, argument in enumerate(arguments):
        if argument == "--root" and index + 1 < len(arguments):
            return os.path.abspath(os.path.join(folder, arguments[index + 1]))
        if argument.startswith("--root="):
            return os.path.abspath(os.path.join(folder, argument.removeprefix("--root=")))
    return os.path.abspath(folder)


def main():
    arguments = sys.argv[1:]
    status = None if os.environ.get("BRIEFS_NO_WORKER") else run_in_worker(arguments)
    if status is None:
        from briefs.cli import main as run_here

        status = run_here(arguments)
    sys.exit(status)


if __name__ == "__main__":
    main()
