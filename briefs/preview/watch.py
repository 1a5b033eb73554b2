"""Watching the project's files (watchfiles: the system's file events, or polling where
there are none), and checking that the package's changed code loads before the preview
starts again with it."""

import subprocess
import sys
import threading
import traceback

import watchfiles

from briefs.package import PACKAGE
from briefs.preview.builds import say
from briefs.workflow.jobs import same_code

STEP_MS = 50  # a save is reported once no file changed for this long (an editor writes in parts)
CHECK = "import briefs.workflow.driver, briefs.workflow.warm, briefs.cli, briefs.preview.run"


class Watcher:
    """Calls saved(paths) from a thread of its own with every set of files saved together
    under content/, templates/ or the package."""

    def __init__(self, project, saved):
        self.folders = [project.content, project.templates, PACKAGE]
        self.saved = saved
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.checking = None  # the code check running, a process of ours
        self.lock = threading.Lock()

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        with self.lock:
            if self.checking:
                self.checking.kill()  # by its PID
                self.checking.wait()
        if self.thread.is_alive():
            self.thread.join(timeout=5)

    def _run(self):
        try:
            for changes in watchfiles.watch(*self.folders, step=STEP_MS,
                                            stop_event=self.stop_event, raise_interrupt=False):
                self._tell({path for _, path in changes})
        except Exception:  # the preview goes on showing what it built, and says why it stopped
            traceback.print_exc()
            say("The preview no longer sees saved files: stop it (Ctrl-C) and start it again.")

    def _tell(self, paths):
        try:
            self.saved(paths)
        except Exception:  # a fault of the preview's own, printed; the next save is seen
            traceback.print_exc()

    def code_problem(self):
        """Why the package's code, as it is now, does not load in a new process; "" if it
        loads."""
        with self.lock:
            if self.stop_event.is_set():
                return "the preview is stopping"
            self.checking = subprocess.Popen(
                [sys.executable, "-P", "-c", CHECK], env=same_code(), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output = self.checking.communicate()[0].decode("utf-8", "replace")
        with self.lock:
            failed, self.checking = self.checking.returncode != 0, None
        return output.strip() if failed else ""
