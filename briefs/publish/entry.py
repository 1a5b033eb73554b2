"""An edition's entry (<brief>.<lang>.json beside its outputs): what the catalogue and the
manifest need to know about it, and what the workflow needs to know about its inputs."""

import hashlib
import json
from pathlib import Path

from briefs import i18n
from briefs.cases.sources import case_catalogues
from briefs.content.inputs import brief_inputs
from briefs.files import output_files


def edition_entry(edition, *, pages, helpers, templates):
    """The entry of an edition whose files are written (edition.files: their paths).

    It says which case records the edition showed or counted, and which questions (filters
    as of a date) it asked: the workflow reads this to know which case files to watch, as
    make reads the dependency files a compiler writes. It gives the manifest entries of the
    web page, PDF and picture, and the sources they were made from. templates:
    template_sources(project), the same for every edition.
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
        "display_date": i18n.long_date(brief.date, lang),
        "organisations": [organisation.short_name[lang] for organisation in edition.publishers],
        "logos": [{"file": organisation.logo, "alt": organisation.logo_alt.get(lang)
                   or organisation.logo_alt["en"]}
                  for organisation in edition.publishers if organisation.logo],
        "html": files["html"],
        "pdf": files["pdf"],
        "pages": pages,
        "warnings": helpers.warnings,
        "pdf_bytes": Path(edition.files["pdf"]).stat().st_size,
        "sources": {**edition_sources(edition, used, queries), **templates},
        "files": {kind: file_entry(edition.files[kind], files[kind])
                  for kind in ("html", "pdf", "card")},
    }


def entry_text(entry):
    return json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def edition_sources(edition, used, queries):
    """{path: sha256} of the content files an edition was made from, relative to the
    project: the files brief.yaml names, and the case records it showed or counted (only
    those its audience may see) with their catalogues."""
    project = edition.project
    files = [Path(p) for p in brief_inputs(project, edition.brief.id, [edition.lang])]
    if used or queries:
        files += [project.content / "cases" / f"{case_id}.yaml" for case_id in used]
        files += case_catalogues(project)
    return {f.relative_to(project.root).as_posix(): sha256_of(project.read_bytes(f, _kind(f)))
            for f in sorted(set(files)) if project.exists(f)}


def _kind(path):
    return "section" if path.suffix == ".md" else "picture" if path.suffix in (
        ".jpg", ".jpeg", ".png", ".svg") else "catalogue"


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


def sha256(path):
    return sha256_of(Path(path).read_bytes())


def file_entry(path, name):
    """A file's entry in the manifest: its path in the build folder, size and SHA-256."""
    return {"path": name, "size": Path(path).stat().st_size, "sha256": sha256(path)}
