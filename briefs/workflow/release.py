"""`briefs release <brief-id>`: record that the brief's current editions were sent.

The brief's build must be current (what build/ holds is what the editor checked). The
release gets the next version and, at its first release, a document number from the
publisher's pattern; its editions are then printed again with that version, number and
time (what they print of it), and those files are kept in content/releases/<id>/v<N>/
with their SHA-256 in content/briefs/<id>/releases.yaml: the record, and the archive the
build publishes as build/<id>/v<N>/, are both committed by the organisation.
"""

import datetime
import shutil
from pathlib import Path

from briefs.content.inputs import discover, fields
from briefs.content.load import load_brief, load_organisations
from briefs.content.model import document_number
from briefs.content.releases import (ORGANISATIONS, Release, archive_folder, load_releases,
                                     record_path, record_text, sources_digest)
from briefs.edition import Settings
from briefs.errors import ContentError
from briefs.files import output_files, read_json, write_whole
from briefs.publish.entry import organisation_digest, sha256
from briefs.publish.manifest import changed_sources
from briefs.publish.released import released
from briefs.workflow.driver import build_brief, scratch

RELEASED_KINDS = ("html", "pdf", "card")  # what is sent; entries and press kits are not
BUILD_FIRST_HINT = ("build first (snakemake --cores all), check what it made, then release: "
                    "a release records what build/ holds")


def release(project, brief_id, at=None, site_url=""):
    """Record the brief's current editions as its next released version; return it."""
    at = at or datetime.datetime.now().astimezone()
    organisations = load_organisations(project)
    brief = load_brief(project, brief_id, organisations)
    # A brief under embargo is sent before it is published: it is built apart, in no
    # manifest, and its files are checked against its entries instead.
    public = Settings()
    if public.under_embargo(brief.embargo):
        folder = project.root / public.embargoed_folder() / brief_id
        listed, variant = None, public.pdf_variant
    else:
        folder = project.root / "build" / brief_id
        manifest = read_json(project.root / "build" / "manifest.json", hint=BUILD_FIRST_HINT)
        listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
        variant = manifest["settings"]["pdf_variant"]
    entries = current_entries(project, brief, folder, listed, organisations)
    releases = load_releases(project, brief_id)
    refuse_unchanged(project, brief, releases)
    if releases and at <= releases[-1].released_at:
        raise ContentError(record_path(project, brief_id), f"{brief_id} was released as "
                           f"{released(releases[-1])}, at {releases[-1].released_at.isoformat()}"
                           f", after the time given ({at.isoformat()})",
                           hint="give --at the time the corrected version was sent")
    number = releases[-1].number if releases else new_number(
        project, brief, organisations[brief.organisations[0]].document_numbers, at)
    new = Release(version=len(releases) + 1, number=number, released_at=at,
                  corrections=len(brief.corrections), pdf_variant=variant,
                  sources=sources_digest(entries), outputs={})
    settings = Settings(pdf_variant=variant, site_url=site_url,
                        cache=project.root / ".cache" / "public")
    made = Path(settings.cache) / "release" / brief_id
    shutil.rmtree(made, ignore_errors=True)
    try:
        build_brief(project, brief_id, made, settings, [*releases, new])
        files = {Path(path).name: path for lang in brief.languages
                 for kind, path in output_files(made, brief_id, lang).items()
                 if kind in RELEASED_KINDS}
        new = new.model_copy(update={"outputs": {name: sha256(path)
                                                 for name, path in files.items()}})
        archive = archive_folder(project, brief_id, new.version)
        for name, path in sorted(files.items()):
            write_whole(archive / name, Path(path).read_bytes(), scratch(settings))
        # the record last: without it, the archived files are not a release
        write_whole(record_path(project, brief_id), record_text([*releases, new]),
                    scratch(settings))
    finally:
        shutil.rmtree(made, ignore_errors=True)
    return new


def current_entries(project, brief, folder, listed, organisations):
    """The entries of the brief's editions in folder, refused unless the build is current:
    every file as listed (by the manifest, or by its entry where listed is None), and
    nothing it was made from changed since."""
    hint = BUILD_FIRST_HINT
    entries = []
    for lang in brief.languages:
        built = output_files(folder, brief.id, lang)
        entry_path = Path(built["entry"])
        if not entry_path.is_file():
            raise ContentError(entry_path, f"the {lang} edition of {brief.id} is not built",
                               hint=hint)
        entry = read_json(entry_path)
        for kind in RELEASED_KINDS:
            written = entry["files"][kind]
            expected = written["sha256"] if listed is None else listed.get(written["path"])
            if not Path(built[kind]).is_file() or expected != sha256(built[kind]):
                raise ContentError(built[kind], "this file is not as build/manifest.json "
                                   "lists it", hint=hint)
        entries.append(entry)
    sources = {path: digest for entry in entries for path, digest in entry["sources"].items()
               if path.startswith("content/") and path != ORGANISATIONS}
    cases = {case: digest for entry in entries for case, digest in entry["case_records"].items()}
    changed = changed_sources(project, {"sources": sources, "case_records": cases,
                                        "settings": {"audience": "public"}})
    changed += [f"{ORGANISATIONS} ({key})" for entry in entries
                for key, digest in entry["organisations_used"].items()
                if organisation_digest(organisations[key], entry["lang"]) != digest]
    if changed:
        raise ContentError(folder, f"the build of {brief.id} is not current: "
                           f"{', '.join(changed)} changed since it was built", hint=hint)
    return entries


def refuse_unchanged(project, brief, releases):
    """A brief released already is released again only as its correction: a version with
    a correction its last release did not print."""
    if releases and len(brief.corrections) <= releases[-1].corrections:
        raise ContentError(project.brief_dir(brief.id) / "brief.yaml",
                           f"{brief.id} was released as {released(releases[-1])}, and "
                           "nothing was corrected since", field="corrections",
                           hint="to send a corrected version, add a dated correction under "
                           "'corrections:' and build it first (docs/content.md)")


def new_number(project, brief, pattern, at):
    """The document number of a brief's first release: the publisher's pattern with the
    year of the release and how many of its briefs were first released that year, this one
    included; None if the publisher has no pattern."""
    if not pattern:
        return None
    publisher = brief.organisations[0]
    count = 1
    for other in discover(project):
        if other == brief.id or not project.exists(record_path(project, other)):
            continue
        first = load_releases(project, other)[0]
        organisations = fields(project, project.brief_dir(other) / "brief.yaml").get(
            "organisations") or [None]
        count += organisations[0] == publisher and first.released_at.year == at.year
    return document_number(pattern, at.year, count)
