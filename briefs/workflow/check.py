"""`briefs check`: every problem of the content at once, without printing a PDF.

It reads and checks what the build reads (organisations, every case record, restricted
ones included, every brief) and renders every edition's pages, so that sections,
their calls and their pictures are checked as the build would check them. Its messages
are worded for the public unless asked otherwise: they name a restricted part of a record,
not what it holds.
"""

from pathlib import Path

from briefs.cases.cache import casebook, checked_count
from briefs.cases.sources import book_key, case_sources
from briefs.content.inputs import discover
from briefs.edition import editions
from briefs.errors import ContentError, ContentErrors
from briefs.kinds import KINDS
from briefs.pdf import print_pdf
from briefs.render.helpers import CaseHelpers
from briefs.render.html import render_edition, render_sections
from briefs.settings import Settings
from briefs.workflow.checked import CheckedEditions
from briefs.workflow.driver import warn_if_over_page_budget, warn_if_translation_behind


def check(project, cache=None, pages=False, messages_for="public"):
    """Raise ContentErrors listing every problem; return the counts of briefs and case
    records, and the warnings. cache: the builds' private folder, `.cache`, where each
    audience's checked records are kept (none: nothing is kept). pages: also print each
    edition's PDF (in memory) and warn where it is longer than its kind's page budget.
    messages_for: the audience that may read the messages (internal: in full)."""
    problems, warnings = [], []

    def collect(step):
        try:
            return step()
        except (ContentError, ContentErrors) as error:
            problems.extend(getattr(error, "errors", [error]))
            return None

    internal, public = (Path(cache, audience) if cache else None
                        for audience in ("internal", "public"))
    with project.unrecorded():
        sources = collect(lambda: case_sources(project, public))
    records = collect(lambda: checked_count(project, "internal", internal, sources,
                                            messages_for))
    book_problems = len(problems)
    # The editions show the public book: read here once, and each edition that asks gets
    # it, or its problems, by its key.
    book = collect(lambda: casebook(project, "public", public, sources=sources))
    key = book.key if book else book_key(project, "public", sources.digests if sources else {})
    brief_ids = collect(lambda: discover(project)) or []
    settings = Settings(cache=public, cases_key=key)
    # An edition rendered without a problem is not rendered again until what it was made
    # from changes: its warnings are kept.
    checked = CheckedEditions(project, public, settings, pages)
    for brief_id in brief_ids:
        for edition in collect(lambda: editions(project, brief_id, settings)) or []:
            warnings += collect(lambda: checked.warnings(
                edition, book, lambda edition: render_pages(edition, pages))) or []
    checked.save()
    # Rendering reads the public book, whose problems are among the whole book's, said
    # above in the words messages_for may read: they are not said twice.
    book_files = {problem.path for problem in problems[:book_problems]}
    problems[book_problems:] = [problem for problem in problems[book_problems:]
                                if problem.path not in book_files]
    if problems:
        raise ContentErrors(list({str(problem): problem for problem in problems}.values()))
    return len(brief_ids), records, warnings


def render_pages(edition, pages):
    """Render an edition as the build does; return its warnings, a translation behind its
    source text's among them."""
    helpers = CaseHelpers(edition)
    warn_if_translation_behind(edition, helpers)
    sections = render_sections(edition, helpers)
    render_edition(edition, "web", sections)
    paged = render_edition(edition, "print", sections)
    if pages:
        _, count, placed, moved = print_pdf(paged, project=edition.project,
                                            day=edition.brief.date,
                                            identifier=f"{edition.brief.id}.{edition.lang}",
                                            budget=KINDS[edition.brief.kind].pages)
        warn_if_over_page_budget(edition, count, helpers, moved)
        helpers.warnings += sections["print"].pictures.resolution_warnings(placed)
    return helpers.warnings
