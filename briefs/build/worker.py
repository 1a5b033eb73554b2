"""The long-lived worker behind briefs.job: everything imported once, a fork per job.

    python -m briefs.worker <socket path> <project folder>

It listens on a Unix socket only its user can reach, forks for each request, and in the
child runs the briefs command line with the job's working folder, arguments and standard
streams; the parent sends the child's exit status back. The parent runs no job itself: it
warms up each project on its first request, so every child of a project starts from the
same state. It exits after ten minutes without requests and with no job running, so that an
editor's next run, minutes later, finds it warm instead of waiting seconds for a new one.
"""

import gc
import os
import re
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path

from briefs.build.job import project_root

IDLE_SECONDS = 600
# Forks wait while a project is warmed up, so that no child starts as a copy taken halfway.
FORKING = threading.Lock()
WARM_PROJECTS = set()  # the project folders warmed up in this worker
CHARTS_WARM = set()  # the project folders looked at for charts (see warm_charts)


# A page in the project's print stylesheet, using what briefs use: running heads, flex
# boxes, footnotes, hyphenation, a table.
WARM_UP = """<html lang="en"><head><style>{stylesheet}</style><style>
@page {{ @top-center {{ content: "head" }} }} body {{ hyphens: auto; text-align: justify }}
.row {{ display: flex; gap: 4mm }} .note {{ float: footnote }} td {{ border: 1px solid }}
</style></head><body><h1>Title</h1><div class="row"><p>left</p><p lang="ru">справа</p></div>
<p>International organisations<span class="note">A note.</span> and
<a href="https://example.org">a link</a>, <b>bold</b> and <i>italic</i> words.</p>
<ul><li>one</li><li>two</li></ul><table><tr><th>a</th><td>b</td></tr></table></body></html>"""


def preload(root):
    """Import and load what the jobs need, so that each forked job starts warm.

    A fresh process loads on first use WeasyPrint's hyphenation patterns and parts of its C
    interface, font machinery and stylesheet code, Babel's locale data, the message
    catalogues and Markdown's patterns: about 0.3 s, more than printing a one-page
    statement takes. Using each once here pays that for every job; then warm_project does
    the same for the project that started the worker.
    """
    import datetime

    import pyphen

    from briefs import cli  # noqa: F401
    from briefs.publish import catalogue, manifest, press_kit  # noqa: F401
    from briefs.render import helpers, html  # noqa: F401
    from briefs import i18n
    from briefs.render.markdown_ext import EditionState, section_html

    for lang in i18n.BABEL_LOCALES:
        if pyphen.language_fallback(lang):
            pyphen.Pyphen(lang=lang)
        i18n.translations(lang)
        i18n.long_date(datetime.date(2020, 1, 1), lang)
        i18n.short_date(datetime.date(2020, 1, 1), lang)
        i18n.joined(["a", "b", "c"], lang)
        i18n.plural(2, lang, {"other": "x"})
        i18n.language_name(lang)
    section_html("# A\n\n- b[^1]\n\n| c |\n|---|\n| d |\n\n[^1]: e\n",
                 EditionState(print_notes=True), prefix="warm-")
    warm_project(root)


def warm_project(root):
    """Print a small page with the project's print stylesheet, read its case index and draw
    a link picture, so that its jobs find them parsed and loaded.

    These caches hold the parsed stylesheet, the index and the picture's fonts, and a job
    uses them only while their files are unchanged (briefs.pdf, briefs.case_index,
    briefs.card), so jobs print the same bytes as a process of their own would. A project
    whose files are broken is simply not warmed: its jobs say what is wrong.
    """
    import datetime

    from briefs.render.card import card_png
    from briefs.cases.cache import casebook_path, current_casebook
    from briefs.project import Project
    from briefs.pdf import print_pdf
    from briefs.render.html import stylesheet
    from briefs.render.templates import environment

    project = Project(Path(root))
    with tempfile.TemporaryDirectory() as folder:
        try:
            for cache in sorted(Path(root, ".cache").glob("*")):  # the workflow's defaults
                current_casebook(project, casebook_path(cache))
            page = WARM_UP.format(stylesheet=stylesheet(project, environment(project), "print"))
            print_pdf(page, Path(folder, "warm.pdf"), project=project,
                      day=datetime.date(2020, 1, 1), identifier="warm-up")
            card_png(project.templates / "fonts", kind="Kind", title="Title", byline="Byline",
                     date="Date")
        except Exception:  # only an optimisation: jobs still print, each a little slower
            pass
    gc.collect()  # the page's garbage, which gc.freeze would otherwise keep in every child


CHART_CALL = re.compile(r"\bchart_\w+\(")


def warm_charts(root):
    """If the project's sections draw charts, load matplotlib (briefs.charts.load), so
    that its later jobs do not spend about 0.8 s each on it.

    It runs once a job of the project has started, so that the first job, after an edit
    often the only one that prints, does not wait for it; a job asking meanwhile waits as
    it does while a project is warmed up. The project's fonts are not loaded here, so a
    job draws with them as they are now (a test replaces one and compares a job in the
    worker with one on its own).
    """
    from briefs.render.charts import load
    from briefs.project import Project

    with FORKING:
        if root in CHARTS_WARM:
            return
        CHARTS_WARM.add(root)
        project = Project(Path(root))
        try:
            if any(CHART_CALL.search(path.read_text(encoding="utf-8"))
                   for path in project.content.glob("briefs/*/*.md")):
                load()
        except Exception:  # only an optimisation, as in warm_project
            pass


def serve(path, root):
    """Listen at once, so that jobs asking meanwhile wait for this worker rather than start
    another; warm up; then answer."""
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
    preload(root)
    WARM_PROJECTS.add(root)
    server.settimeout(IDLE_SECONDS)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        while True:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                if threading.active_count() == 1:  # no job is still running
                    return
                continue
            threading.Thread(target=answer, args=(connection,), daemon=True).start()
    finally:
        server.close()
        # Another worker started in the same instant may have taken the name over.
        if os.path.exists(path) and os.stat(path).st_ino == ours:
            os.unlink(path)


def answer(connection):
    with connection:
        message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        try:
            request = _whole_request(connection, message)
            if request is None or len(fds) != 3:
                return  # the client went away, or is not briefs.job: nothing to run
            folder, umask, environment, *arguments = request.decode().split("\0")
            with FORKING:
                root = project_root(arguments, folder)
                if root not in WARM_PROJECTS:
                    warm_project(root)
                    WARM_PROJECTS.add(root)
                # A child's collections then skip what it inherited: less work, and its
                # memory pages stay shared with the worker instead of being copied.
                gc.freeze()
                child = os.fork()
            if child == 0:
                run_job(folder, int(umask), environment, arguments, fds)
        finally:
            for fd in fds:
                os.close(fd)
        if root not in CHARTS_WARM:
            threading.Thread(target=warm_charts, args=(root,), daemon=True).start()
        _, status = os.waitpid(child, 0)
        connection.sendall(os.waitstatus_to_exitcode(status).to_bytes(4, "big", signed=True))


def _whole_request(connection, message):
    """The request after its 4-byte length, reading until it is complete; None if the
    connection closes first."""
    if len(message) < 4:
        return None
    size = int.from_bytes(message[:4], "big")
    while len(message) < 4 + size:
        more = connection.recv(1 << 20)
        if not more:
            return None
        message += more
    return message[4:4 + size]


def run_job(folder, umask, environment, arguments, fds):
    """In the forked child: become the job (its folder, umask, environment and standard
    streams), run it, and never return."""
    status = 1
    # The process ends with os._exit, which frees its memory whole: collecting the garbage
    # its last edition leaves (briefs.pdf.collections_paused) would be work for nothing.
    # The command collects between editions itself.
    gc.disable()
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.chdir(folder)
        os.umask(umask)
        os.environ.clear()
        os.environ.update(item.split("=", 1) for item in environment.split("\1") if "=" in item)
        sys.stdout = os.fdopen(1, "w", closefd=False)
        sys.stderr = os.fdopen(2, "w", closefd=False)
        from briefs.cli import main

        status = main(arguments)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status or 0)


if __name__ == "__main__":
    serve(*sys.argv[1:3])
