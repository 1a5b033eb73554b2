"""build/manifest.json: every output with its hash and pages, and the sources it came from,
so that anyone can prove a PDF is what the sources say, and rebuild it to check."""

import json
import platform
from importlib import metadata
from pathlib import Path

from briefs.cases.cache import casebook
from briefs.errors import ContentError, shown_path
from briefs.files import EDITION_KINDS, brief_files, feed_file, read_json, write_whole
from briefs.publish.entry import file_entry, sha256, view_digest
from briefs.publish.feed import feed_languages

LIBRARIES = ("briefs", "weasyprint", "pydyf", "fonttools", "pillow", "jinja2", "markdown",
             "mdx-truly-sane-lists", "babel", "nh3", "inscriptis", "matplotlib", "pydantic",
             "pyyaml",
             "snakemake", "pyhanko")


def template_sources(project, fingerprint=None):
    """{path: sha256} of the templates, stylesheets and fonts. fingerprint: the workflow's
    fingerprint of templates and code, written by planning (briefs/workflow/plan.py), a job's
    declared input, which lists them already."""
    if fingerprint:
        lines = (line.split("  ", 1) for line in Path(fingerprint).read_text().splitlines())
        return {name: digest for digest, name in lines if name.startswith("templates/")}
    return {Path(p).relative_to(project.root).as_posix(): sha256(p)
            for p in project.template_files()}


def build_manifest(out, records, settings):
    """The manifest of a build folder, from its editions' entries (read_entries) and files.

    An edition's web page, PDF, picture and table are listed as its entry says its job
    wrote them, so that the manifest reads an edition's entry rather than all its files,
    and Snakemake need not check and checksum every output after each edit (see the
    Snakefile).
    """
    out = Path(out).resolve()  # once: resolving a path looks at each folder on its way
    outputs, sources, case_records = [], {}, {}
    for record_path, record in sorted(records.items()):
        sources.update(record["sources"])
        case_records.update(record["case_records"])
        written = record["files"]
        for kind in EDITION_KINDS:
            if kind.name == "entry":
                outputs.append(_entry(out, record_path))
            elif kind.sourced:
                outputs.append({**written[kind.name], "brief": record["id"],
                                "lang": record["lang"], "sources": sorted(record["sources"]),
                                "case_records": sorted(record["case_records"]),
                                "translation": record["translation"],
                                **({"pages": record["pages"]} if kind.name == "pdf" else {}),
                                **({"release": record["release"]} if record.get("release")
                                   else {})})
            else:
                outputs.append(written[kind.name])
        for version in record.get("versions") or []:
            outputs += version_outputs(record, version, sources)
    briefs = sorted({path.parent.name for path in records})
    own = [Path(path) for brief in briefs for path in brief_files(out / brief, brief).values()]
    feeds = [Path(feed_file(out, lang)) for lang in feed_languages(records.values())]
    for path in [out / "index.html", *feeds, *own, *sorted((out / "assets").rglob("*"))]:
        if path.is_file():
            outputs.append(_entry(out, path))
    return {
        "settings": settings,
        "software": software(),
        "outputs": outputs,
        "sources": dict(sorted(sources.items())),
        # each record as the build's audience saw it: the public view in a public build
        "case_records": dict(sorted(case_records.items())),
    }


def version_outputs(record, version, sources):
    """The entries of a released version's files (build/<id>/v<N>/...), each made from the
    file kept in the archive (briefs.content.releases), whose SHA-256 is its own; the
    archived files are added to sources."""
    outputs = []
    for written in version["files"].values():
        archived = f"content/releases/{record['id']}/v{version['version']}/" \
                   f"{Path(written['path']).name}"
        sources[archived] = written["sha256"]
        outputs.append({**written, "brief": record["id"], "lang": record["lang"],
                        "version": version["version"], "number": version["number"],
                        "released_at": version["released_at"], "sources": [archived],
                        "case_records": [], "translation": None})
    return outputs


def read_entries(out, paths, settings):
    """{resolved path: entry} of editions' entries, in the order given, which must lie in
    the build folder out and be built for the audience of settings."""
    folder, entries = Path(out).resolve(), {}
    for given in map(Path, paths):
        resolved = given.resolve()
        if not resolved.is_relative_to(folder):
            raise ContentError(given, f"this record is not in {shown_path(out)}, "
                               "the folder of the manifest", hint="write the manifest into "
                               "the build folder the records are in, e.g. build/manifest.json")
        entry = entries[resolved] = read_json(given)
        if entry.get("audience") != settings["audience"]:
            raise ContentError(given, f"this entry was built for the {entry.get('audience')} "
                               f"audience, not the {settings['audience']} one",
                               hint="build each audience into its own folder")
    return entries


def software():
    """The versions of what shapes the outputs' bytes."""
    return {"python": platform.python_version(),
            **{name: metadata.version(name) for name in LIBRARIES},
            "font_subsetting": font_subsetting()}


def changed_software(manifest):
    """(name, then, here) for what differs between the build's software and this machine's."""
    here = software()
    return [(name, then, here.get(name)) for name, then in manifest["software"].items()
            if here.get(name) != then]


def font_subsetting():
    """Which library cuts the fonts embedded in the PDFs down to the glyphs they use:
    HarfBuzz where the system has libharfbuzz-subset (Debian: libharfbuzz-subset0), else
    fontTools, several times slower. The two write different bytes, so a rebuild that is
    to match must use the same one."""
    from weasyprint.text.ffi import harfbuzz_subset

    return "fonttools" if harfbuzz_subset is None else "harfbuzz"


def _entry(out, path):
    """The entry of a file under out, both resolved."""
    return file_entry(path, path.relative_to(out).as_posix())


def write_manifest(out, records, settings, target, scratch):
    manifest = build_manifest(out, records, settings)
    write_whole(target, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
                + "\n", scratch)


def changed_sources(project, manifest):
    """Sources whose bytes differ from those the manifest records (or that are gone): files
    by their bytes, case records by the view of the build's audience (a public manifest
    knows only the public view of a record)."""
    changed = []
    for relative, digest in manifest["sources"].items():
        path = project.root / relative
        if not path.is_file() or sha256(path) != digest:
            changed.append(relative)
    records = manifest.get("case_records") or {}
    if records:
        book = casebook(project, manifest["settings"]["audience"])
        for case_id, digest in records.items():
            case = book.cases.get(case_id)
            if case is None or view_digest(case) != digest:
                changed.append(case_source(case_id))
    return changed


def case_source(case_id):
    """How a case record is named among an output's sources."""
    return f"content/cases/{case_id}.yaml"


def compare_outputs(manifest, rebuilt):
    """What a rebuild (the folder rebuilt, with its own manifest) says of a manifest's list:
    (listed but not made again, made but not listed, listed with other bytes)."""
    again = read_json(Path(rebuilt) / "manifest.json")
    made = {entry["path"]: entry["sha256"] for entry in again["outputs"]}
    listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    return (sorted(set(listed) - set(made)), sorted(set(made) - set(listed)),
            sorted(path for path in set(listed) & set(made) if listed[path] != made[path]))


def sources_of(manifest, path):
    """The sources the manifest says an output was made from (files and case records)."""
    entry = next((e for e in manifest["outputs"] if e["path"] == path), {})
    return entry.get("sources", []) + [case_source(c) for c in entry.get("case_records", [])]


def find_output(manifest, path):
    """The manifest entry whose bytes are those of the file at path, or None."""
    digest = sha256(path)
    return next((e for e in manifest["outputs"] if e["sha256"] == digest), None)
