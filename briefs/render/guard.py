"""The guard around a section's whole life, and the budget it lives within.

A section is read, its template parsed, checked, compiled and run, its Markdown made into
HTML for print and for the web, and its pictures embedded, all inside `guard`: one budget of
processor time and memory covers every step, and whatever stops a step becomes a
ContentError naming the section's file. The mistakes the steps know are worded by them;
anything else is worded here, with what the exception says, so that no section can crash or
hang `briefs check`, the build or the preview. How the budget was chosen:
docs/performance.md, "A section's budget".
"""

import os
import re
import signal
import time
from contextlib import contextmanager

from briefs.content.yamlfile import shorten
from briefs.errors import ContentError, ContentErrors
from briefs.render.sandbox import MAX_OUTPUT, line_in

SECONDS = 10  # processor time for a section's whole life
MEMORY_MB = 500  # memory a section may take beyond what the process held before it
TICK = 0.05  # seconds of processor time between two looks at the budget
PAGE = os.sysconf("SC_PAGE_SIZE")
MAX_DEPTH = 50  # elements inside one another in a section's HTML
NESTED = "use fewer levels of lists, quotes, emphasis (* and _) or <div> inside one another"
SLOW = ("make it simpler, or split it: fewer or simpler calls, no unclosed brackets ('[' or "
        f"']('); {NESTED}")
LARGE = ("make it smaller, or split it: fewer calls; a table of many columns, or a link "
         "defined once and used many times, makes the most")
# A tag as raw HTML and Markdown's output write it; quoted attribute values may hold '>'.
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])(?:\"[^\"]*\"|'[^']*'|[^\"'>])*>")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# An element that a sibling of its own kind closes (HTML's optional end tags).
SIBLINGS = {"p", "li", "dt", "dd", "tr", "td", "th", "option"}


class OverBudget(BaseException):
    """A section went past its budget: a BaseException, so that no `except Exception` on
    the way can swallow it."""


class OverTime(OverBudget):
    pass


class OverMemory(OverBudget):
    pass


@contextmanager
def guard(path):
    """Run a section's step within the section's budget; any exception it raises becomes a
    ContentError about path (a ContentError or ContentErrors passes unchanged)."""
    try:
        with budget(SECONDS, MEMORY_MB * 1024 * 1024):
            yield
    except (ContentError, ContentErrors):
        raise
    except OverTime:
        raise ContentError(path, f"this section took longer than {SECONDS} s of processor "
                           "time to make", hint=SLOW) from None
    except (OverMemory, MemoryError):
        raise ContentError(path, f"this section needed more than {MEMORY_MB} MB of memory to "
                           "make", hint=LARGE) from None
    except RecursionError:
        raise ContentError(path, "this section is nested too deeply to be made",
                           hint=NESTED) from None
    except Exception as error:  # what no step foresaw still names the section, not a traceback
        line = line_in(error, path)
        raise ContentError(path, f"this section could not be made ({type(error).__name__}: "
                           f"{shorten(str(error), 100)})", line=line,
                           hint=f"check {f'line {line}' if line else 'what changed last'} "
                           "and what it uses (pictures, case records); if they look right, "
                           "send this message to whoever maintains the build") from None


@contextmanager
def budget(seconds, memory):
    """Raise OverBudget in this thread once it has used seconds of processor time or its
    resident memory has grown by memory bytes, where a signal can reach it (the main thread
    of a job, of the preview's job or of `briefs check`); elsewhere, no limit. (The
    wall-clock alarm is the job's own: briefs.workflow.jobs.)"""
    start, baseline, armed = time.process_time(), resident(), True

    def tick(*_):
        if armed and time.process_time() - start > seconds:
            raise OverTime
        if armed and resident() - baseline > memory:
            raise OverMemory

    try:
        previous = signal.signal(signal.SIGPROF, tick)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_PROF, TICK, TICK)
    try:
        yield
    finally:
        armed = False  # a tick already on its way must not raise once the step is over
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def resident():
    """The bytes of memory this process holds (0 where /proc does not tell)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE
    except OSError:
        return 0


def too_deep(html):
    """Where (an index of html) elements first nest more than MAX_DEPTH deep, or None.

    Printing recurses into each level, and the HTML cleaner looks through every open
    element at each new one, so depth is refused before either sees it. Closing tags close
    what they name, as a browser does; one that names nothing open is ignored."""
    open_names = []
    for tag in TAG.finditer(html):
        name = tag.group(2).lower()
        if name in VOID:
            continue
        if tag.group(1):
            if name in open_names:
                del open_names[len(open_names) - 1 - open_names[::-1].index(name):]
            continue
        if name in SIBLINGS and open_names and open_names[-1] == name:
            open_names.pop()
        open_names.append(name)
        if len(open_names) > MAX_DEPTH:
            return tag.start()
    return None


def refuse_deep_text(section):
    """Refuse a section file whose raw HTML nests too deeply, naming the line, before any
    work is done on it."""
    at = too_deep(section.text)
    if at is not None:
        raise ContentError(section.path, f"HTML elements are nested more than {MAX_DEPTH} "
                           "deep", line=section.text.count("\n", 0, at) + 1,
                           hint="close each element where it ends (</div>), and put fewer "
                           "inside one another")


def refuse_large_or_deep_html(path, html):
    """Refuse the HTML Markdown made of a section (body and notes, pictures not yet in it)
    if it is larger or deeper than a section's may be, before it is cleaned and printed."""
    if len(html) > MAX_OUTPUT:
        raise ContentError(path, f"this section's HTML grows past {MAX_OUTPUT // 1048576} "
                           "million characters", hint=LARGE)
    if too_deep(html) is not None:
        raise ContentError(path, f"this section's HTML has elements nested more than "
                           f"{MAX_DEPTH} deep", hint=NESTED)
