"""How `briefs send` shows its progress: a bar on standard error when it is a terminal, a
line per recipient otherwise (logs, pipes, CI), and the same report at the end."""

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn


def progress_for(title, total, result):
    """A Bar when someone watches a terminal, else Lines. result: what a delivered
    message is called ('sent' or 'outbox')."""
    if sys.stderr.isatty():
        return Bar(title, total, result)
    return Lines(total)


class Lines:
    """A line per recipient as it goes: who, and what became of their message, for the
    operator's log."""

    def __init__(self, total):
        self.total = total

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self, index, recipient, words, counts):
        print(f"[{index}/{self.total}] {recipient.email}: {words}", flush=True)


class Bar:
    """A bar that counts the messages and names nobody: a screen may be seen by others
    than the operator, and the report at the end names those who failed."""

    def __init__(self, title, total, result):
        self.result = result
        self.progress = Progress(TextColumn(title), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"),
                                 console=Console(stderr=True), auto_refresh=False,
                                 redirect_stdout=False, redirect_stderr=False)
        self.task = self.progress.add_task(title, total=total, counts=self.words({}))

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False

    def advance(self, index, recipient, words, counts):
        # drawn again at each message rather than by a clock: nothing else changes
        self.progress.update(self.task, completed=index, counts=self.words(counts),
                             refresh=True)

    def words(self, counts):
        return (f"{counts.get(self.result, 0)} {self.result}, {counts.get('skipped', 0)} "
                f"skipped, {counts.get('failed', 0)} failed")
