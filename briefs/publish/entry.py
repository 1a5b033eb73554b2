"""An edition's entry (<brief>.<lang>.json beside its outputs): what the catalogue and the
manifest need to know about it, and what the workflow needs to know about its inputs."""

import hashlib
import json
from pathlib import Path

from briefs import i18n
from briefs.content.model import is_text
from briefs.files import EDITION_KINDS, output_files
from briefs.render.wording import text_in


def edition_entry(edition, *, pages, helpers, templates):
    """The entry of an edition whose files are written (edition.files: their paths).

    It says which files the edition read, which case records it showed or counted, and
    which questions (filters as of a date) it asked: the workflow reads this to know what
    to watch, as make reads the dependency files a compiler writes. It gives the manifest
    entries of the web page, PDF, picture and table of people, and the sources they
    were made from.
    templates: template_sources(project), the same for every edition.
    """
    brief, lang = edition.brief, edition.lang
    used, queries = helpers.dependencies()
    files = output_files(brief.id, brief.id, lang)  # relative to the build folder
    return {
        "audience": edition.settings.audience,
        "cases": used,
        "case_queries": queries,
        "id": brief.id,
        "kind": brief.kind,
        "lang": lang,
        "language": i18n.language_name(lang),
        "title": brief.title[lang],
        "summary": brief.summary[lang] if brief.summary else "",
        "date": brief.date.isoformat(),
        "display_date": i18n.long_date(brief.date, lang, edition.date_style),
        "organisations": [organisation.short_name[lang] for organisation in edition.publishers],
        "website": edition.publishers[0].website,  # the publisher's: its feed entries' ids
        "logos": [{"file": organisation.logo, "alt": organisation.logo_alt.get(lang)
                   or organisation.logo_alt["en"]}
                  for organisation in edition.publishers if organisation.logo],
        "html": files["html"],
        "pdf": files["pdf"],
        "pages": pages,
        "warnings": helpers.warnings,
        "pdf_bytes": Path(edition.files["pdf"]).stat().st_size,
        "sources": {**edition_sources(edition), **templates},
        "case_records": case_views(edition, used),
        "organisations_used": organisation_views(edition),
        "translation": translation_record(edition),
        "files": {kind.name: file_entry(edition.files[kind.name], files[kind.name])
                  for kind in EDITION_KINDS if kind.name != "entry"},
        "release": release_entry(edition.release),
        "versions": version_entries(edition),
    }


def entry_text(entry):
    return json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def edition_sources(edition):
    """{path: SHA-256} of the files an edition was made from, relative to the project, as
    they were read (Edition.reads), never read again: what loading the brief and making
    its pages read (brief.yaml, the organisations, sections, pictures, cited briefs), and
    the catalogues of the case book if it showed or counted anyone. Case records are not
    files here: see case_views."""
    files = {path: digest for path, digest in edition.reads.items()
             if path.startswith("content/")}
    if edition.asked_cases():
        files.update(edition.cases.book.catalogues)
    return dict(sorted(files.items()))


def case_views(edition, used):
    """{case id: SHA-256} of the records an edition showed or counted, as its audience's
    book holds them: for the public, the public view, so that nothing restricted added to
    a record changes what the public outputs say they were made from."""
    book = edition.cases.book if used else None
    return {case_id: view_digest(book.cases[case_id]) for case_id in used}


def release_entry(release):
    """What an edition says of the version it is, or None if its brief was never released."""
    if release is None:
        return None
    return {"version": release.version, "number": release.number, "pending": release.pending,
            "released_at": release.released_at.isoformat() if release.released_at else None,
            "first_published": release.first_published.isoformat()}


def version_entries(edition):
    """The files of each released version of the edition, kept beside it in v1/, v2/...
    (briefs.publish.released.stage_versions), with their manifest entries."""
    brief, lang = edition.brief, edition.lang
    folder = Path(edition.files["html"]).parent
    versions = []
    for release in edition.releases:
        if not (folder / f"v{release.version}").is_dir():
            continue  # released in another PDF standard than this build's
        staged = output_files(folder / f"v{release.version}", brief.id, lang)
        names = output_files(f"{brief.id}/v{release.version}", brief.id, lang)
        versions.append({"version": release.version, "number": release.number,
                         "released_at": release.released_at.isoformat(),
                         "files": {kind: file_entry(staged[kind], names[kind])
                                   for kind in ("html", "pdf", "card")
                                   if Path(staged[kind]).name in release.outputs}})
    return versions


def organisation_views(edition):
    """{key: SHA-256} of the brief's organisations as the edition can print them: what it
    printed of organisations.yaml, which every brief reads whole (briefs.content.releases)."""
    return {key: organisation_digest(edition.organisations[key], edition.lang)
            for key in edition.brief.organisations}


def organisation_digest(organisation, lang):
    """The SHA-256 of an organisation's fields in lang, each text as an edition in lang
    prints it (its English stand-in where it has none): an edit of another language's
    text is no change to what that edition printed."""
    view = _in_language(organisation.model_dump(mode="json"), lang)
    return sha256_of(json.dumps(view, ensure_ascii=False, sort_keys=True).encode())


def _in_language(value, lang):
    if is_text(value):
        return text_in(value, lang)
    if isinstance(value, dict):
        return {key: _in_language(item, lang) for key, item in value.items()}
    return value


def translation_record(edition):
    """What an edition made from an outdated translation says it follows, or None."""
    if edition.translation is None:
        return None
    source, day = edition.translation
    return {"outdated": True, "follows": {"language": source, "of": day.isoformat()}}


def view_digest(case):
    """The SHA-256 of a record as a case book holds it, its mappings in sorted order: the
    case book kept in the cache holds them so, a book read from the files in the files'
    order, and the same record must give the same digest from either."""
    return sha256_of(json.dumps(case.model_dump(mode="json"), ensure_ascii=False,
                                sort_keys=True).encode())


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


def sha256(path):
    return sha256_of(Path(path).read_bytes())


def file_entry(path, name):
    """A file's entry in the manifest: its path in the build folder, size and SHA-256."""
    return {"path": name, "size": Path(path).stat().st_size, "sha256": sha256(path)}
