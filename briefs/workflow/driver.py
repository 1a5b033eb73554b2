"""What the workflow's jobs do: build one brief, and publish the catalogue and manifest.
The Snakefile runs each through `briefs <command>`."""

import gc
import logging
import time
from pathlib import Path

from briefs.content import translations
from briefs.edition import editions
from briefs.errors import ContentError, ContentErrors
from briefs.files import Staging, keep_outputs_private, press_kit_file
from briefs.kinds import KINDS, over_page_budget
from briefs.pdf import print_pdf
from briefs.publish.catalogue import write_catalogue
from briefs.publish.entry import edition_entry, entry_text
from briefs.publish.manifest import read_entries, template_sources, write_manifest
from briefs.publish.press_kit import write_press_kit
from briefs.render.card import edition_card
from briefs.render.helpers import CaseHelpers
from briefs.render.html import render_edition, render_sections

log = logging.getLogger("briefs")


def build_brief(project, brief_id, out, settings):
    """Every edition of one brief, then its press kit, published into out together; on any
    failure none of them (they are made in a staging folder of the private cache)."""
    refuse_internal_into_public(project, out, settings)
    templates = template_sources(project, settings.fingerprint)
    with Staging(scratch(settings)) as staging:
        built = editions(project, brief_id, settings, staging.folder)
        for number, edition in enumerate(built):
            if number:
                gc.collect()  # what the edition before left (briefs.pdf.collections_paused)
            build_edition(edition, templates)
        brief = built[0].brief
        write_press_kit([edition.files["entry"] for edition in built], brief.date,
                        press_kit_file(staging.folder, brief.id), scratch(settings))
        staging.publish(out)


def build_edition(edition, templates):
    """One edition's PDF, web page, link picture and entry."""
    start = time.perf_counter()
    files, settings = edition.files, edition.settings
    helpers = CaseHelpers(edition)
    if settings.translations == "strict":
        refuse_outdated_translation(edition)
    with edition.project.recording() as reads:
        sections = render_sections(edition, helpers)
        paged = render_edition(edition, "print", sections)
        printing = time.perf_counter()
        pdf, pages, moved = print_pdf(paged, project=edition.project, day=edition.brief.date,
                                      identifier=f"{edition.brief.id}.{edition.lang}",
                                      variant=settings.pdf_variant,
                                      budget=KINDS[edition.brief.kind].pages)
        printing = time.perf_counter() - printing
        warn_if_over_page_budget(edition, pages, helpers, moved)
        warn_if_translation_behind(edition, helpers)
        Path(files["pdf"]).write_bytes(pdf)
        published = {"pdf_pages": pages, "pdf_kb": max(1, round(len(pdf) / 1024)),
                     "card_href": Path(files["card"]).name}
        Path(files["html"]).write_text(render_edition(edition, "web", sections, published),
                                       encoding="utf-8")
        Path(files["card"]).write_bytes(edition_card(edition))
    edition.reads.update(reads)
    entry = edition_entry(edition, pages=pages, helpers=helpers, templates=templates)
    Path(files["entry"]).write_text(entry_text(entry), encoding="utf-8")
    log.info("%s.%s: %d pages, %d bytes, printed in %.2f s of %.2f s", edition.brief.id,
             edition.lang, pages, len(pdf), printing, time.perf_counter() - start)


def refuse_outdated_translation(edition):
    """A strict build prints no edition whose translation is behind its source text."""
    problems = translations.outdated_blocks(edition.project, edition.brief, edition.lang,
                                            refused=True)
    if problems:
        raise ContentErrors(problems)


def warn_if_translation_behind(edition, helpers):
    """A warning for every block of the source text that changed since the translation
    this edition is made from was confirmed (briefs.content.translations)."""
    helpers.warnings += [str(problem) for problem in translations.outdated_blocks(
        edition.project, edition.brief, edition.lang)]


def warn_if_over_page_budget(edition, pages, helpers, moved=()):
    warning = over_page_budget(edition.brief, edition.lang, pages, moved)
    if warning:
        helpers.warnings.append(warning)


def scratch(settings):
    """Where a job writes before renaming into place: the build's private cache."""
    return Path(settings.cache) / "scratch"


def refuse_internal_into_public(project, out, settings):
    """The internal audience may never write into build/, the folder that is sent, and its
    outputs are never made readable by all."""
    if settings.internal:
        keep_outputs_private()
    public, target = (project.root / "build").resolve(), Path(out).resolve()
    if settings.internal and target.is_relative_to(public):
        raise ContentError(out, "an internal build may not write into build/, which is sent "
                           "to readers", hint="leave out 'out=', so that it writes into "
                           "build-internal/, or name another folder")


def publish(project, entries, catalogue, manifest, settings):
    """The catalogue of all briefs, then the manifest that lists it."""
    refuse_internal_into_public(project, catalogue, settings)
    chosen = {"audience": settings.audience, "pdf_variant": settings.pdf_variant}
    records = read_entries(Path(manifest).parent, entries, chosen)  # before writing anything
    write_catalogue(project, list(records.values()), catalogue, scratch(settings))
    write_manifest(Path(manifest).parent, records, chosen, manifest, scratch(settings))
