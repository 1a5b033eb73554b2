"""`briefs check`: every problem of the content at once, without printing a PDF.

It reads and checks what the build reads (organisations, every case record, restricted
ones included, every brief) and renders every edition's pages, so that sections,
their calls and their pictures are checked as the build would check them.
"""

from briefs.cases.cache import casebook
from briefs.content.inputs import discover
from briefs.edition import Settings, editions
from briefs.errors import ContentError, ContentErrors
from briefs.build.driver import warn_if_over_page_budget
from briefs.pdf import print_pdf
from briefs.render.helpers import CaseHelpers
from briefs.render.html import render_edition, render_sections


def check(project, cache=None, pages=False):
    """Raise ContentErrors listing every problem; return the counts of briefs and case
    records, and the warnings. pages: also print each edition's PDF (in memory) and warn
    where it is longer than its kind's page budget."""
    problems, warnings = [], []

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
            warnings += collect(lambda: render_pages(edition, pages)) or []
    if problems:
        raise ContentErrors(list({str(problem): problem for problem in problems}.values()))
    return len(brief_ids), len(book.cases), warnings


def render_pages(edition, pages):
    """Render an edition as the build does; return its warnings."""
    helpers = CaseHelpers(edition)
    sections = render_sections(edition, helpers)
    render_edition(edition, "web", sections)
    paged = render_edition(edition, "print", sections)
    if pages:
        _, count = print_pdf(paged, project=edition.project, day=edition.brief.date,
                             identifier=f"{edition.brief.id}.{edition.lang}")
        warn_if_over_page_budget(edition, count, helpers)
    return helpers.warnings
