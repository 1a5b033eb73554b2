"""`briefs check`: every problem of the content at once, without printing a PDF.

It reads and checks what the build reads (organisations, every case record, restricted
ones included, every brief) and renders every edition's pages, so that sections,
their calls and their pictures are checked as the build would check them.
"""

from briefs.cases.cache import casebook
from briefs.content.load import discover
from briefs.edition import Settings, editions
from briefs.errors import ContentError, ContentErrors
from briefs.render.helpers import CaseHelpers
from briefs.render.html import render_edition, section_sources


def check(project, cache=None):
    """Raise ContentErrors listing every problem; return (briefs, case records) counts."""
    problems = []

    def collect(step):
        try:
            return step()
        except (ContentError, ContentErrors) as error:
            problems.extend(getattr(error, "errors", [error]))
            return None

    book = collect(lambda: casebook(project, "internal"))
    brief_ids = collect(lambda: discover(project)) or []
    settings = Settings(cache=cache)
    for brief_id in brief_ids:
        for edition in collect(lambda: editions(project, brief_id, settings)) or []:
            collect(lambda: render_pages(edition))
    if problems:
        raise ContentErrors(list({str(problem): problem for problem in problems}.values()))
    return len(brief_ids), len(book.cases)


def render_pages(edition):
    helpers = CaseHelpers(edition)
    sources = section_sources(edition, helpers)
    for medium in ("web", "print"):
        render_edition(edition, medium, helpers, sources)
