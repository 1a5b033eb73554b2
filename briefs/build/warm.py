"""The job server's warm-up: everything a job would load on first use, loaded once.

A fresh process loads on first use WeasyPrint's hyphenation patterns and parts of its C
interface, font machinery and stylesheet code, Babel's locale data, the message
catalogues and Markdown's patterns: about 0.3 s, more than printing a one-page statement
takes. Then come the project's own: its compiled templates, its print stylesheet and
fonts, its case book and the link picture's fonts. The caches these fill are keyed by content (briefs.pdf,
briefs.cases.cache, briefs.render.card), so a job that inherits them prints the same
bytes as a process of its own would.
"""

import datetime
import re
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
CHART_CALL = re.compile(r"\bchart_\w+\(")


def warm_steps(root, cache, audience, pending):
    """Warm up for the project at root, in steps, the most used first: the job server
    serves the jobs already waiting between two steps. pending() says whether a job is
    waiting, in which case matplotlib is left for the jobs that draw charts to load."""
    import pyphen

    from briefs import i18n
    from briefs.build import driver  # noqa: F401 (every stage, imported)
    from briefs.cases.cache import casebook
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
    casebook(project, audience, cache)
    yield
    if not pending() and _draws_charts(project):
        from briefs.render.charts import load

        load()


def _draws_charts(project):
    return any(CHART_CALL.search(path.read_text(encoding="utf-8", errors="replace"))
               for folder in project.folders(project.briefs_dir)
               for path in project.files(folder, "*.md"))
