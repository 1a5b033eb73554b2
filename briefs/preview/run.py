"""`briefs preview`: one foreground process that builds every edition into its private
folder, serves them at http://127.0.0.1:PORT/ and builds again what each save changes.

Its processes: this one (the web server, the watcher and the threads that hand out
builds), its job server and the jobs that server forks. A change to the package's code
starts this process again from nothing, with the same arguments and PID, once the new
code loads; Ctrl-C or SIGTERM ends the job server, which ends its jobs, and then this.
"""

import fcntl
import os
import secrets
import signal
import sys
import threading

from briefs.errors import ContentError
from briefs.preview.builds import Builder, say, workers
from briefs.preview.plan import is_code
from briefs.preview.server import PreviewServer
from briefs.preview.watch import Watcher
from briefs.settings import PREVIEW_OPTIONS
from briefs.workflow.jobs import same_code

# Hands the key to the same preview started again, so that open pages stay let in.
KEY_VARIABLE = "BRIEFS_PREVIEW_KEY"


class Session:
    """The preview's parts, and how it ends: stopped, or started again."""

    def __init__(self, project, port, settings):
        self.project, self.settings = project, settings
        self.again = threading.Event()  # set: start again once stopped
        self.builder = Builder(project, settings, settings.cache, self.lost)
        key = os.environ.pop(KEY_VARIABLE, "") or secrets.token_urlsafe(24)
        self.server = PreviewServer(port, self.builder, settings.internal, key)
        self.watcher = Watcher(project, self.saved)

    def run(self):
        try:
            self.builder.start(workers())
            self.builder.update()
            self.watcher.start()
            say(f"Preview of {self.project.root} at {self.server.entrance}\n"
                "Open that address in a browser (it carries the preview's key): its pages "
                "change as you save. Ctrl-C stops it.")
            self.server.serve_forever()
        finally:
            self.server.stopping = True
            self.watcher.stop()
            self.builder.stop()
            self.server.server_close()
        return self.again.is_set()

    def saved(self, paths):
        """In the watcher's thread: build what the saved files change, or start again if
        the package's code changed and loads."""
        if not any(is_code(path) for path in paths):
            return self.builder.update(paths)
        say("The package's code changed: checking that it loads…")
        problem = self.watcher.code_problem()
        if problem:
            say("It does not load; the preview goes on with the code it started with, and "
                f"its pages say so until it loads:\n{problem}")
            return self.builder.halt("The package's code changed and does not load, so "
                                     f"nothing here is up to date:\n{problem}")
        self.restart()

    def lost(self):
        say("The preview's job server stopped on its own: starting again.")
        self.restart()

    def restart(self):
        self.again.set()
        threading.Thread(target=self.server.shutdown, daemon=True).start()


def preview(project, port, settings):
    """Run the preview until Ctrl-C or SIGTERM; return the exit status."""
    if not project.content.is_dir() or not project.templates.is_dir():
        raise ContentError(project.root, "this is not a project folder: it needs content/ "
                           "and templates/", hint="run briefs preview in the project's folder, "
                           "or name it with --root")
    lock = _lock(settings.cache)
    if lock is None:
        print(f"error: another briefs preview of this project, audience {settings.audience}, "
              "is running\n  What to do: use that one, or stop it (Ctrl-C in its terminal)",
              file=sys.stderr)
        return 1
    try:
        session = Session(project, port, settings)
    except OSError as error:
        print(f"error: the preview cannot listen on 127.0.0.1:{port} ({error.strerror})\n"
              f"  What to do: choose another port, e.g. briefs preview --port {port + 1}",
              file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        again = session.run()
    except KeyboardInterrupt:
        again = False
    if not again:
        say("Preview stopped.")
        return 0
    say("Starting again with the changed code…")
    os.execve(sys.executable, _same_command(project, session.server.port, settings),
              {**same_code(), KEY_VARIABLE: session.server.key})


def _interrupt(number, frame):
    raise KeyboardInterrupt  # SIGTERM ends the preview as Ctrl-C does


def _lock(folder):
    """Hold the lock of the preview's private folder; None if another preview holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / "preview.lock", "w")  # closed by the end or the next start
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _same_command(project, port, settings):
    """This preview's command line, on the port it listens on now."""
    return [sys.executable, "-P", "-m", "briefs", "--root", str(project.root), "preview",
            "--port", str(port), *settings.arguments(PREVIEW_OPTIONS)]
