"""build/manifest.json: every output with its hash and pages, and the sources it came from,
so that anyone can prove a PDF is what the sources say, and rebuild it to check."""

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from briefs.errors import ContentError, shown_path
from briefs.files import press_kit_file, read_json, write_atomically
from briefs.cases.book import case_catalogues
from briefs.build.dependencies import template_files

LIBRARIES = ("briefs", "weasyprint", "pydyf", "fonttools", "pillow", "jinja2", "markdown",
             "mdx-truly-sane-lists", "babel", "nh3", "inscriptis", "matplotlib", "pydantic",
             "pyyaml",
             "snakemake")


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def edition_sources(project, brief_id, lang, cases, templates):
    """{path: sha256} of every file an edition was made from, relative to the project.

    Case files are those the edition showed or counted; restricted records stay out of
    public builds, and so do their file names. templates: template_sources(project), the
    same for every edition.
    """
    from briefs.content.load import edition_inputs

    files = [Path(p) for p in edition_inputs(project, brief_id, lang)]
    used, queries = cases.dependencies()
    if used or queries:
        files += [project.content / "cases" / f"{case_id}.yaml" for case_id in used]
        files += case_catalogues(project)
    sources = {f.relative_to(project.root).as_posix(): sha256(f)
               for f in sorted(set(files)) if f.is_file()}
    return {**sources, **templates}


def template_sources(project):
    """{path: sha256} of the templates, stylesheets and fonts."""
    return {Path(p).relative_to(project.root).as_posix(): sha256(p)
            for p in template_files(project)}


def build_manifest(out, record_paths, settings):
    """The manifest of a build folder, from its editions' records and files.

    An edition's web page, PDF and picture are listed as its record says its job wrote
    them, so that the manifest reads an edition's record rather than all its files, and
    Snakemake need not check and checksum every output after each edit (see the Snakefile).
    """
    folder = Path(out)
    out = folder.resolve()  # once: resolving a path looks at each folder on its way
    outputs, sources = [], {}
    for given in sorted(Path(p) for p in record_paths):
        record_path = given.resolve()
        if not record_path.is_relative_to(out):
            raise ContentError(given, f"this record is not in {shown_path(folder)}, "
                               "the folder of the manifest", hint="write the manifest into "
                               "the build folder the records are in, e.g. build/manifest.json")
        record = read_json(record_path)
        sources.update(record["sources"])
        written = record["files"]
        for kind in ("html", "pdf"):
            entry = {**written[kind], "brief": record["id"], "lang": record["lang"],
                     "sources": sorted(record["sources"])}
            if kind == "pdf":
                entry["pages"] = record["pages"]
            outputs.append(entry)
        outputs.append(_entry(out, record_path))
        outputs.append(written["card"])
    briefs = sorted({Path(p).parent.name for p in record_paths})
    kits = [Path(press_kit_file(out / brief, brief)) for brief in briefs]
    for path in [out / "index.html", *kits, *sorted((out / "assets").rglob("*"))]:
        if path.is_file():
            outputs.append(_entry(out, path))
    return {
        "settings": settings,
        "software": software(),
        "outputs": outputs,
        "sources": dict(sorted(sources.items())),
    }


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


def file_entry(path, name):
    """A file's entry in the manifest: its path in the build folder, size and SHA-256."""
    return {"path": name, "size": Path(path).stat().st_size, "sha256": sha256(path)}


def _entry(out, path):
    """The entry of a file under out, both resolved."""
    return file_entry(path, path.relative_to(out).as_posix())


def write_manifest(out, record_paths, settings, target):
    manifest = build_manifest(out, record_paths, settings)
    write_atomically(target, json.dumps(manifest, ensure_ascii=False, indent=1,
                                        sort_keys=True) + "\n")


def changed_sources(project, manifest):
    """Sources whose bytes differ from those the manifest records (or that are gone)."""
    changed = []
    for relative, digest in manifest["sources"].items():
        path = project.root / relative
        if not path.is_file() or sha256(path) != digest:
            changed.append(relative)
    return changed


def differing_outputs(manifest, rebuilt):
    """Outputs of the manifest whose rebuilt bytes differ (or that were not rebuilt)."""
    rebuilt = Path(rebuilt)
    return [entry["path"] for entry in manifest["outputs"]
            if not (rebuilt / entry["path"]).is_file()
            or sha256(rebuilt / entry["path"]) != entry["sha256"]]


def find_output(manifest, path):
    """The manifest entry whose bytes are those of the file at path, or None."""
    digest = sha256(path)
    return next((e for e in manifest["outputs"] if e["sha256"] == digest), None)
