"""The job server's warm-up: everything a job would load on first use, loaded once.

A fresh process loads on first use WeasyPrint's hyphenation patterns and parts of its C
interface, font machinery and stylesheet code, Babel's locale data, the message
catalogues and Markdown's patterns: about 0.3 s, more than printing a one-page statement
takes. Then come the project's own: its compiled templates, its print stylesheet and
fonts, its case book and the link picture's fonts. The caches these fill are keyed by content (briefs.pdf,
briefs.cases.cache, briefs.render.card), so a job that inherits them prints the same
bytes as a process of its own would.
"""

import contextlib
import ctypes.util
import datetime
import os
import subprocess
import sys
from pathlib import Path

# A page in the project's print stylesheet, using what briefs use: running heads, flex
# boxes, footnotes, hyphenation, a table.
WARM_UP = """<html lang="en"><head><style>{stylesheet}</style><style>
@page {{ @top-center {{ content: "head" }} }} body {{ hyphens: auto; text-align: justify }}
.row {{ display: flex; gap: 4mm }} .note {{ float: footnote }} td {{ border: 1px solid }}
</style></head><body><h1>Title</h1><div class="row"><p>left</p><p lang="ru">справа</p></div>
<p>International organisations<span class="note">A note.</span> and
<a href="https://example.org">a link</a>, <b>bold</b> and <i>italic</i> words.</p>
<ul><li>one</li><li>two</li></ul><table><tr><th>a</th><td>b</td></tr></table></body></html>"""
# How ldconfig marks this machine's own libraries, as ctypes.util matches them.
LIBRARY_ABI = {"x86_64": "libc6,x86-64", "aarch64": "libc6"}


def warm_steps(root, cache, audience):
    """Warm up for the project at root, in steps, the most used first: the job server
    serves the jobs already waiting between two steps. Matplotlib is left to the jobs that
    draw charts: loading it (0.8 s) held up every job asked for meanwhile."""
    with libraries_from_linker_cache():
        import pyphen

        from briefs import i18n
        from briefs.workflow import driver  # noqa: F401 (every stage, imported)
        from briefs.cases.cache import casebook, stored_casebook
        from briefs.pdf import print_pdf
        from briefs.project import Project
        from briefs.render.card import card_png
        from briefs.render.html import stylesheet
        from briefs.render.markdown_ext import EditionState, section_html
        from briefs.render.templates import environment

    yield
    project = Project(root)
    page = WARM_UP.format(stylesheet=stylesheet(project, "print"))
    print_pdf(page, project=project, day=datetime.date(2020, 1, 1), identifier="warm-up")
    yield
    env = environment(project)
    for path in project.template_files():  # compiled here, not in every job
        if path.endswith((".html", ".css")):
            env.get_template(str(Path(path).relative_to(project.templates)))
    section_html("# A\n\n- b[^1]\n\n| c |\n|---|\n| d |\n\n[^1]: e\n",
                 EditionState(print_notes=True), prefix="warm-")
    for lang in i18n.BABEL_LOCALES:
        if pyphen.language_fallback(lang):
            pyphen.Pyphen(lang=lang)
        i18n.translations(lang)
        i18n.long_date(datetime.date(2020, 1, 1), lang)
        i18n.short_date(datetime.date(2020, 1, 1), lang)
        i18n.joined(["a", "b", "c"], lang)
        i18n.plural(2, lang, {"other": "x"})
        i18n.language_name(lang)
    yield
    card_png(project, kind="Kind", title="Title", byline="Byline", date="Date")
    yield
    book = stored_casebook(audience, cache) or casebook(project, audience, cache)
    # Each record validated here once, not in each job that lists them all, a thousand to a
    # step: a job that comes meanwhile waits for a few hundredths of a second, not for all.
    ids = list(book.cases)
    for start in range(0, len(ids), 1000):
        yield
        book.cases.validate(ids[start:start + 1000])


@contextlib.contextmanager
def libraries_from_linker_cache():
    """WeasyPrint tries several names for each C library it opens, and ctypes looks up every
    name it cannot open by running ldconfig, then gcc and ld: a third of WeasyPrint's import.
    Meanwhile each name is looked up in one reading of ldconfig's cache, as ctypes does
    first; a library found only by gcc makes the import fail here, and each job then imports
    WeasyPrint itself."""
    real, libraries = ctypes.util.find_library, _linker_cache()
    if libraries:
        ctypes.util.find_library = lambda name: next(
            (soname for soname in libraries if soname.startswith(f"lib{name}.")), None)
    try:
        yield
    finally:
        ctypes.util.find_library = real


def _linker_cache():
    """The names of this machine's libraries that ldconfig knows, in its order."""
    abi = LIBRARY_ABI.get(os.uname().machine) if sys.maxsize > 2**32 else None
    try:
        listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True,
                                 env={"LC_ALL": "C", "LANG": "C"}).stdout if abi else ""
    except OSError:
        return []
    entries = (line.strip().split(" (", 1) for line in listing.splitlines()[1:])
    return [entry[0] for entry in entries if len(entry) == 2 and entry[1].startswith(abi)]
