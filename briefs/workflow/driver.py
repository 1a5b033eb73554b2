"""What the workflow's jobs do: build one brief, build one edition (the preview's job), and
publish the catalogue and manifest. The job server runs each as a request
(briefs.workflow.requests); `briefs brief` and `briefs publish` by hand."""

import gc
import logging
import time
from pathlib import Path

from briefs.content import translations
from briefs.edition import editions
from briefs.errors import ContentError, ContentErrors
from briefs.files import Staging, data_package_file, press_kit_file, write_whole
from briefs.kinds import KINDS, over_page_budget
from briefs.pdf import print_pdf
from briefs.publish.catalogue import write_catalogue
from briefs.publish.data_package import write_data_package, write_people
from briefs.publish.entry import edition_entry, entry_text
from briefs.publish.feed import write_feeds
from briefs.publish.keys import configured_key
from briefs.publish.manifest import read_entries, template_sources, write_manifest
from briefs.publish.press_kit import write_press_kit
from briefs.publish.released import refuse_silent_change, stage_versions
from briefs.render.card import edition_card
from briefs.render.helpers import CaseHelpers
from briefs.render.html import render_edition, render_sections

log = logging.getLogger("briefs")


def build_brief(project, brief_id, out, settings, releases=None):
    """Every edition of one brief, its released versions and its press kit, published into
    out together; on any failure none of them (they are made in a staging folder of the
    private cache). releases: those to print, if not the record's (`briefs release`)."""
    settings.refuse_internal_into_public(project.root, out)
    templates = template_sources(project, settings.fingerprint)
    with Staging(scratch(settings)) as staging:
        built = editions(project, brief_id, settings, staging.folder, releases)
        stage_versions(project, built, staging.folder)
        key = signing_key(project, settings) if built[0].releases else None
        sign_versions(built, staging.folder, key)
        for number, edition in enumerate(built):
            if number:
                gc.collect()  # what the edition before left (briefs.pdf.collections_paused)
            build_edition(edition, templates, key)
        refuse_silent_change(built)
        brief = built[0].brief
        write_data_package(built, data_package_file(staging.folder, brief.id),
                           scratch(settings))
        write_press_kit(built, press_kit_file(staging.folder, brief.id), scratch(settings))
        staging.publish(out)


def build_one_edition(project, brief_id, lang, folder, settings):
    """The edition of brief_id in lang, built into folder as the brief's job would."""
    for edition in editions(project, brief_id, settings, folder):
        if edition.lang == lang:
            key = signing_key(project, settings) if edition.releases else None
            return build_edition(edition, template_sources(project, settings.fingerprint),
                                 key)
    raise ContentError(project.brief_dir(brief_id) / "brief.yaml",
                       f"the brief has no edition in '{lang}' any more",
                       hint="open one of the editions its 'languages' lists")


def build_edition(edition, templates, key=None):
    """One edition's PDF, web page, link picture, table of people and entry; a released
    one's PDF signed with key (briefs.publish.signing)."""
    start = time.perf_counter()
    files, settings = edition.files, edition.settings
    helpers = CaseHelpers(edition)
    if settings.translations == "strict":
        refuse_outdated_translation(edition)
    with edition.project.recording() as reads:
        sections = render_sections(edition, helpers)
        paged = render_edition(edition, "print", sections)
        printing = time.perf_counter()
        pdf, pages, placed, moved = print_pdf(paged, project=edition.project,
                                              day=pdf_moment(edition),
                                              identifier=pdf_identifier(edition),
                                              variant=settings.pdf_variant,
                                              budget=KINDS[edition.brief.kind].pages)
        printing = time.perf_counter() - printing
        warn_if_over_page_budget(edition, pages, helpers, moved)
        helpers.warnings += sections["print"].pictures.resolution_warnings(placed)
        warn_if_translation_behind(edition, helpers)
        if edition.release and edition.release.released_at:
            pdf = signed(edition, pdf, edition.release.released_at, Path(files["pdf"]).name,
                         key)
        Path(files["pdf"]).write_bytes(pdf)
        published = {"pdf_pages": pages, "pdf_kb": max(1, round(len(pdf) / 1024)),
                     "card_href": Path(files["card"]).name}
        Path(files["html"]).write_text(render_edition(edition, "web", sections, published),
                                       encoding="utf-8")
        Path(files["card"]).write_bytes(edition_card(edition))
        write_people(edition, helpers)  # within the recording: a cited brief is read
    edition.reads.update(reads)
    entry = edition_entry(edition, pages=pages, helpers=helpers, templates=templates)
    Path(files["entry"]).write_text(entry_text(entry), encoding="utf-8")
    log.info("%s.%s: %d pages, %d bytes, printed in %.2f s of %.2f s", edition.brief.id,
             edition.lang, pages, len(pdf), printing, time.perf_counter() - start)


def sign_versions(built, folder, key):
    """Sign the PDFs of the brief's released versions, staged in folder/v1, v2..."""
    for release in built[0].releases:
        for edition in built:
            relative = f"v{release.version}/{Path(edition.files['pdf']).name}"
            path = Path(folder) / relative
            if path.is_file():
                path.write_bytes(signed(edition, path.read_bytes(), release.released_at,
                                        relative, key))


def signed(edition, pdf, released_at, relative, key):
    """A released PDF of the edition's brief (relative: its path in the brief's folder) as
    it is published: signed with key, or without one, as sent if the settings name the
    folder of the PDFs that were sent (briefs.publish.signing.released_pdf)."""
    from briefs.publish.signing import description, released_pdf  # pyHanko: a slow import

    sent = edition.settings.signed_pdfs
    return released_pdf(pdf, released_at, description(edition.publishers[0], edition.lang),
                        key, sent and Path(sent) / edition.brief.id / relative)


def pdf_moment(edition):
    """What the PDF is dated: the brief's date, or for a released version its release."""
    return edition.release.moment if edition.release else edition.brief.date


def pdf_identifier(edition):
    """What the PDF's /ID is made from: each released version has its own."""
    version = f".v{edition.release.version}" if edition.release else ""
    return f"{edition.brief.id}.{edition.lang}{version}"


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


def signing_key(project, settings):
    """The organisation's key, if the settings give one: read once per job."""
    return configured_key(settings.signing_key, settings.signing_certificate, project)


def scratch(settings):
    """Where a job writes before renaming into place: the build's private cache."""
    return Path(settings.cache) / "scratch"


def publish(project, entries, catalogue, manifest, settings):
    """The catalogue of all briefs and its feeds, then the manifest that lists them."""
    settings.refuse_internal_into_public(project.root, catalogue)
    key = signing_key(project, settings)
    chosen = settings.recorded()
    if key:
        chosen["signing_certificate"] = key.fingerprint  # the certificate's SHA-256 only
    records = read_entries(Path(manifest).parent, entries, chosen)  # before writing anything
    write_catalogue(project, list(records.values()), catalogue, scratch(settings))
    write_feeds(list(records.values()), Path(catalogue).parent, settings.site_url,
                scratch(settings))
    write_manifest(Path(manifest).parent, records, chosen, manifest, scratch(settings))
    sign_manifest(manifest, key, settings)


def sign_manifest(manifest, key, settings):
    """manifest.json.p7s beside the manifest, its detached signature by key; without a
    key, none (one left by an earlier build would no longer match)."""
    target = Path(f"{manifest}.p7s")
    if key is None:
        target.unlink(missing_ok=True)
        return
    from briefs.publish.signing import manifest_signature  # pyHanko: a slow import

    write_whole(target, manifest_signature(Path(manifest).read_bytes(), key), scratch(settings))
