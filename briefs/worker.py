"""The long-lived worker behind briefs.job: everything imported once, a fork per job.

    python -m briefs.worker <socket path>

It listens on a Unix socket only its user can reach, forks for each request, and in the
child runs the briefs command line with the job's working folder, arguments and standard
streams; the parent sends the child's exit status back. The parent runs no job itself, so
every child starts from the same freshly imported state. It exits after a minute without
requests.
"""

import os
import signal
import socket
import sys
import threading

IDLE_SECONDS = 60


def preload():
    """Import what the jobs need, so that each forked job starts warm."""
    import weasyprint  # noqa: F401

    from . import case_helpers, cli, manifest, pdf, press_kit, publish, render  # noqa: F401
    from .templating import environment  # noqa: F401


def serve(path):
    preload()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o077)
    try:
        if os.path.exists(path):
            os.unlink(path)
        server.bind(path)
        ours = os.stat(path).st_ino
    finally:
        os.umask(old_mask)
    server.listen(64)
    server.settimeout(IDLE_SECONDS)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        while True:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                return
            threading.Thread(target=answer, args=(connection,), daemon=True).start()
    finally:
        server.close()
        # Another worker started in the same instant may have taken the name over.
        if os.path.exists(path) and os.stat(path).st_ino == ours:
            os.unlink(path)


def answer(connection):
    with connection:
        message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        size = int.from_bytes(message[:4], "big")
        while len(message) < 4 + size:
            message += connection.recv(1 << 20)
        folder, umask, environment, *arguments = message[4:4 + size].decode().split("\0")
        child = os.fork()
        if child == 0:
            run_job(folder, int(umask), environment, arguments, fds)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(child, 0)
        connection.sendall(os.waitstatus_to_exitcode(status).to_bytes(4, "big", signed=True))


def run_job(folder, umask, environment, arguments, fds):
    """In the forked child: become the job (its folder, umask, environment and standard
    streams), run it, and never return."""
    status = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.chdir(folder)
        os.umask(umask)
        os.environ.clear()
        os.environ.update(item.split("=", 1) for item in environment.split("\1") if "=" in item)
        sys.stdout = os.fdopen(1, "w", closefd=False)
        sys.stderr = os.fdopen(2, "w", closefd=False)
        from .cli import main

        status = main(arguments)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status or 0)


if __name__ == "__main__":
    serve(sys.argv[1])
