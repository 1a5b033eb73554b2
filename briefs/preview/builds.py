"""The preview's builds: a job server of its own (briefs.workflow.jobs, warm, a fork per job),
threads that hand it the editions to build, those open in a browser first, and what the
last build of each edition gave: its files, or its errors."""

import functools
import hashlib
import json
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from briefs.files import output_files
from briefs.preview.plan import Plan, make_plan
from briefs.workflow.jobs import JobServer, explain
from briefs.workflow.plan import entry_dependencies
from briefs.workflow.requests import LIMITS, BuildEdition, encode

INTERRUPTED = 130  # a job's status after Ctrl-C, which reaches it with the preview: no result


@dataclass(frozen=True)
class Built:
    """What a successful build gave, kept in memory: the next build writes over its files."""

    html: bytes
    pdf: bytes
    entry: dict
    seconds: float

    @functools.cached_property
    def version(self):
        return hashlib.sha256(self.html + self.pdf).hexdigest()[:16]


@dataclass
class EditionProgress:
    wanted: int = 1  # counts the changes that concern the edition
    done: int = 0  # the change its result reflects
    started: int | None = None  # the change the running build started from
    built: Built | None = None
    problems: str = ""  # why its last build failed, as `briefs check` says it
    builds: int = 0  # builds finished, for the pages and the tests to follow


@dataclass
class Shown:
    """What the terminal was told last, so that one mistake that stops every edition is
    printed once, not once per edition."""

    problems: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


class PreviewJobs(JobServer):
    """The workflow's job server, without its way out: where the server is gone, a job is
    not run in a process of its own (which a preview that is stopping would leave behind);
    the preview starts again instead."""

    def run(self, request, log, limits):
        with open(log, "wb") as output:
            return self._ask(encode(self.root, request), output, limits) if self.process else None


class Builder:
    def __init__(self, project, settings, folder, lost):
        self.project, self.settings, self.folder = project, settings, Path(folder)
        self.lost = lost  # called if the job server stops on its own
        self.jobs = PreviewJobs(project.root, self.folder, settings.audience)
        self.plan = Plan({}, {})
        self.states = {}
        # Per edition: the key of what it was built from, or is to be built from, and what
        # its last build recorded (entry_dependencies), kept as its next build removes it.
        self.keys, self.dependencies = {}, {}
        self.planning = threading.Lock()  # planning's case answers are not shared by threads
        self.watched = {}  # edition: how many pages show it now
        self.generation = 0  # counts every change of any state, for the pages to follow
        self.stopping = False
        self.changed = threading.Condition()
        self.shown = Shown()
        self.plan_problems_shown = {}
        self.halted = ""  # why every page is out of date: the package's code does not load

    def start(self, workers):
        """Start the job server (from the thread that lives longest: the kernel ends it
        when the thread that started it ends) and the threads that feed it."""
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        self.jobs.start()
        for _ in range(workers):
            threading.Thread(target=self._work, daemon=True).start()

    def stop(self):
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        self.jobs.stop()  # its PID; it ends the jobs it forked, by theirs

    def update(self, changed=None):
        """Plan again once files were saved (changed) and build the editions whose key
        changed: those of the briefs the workflow would build again; all, at the start
        (None)."""
        with self.planning:
            plan = make_plan(self.project, self.settings, self._dependencies)
            with self.changed:
                keys = {key for key, value in plan.keys.items()
                        if changed is None or self.keys.get(key) != value}
                self._replan(plan)
                self.keys.update(plan.keys)
                for key in keys:
                    self.states[key].wanted += 1
                self.generation += 1
                self.changed.notify_all()
        for brief_id, problems in sorted(plan.problems.items()):
            if problems != self.plan_problems_shown.get(brief_id):
                self._tell(f"{brief_id or 'content/briefs'}: cannot be built", problems)
        self.plan_problems_shown = dict(plan.problems)

    def _replan(self, plan):
        for key in plan.keys:
            self.states.setdefault(key, EditionProgress())
        for key in list(self.states):
            if key not in plan.keys and key[0] not in plan.problems:
                del self.states[key]
        self.plan = plan

    def _dependencies(self, key):
        """What an edition's last build recorded: as this preview's builds left it, or at
        first as its entry says (there only while its last build succeeded)."""
        if key not in self.dependencies:
            self.dependencies[key] = entry_dependencies([self._entry(key)])
        return self.dependencies[key]

    def _entry(self, key):
        return output_files(self._folder(key[0]), *key)["entry"]

    def _folder(self, brief_id):
        return self.folder / "editions" / brief_id

    def halt(self, problems):
        """Show problems on every page instead of what it shows, until the preview starts
        again: what it shows was built by code that changed."""
        with self.changed:
            self.halted = problems
            self.generation += 1
            self.changed.notify_all()

    def watch(self, key, change):
        """A page showing an edition opened (change 1) or closed (-1)."""
        with self.changed:
            if key in self.states:
                self.watched[key] = max(0, self.watched.get(key, 0) + change)

    def wait(self, seen, timeout):
        """Wait until something changed after generation seen; the generation now."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen or self.stopping, timeout)
            return self.generation

    def _work(self):
        while (key := self._next()) is not None:
            try:
                outcome = self._build(key)
            except Exception:  # a fault of the preview itself: shown as the edition's problem
                outcome = traceback.format_exc()
            if outcome is None:  # the job server is gone
                if not self.stopping:
                    self.lost()
                return
            self._finish(key, outcome)

    def _next(self):
        """The edition to build next, one open in a browser first; None when stopping."""
        with self.changed:
            while not self.stopping:
                waiting = [key for key, state in self.states.items()
                           if state.wanted > state.done and state.started is None]
                if waiting:
                    key = min(waiting, key=lambda k: (not self.watched.get(k), k))
                    self.states[key].started = self.states[key].wanted
                    self.generation += 1
                    self.changed.notify_all()
                    return key
                self.changed.wait()
            return None

    def _build(self, key):
        """Run the edition's job; its Built, the text of its errors, INTERRUPTED, or None if
        the job server is gone."""
        brief_id, lang = key
        self._folder(brief_id).mkdir(parents=True, exist_ok=True)
        files = output_files(self._folder(brief_id), brief_id, lang)
        for path in files.values():  # so that nothing of a failed build is taken for its own
            Path(path).unlink(missing_ok=True)
        log = self.folder / "logs" / f"{brief_id}.{lang}.log"
        start = time.perf_counter()
        request = BuildEdition(brief_id, lang, str(self._folder(brief_id)), self.settings)
        status = self.jobs.run(request, log, LIMITS["brief"])
        if status in (None, INTERRUPTED):
            return status
        text = log.read_text(encoding="utf-8", errors="replace").strip()
        if status != 0:
            return "\n".join(filter(None, [text, explain(status, LIMITS["brief"])]))
        return Built(Path(files["html"]).read_bytes(), Path(files["pdf"]).read_bytes(),
                     json.loads(Path(files["entry"]).read_text(encoding="utf-8")),
                     time.perf_counter() - start)

    def _finish(self, key, outcome):
        with self.planning, self.changed:
            state = self.states.get(key)
            if state is None or self.stopping:
                return
            # Saved again since it started, or interrupted: build it again.
            current = state.started == state.wanted and outcome != INTERRUPTED
            if current:
                state.done = state.started
                state.built = outcome if isinstance(outcome, Built) else None
                state.problems = "" if isinstance(outcome, Built) else outcome
                state.builds += 1
                self._settle(key)
            state.started = None
            self.generation += 1
            self.changed.notify_all()
        if current:
            self._report(key, outcome)

    def _settle(self, key):
        """After an edition was built from the files as planned: its key is that of what
        its new entry says it read, as it read it (none if it failed)."""
        self.dependencies[key] = entry_dependencies([self._entry(key)])
        if key in self.plan.keys:
            self.keys[key] = self.plan.settled(key, self.dependencies[key])

    def _report(self, key, outcome):
        name = ".".join(key)
        if isinstance(outcome, Built):
            pages = outcome.entry["pages"]
            say(f"{name}: {pages} page{'s' if pages > 1 else ''}, built in "
                f"{outcome.seconds:.2f} s")
            for warning in outcome.entry["warnings"]:
                say(f"warning: {warning}")
        else:
            self._tell(f"{name}: not built", outcome)

    def _tell(self, what, problems):
        """Print a mistake, or only name what it stops if it was the last one printed."""
        with self.shown.lock:
            say(f"{what} (the same mistake)" if problems == self.shown.problems
                else f"{what}:\n{problems}")
            self.shown.problems = problems

    def status(self, key):
        """What a page needs to show an edition, now."""
        with self.changed:
            state = self.states.get(key)
            problems = self.halted or self.plan.problems.get(key[0], "") or (
                state.problems if state else "")
            building = bool(state and (state.started is not None or state.wanted > state.done))
            built = None if problems or not state else state.built
            return {"known": state is not None or key[0] in self.plan.problems,
                    "building": building, "problems": problems, "built": built,
                    "builds": state.builds if state else 0}

    def editions(self):
        """Every edition the preview knows, with its status, sorted."""
        with self.changed:
            keys = sorted(self.states)
        return [(key, self.status(key)) for key in keys]


def say(text):
    """Tell the terminal; a terminal that is gone leaves the browser to say it."""
    try:
        print(text, flush=True)
    except OSError:
        pass


def workers():
    """Builds run at once: one per processor, as `snakemake --cores all` would."""
    return max(1, len(os.sched_getaffinity(0)))
