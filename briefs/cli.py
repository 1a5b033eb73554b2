"""The command line: `briefs new`, `briefs check`, and the steps the workflow runs."""

import argparse
import functools
import gc
import logging
import os
import sys
import time
from pathlib import Path

from briefs.project import Project
from briefs.content.load import discover, load_brief, load_organisations
from briefs.errors import ContentError, ContentErrors

log = logging.getLogger("briefs")
# The PDF standards WeasyPrint can follow that keep the document tagged.
VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2a", "pdf/a-2u", "pdf/a-3a", "pdf/a-3u", "pdf/a-4u")
DEFAULT_VARIANT = "pdf/ua-1"
AUDIENCES = ("public", "internal")


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint").addFilter(_quiet_subsetter_notice)
    log.setLevel(logging.INFO)
    project = Project(Path(args.root).resolve())
    try:
        return args.command(project, args) or 0
    except (ContentError, ContentErrors) as error:
        problems = error.errors if isinstance(error, ContentErrors) else [error]
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1


def _quiet_subsetter_notice(record):
    """WeasyPrint says on every font that it subsets with fontTools; that is expected here."""
    return "HarfBuzz-Subset" not in record.getMessage()


def _parser():
    parser = argparse.ArgumentParser(prog="briefs", description=__doc__)
    parser.add_argument("--root", default=".", help="the project folder (default: here)")
    commands = parser.add_subparsers(required=True, metavar="command")

    new = commands.add_parser("new", help="start a new brief from a commented skeleton")
    new.add_argument("kind", help="statement, update, report or column")
    new.add_argument("brief_id", help="folder name, e.g. 2024-05-release-activists")
    new.add_argument("--languages", default="en", help="comma-separated, e.g. en,ru,kk")
    new.set_defaults(command=run_new)

    check = commands.add_parser("check", help="validate all content without printing")
    check.set_defaults(command=run_check)

    brief = commands.add_parser(
        "brief", help="build one brief: each edition's web page, PDF, record and link "
        "picture, and its press kit")
    brief.add_argument("brief_id")
    brief.add_argument("--out", required=True, help="the brief's folder, e.g. build/<brief-id>")
    brief.add_argument("--site-url", default="", help="where build/ is published, e.g. "
                       "https://briefs.example.org/ (for canonical and card addresses)")
    brief.add_argument("--pdf-variant", default=DEFAULT_VARIANT, choices=VARIANTS,
                       help=f"PDF standard to follow (default {DEFAULT_VARIANT})")
    brief.add_argument("--audience", choices=AUDIENCES, default="public",
                       help="internal: include restricted records, mark every page")
    brief.add_argument("--cache", help="the build's private folder, to keep the parsed case "
                       "book and compiled templates in (default: none)")
    brief.set_defaults(command=run_brief)

    fingerprint = commands.add_parser(
        "fingerprint", help="write the SHA-256 of files, one per line, as sha256sum does")
    fingerprint.add_argument("files", nargs="*")
    fingerprint.add_argument("--out", required=True)
    fingerprint.set_defaults(command=run_fingerprint)

    manifest = commands.add_parser("manifest", help="write build/manifest.json")
    manifest.add_argument("records", nargs="*")
    manifest.add_argument("--out", required=True, help="the manifest file to write")
    manifest.add_argument("--audience", choices=AUDIENCES, default="public")
    manifest.add_argument("--pdf-variant", default=DEFAULT_VARIANT, choices=VARIANTS)
    manifest.set_defaults(command=run_manifest)

    verify = commands.add_parser(
        "verify", help="rebuild from the sources and compare with a manifest, or check files")
    verify.add_argument("manifest", help="e.g. build/manifest.json")
    verify.add_argument("files", nargs="*", help="files to look up in the manifest instead "
                        "of rebuilding, e.g. a PDF someone received")
    verify.set_defaults(command=run_verify)

    catalogue = commands.add_parser("catalogue", help="write the catalogue of all briefs")
    catalogue.add_argument("records", nargs="*")
    catalogue.add_argument("--out", required=True)
    catalogue.set_defaults(command=run_catalogue)
    return parser


def run_new(project, args):
    from briefs.content.scaffold import new_brief

    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    for path in new_brief(project, args.kind, args.brief_id, languages):
        print(path.relative_to(project.root))
    print("Edit these files, then run: snakemake --cores all")


def run_check(project, args):
    from briefs.render.helpers import CaseHelpers
    from briefs.cases.book import load_casebook
    from briefs.render.html import section_sources
    from briefs.render.templates import environment

    env = environment(project)
    problems = []

    def collect(step):
        try:
            return step()
        except (ContentError, ContentErrors) as error:
            problems.extend(getattr(error, "errors", [error]))

    organisations = collect(lambda: load_organisations(project)) or {}
    casebook = collect(lambda: load_casebook(project))
    for brief_id in discover(project):
        brief = collect(lambda: load_brief(project, brief_id, organisations))
        for lang in brief.languages if brief else ():
            helpers = CaseHelpers(lambda: _usable(casebook), brief, lang,
                                  project.templates / "fonts")
            collect(lambda: section_sources(project, env, brief, organisations, lang, helpers))
    if problems:
        raise ContentErrors(problems)
    print(f"All content is valid: {len(discover(project))} briefs, "
          f"{len(casebook.cases)} case records.")


def _usable(casebook):
    if casebook is None:
        raise ContentErrors([])  # the case records' own errors are already listed
    return casebook


def run_brief(project, args):
    """Every edition of one brief, then its press kit; on any failure none of its files."""
    from briefs.cases.cache import casebook_path, current_casebook
    from briefs.cases.book import load_casebook
    from briefs.files import edition_files, press_kit_file
    from briefs.publish.manifest import template_sources
    from briefs.publish.press_kit import write_press_kit
    from briefs.render.templates import environment

    organisations = load_organisations(project)
    brief = load_brief(project, args.brief_id, organisations)
    env = environment(project, Path(args.cache, "templates") if args.cache else None)
    templates = template_sources(project)
    internal = args.audience == "internal"
    index = casebook_path(args.cache) if args.cache else None
    casebook = functools.cache(lambda: current_casebook(project, index, internal) if index
                               else load_casebook(project, internal))
    editions = {lang: edition_files(args.out, brief.id, lang) for lang in brief.languages}
    kit = press_kit_file(args.out, brief.id)
    try:
        for number, (lang, files) in enumerate(editions.items()):
            if number:
                gc.collect()  # what the edition before left (briefs.pdf.collections_paused)
            build_edition(project, env, brief, organisations, lang, files,
                          lambda: casebook().for_edition(), templates, args)
        write_press_kit([files["record"] for files in editions.values()], brief.date, kit)
    except BaseException:
        for path in [kit, *(path for files in editions.values() for path in files.values())]:
            Path(path).unlink(missing_ok=True)
        raise


def build_edition(project, env, brief, organisations, lang, files, casebook, templates, args):
    """One edition's print PDF, web page, link picture and record."""
    from briefs.render.helpers import CaseHelpers
    from briefs.files import write_atomically
    from briefs.publish.manifest import edition_sources
    from briefs.pdf import print_pdf
    from briefs.publish.catalogue import edition_record, write_record
    from briefs.render.html import render_edition, section_sources

    start = time.perf_counter()
    internal = args.audience == "internal"
    cases = CaseHelpers(casebook, brief, lang, project.templates / "fonts")
    sections = section_sources(project, env, brief, organisations, lang, cases)
    paged = render_edition(project, env, brief, organisations, lang, "print", cases, internal,
                           sources=sections)
    printing = time.perf_counter()
    pages, size = print_pdf(paged, files["pdf"], project=project, day=brief.date,
                            identifier=f"{brief.id}.{lang}", variant=args.pdf_variant)
    printing = time.perf_counter() - printing
    published = {"pdf_pages": pages, "pdf_kb": max(1, round(size / 1024)),
                 "site_url": args.site_url, "card_href": Path(files["card"]).name}
    web = render_edition(project, env, brief, organisations, lang, "web", cases, internal,
                         published, sections)
    write_atomically(files["card"], edition_card(project, env, brief, organisations, lang))
    write_atomically(files["html"], web)
    sources = edition_sources(project, brief.id, lang, cases, templates)
    record = edition_record(brief, organisations, lang, written=files, pages=pages,
                            pdf_bytes=size, cases=cases, sources=sources)
    write_record(record, files["record"])
    log.info("%s.%s: %d pages, %d bytes, printed in %.2f s of %.2f s", brief.id, lang, pages,
             size, printing, time.perf_counter() - start)


def run_fingerprint(project, args):
    from briefs.files import write_atomically
    from briefs.publish.manifest import sha256

    names = [os.path.relpath(path, project.root) for path in args.files]
    write_atomically(args.out, "".join(f"{sha256(path)}  {name}\n"
                                       for path, name in zip(args.files, names)))


def run_catalogue(project, args):
    from briefs.publish.catalogue import write_catalogue
    from briefs.render.templates import environment

    write_catalogue(environment(project), [Path(p) for p in args.records], args.out)


def edition_card(project, env, brief, organisations, lang):
    """The picture for shared links, labelled as the edition's pages are."""
    from briefs import i18n
    from briefs.render.card import card_png
    from briefs.render.templates import use_language

    use_language(env, lang)
    # make_module, not .module: that one is made once, in the language of the first call.
    kind = env.get_template("partials/macros.html").make_module().kind_name(brief)
    names = ", ".join(organisations[key].short_name[lang] for key in brief.organisations)
    return card_png(project.templates / "fonts", kind=str(kind), title=brief.title[lang],
                    byline=names, date=i18n.long_date(brief.date, lang))


def run_manifest(project, args):
    from briefs.publish.manifest import write_manifest

    settings = {"audience": args.audience, "pdf_variant": args.pdf_variant}
    write_manifest(Path(args.out).parent, args.records, settings, args.out)


def run_verify(project, args):
    import subprocess
    import tempfile

    from briefs.files import read_json
    from briefs.publish.manifest import changed_software, changed_sources, differing_outputs, find_output

    manifest = read_json(args.manifest, hint="name the manifest of a build, e.g. "
                         "build/manifest.json")
    if args.files:
        unknown = 0
        for path in args.files:
            entry = find_output(manifest, path) if Path(path).is_file() else None
            if entry:
                print(f"{path}: matches {entry['path']}")
            elif Path(path).is_file():
                print(f"{path}: NOT in the manifest: these are not the bytes we built")
            else:
                print(f"{path}: no such file")
            unknown += entry is None
        return 1 if unknown else 0
    for relative in changed_sources(project, manifest):
        print(f"source changed since the build: {relative}")
    for name, then, here in changed_software(manifest):
        print(f"software differs from the build's, so outputs may too: {name} {here} here, "
              f"{then} in the build")
    settings = manifest["settings"]
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "snakemake", "--cores", "all", "--quiet", "all",
                   "--snakefile", str(project.root / "Snakefile"), "--config",
                   f"out={folder}/build", f"cache={folder}/cache",
                   f"audience={settings['audience']}",
                   f"pdf_variant={settings['pdf_variant']}"]
        result = subprocess.run(command, cwd=project.root, capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout[-3000:] + result.stderr[-3000:], file=sys.stderr)
            print("error: the rebuild failed; nothing was compared", file=sys.stderr)
            return 2
        differing = differing_outputs(manifest, Path(folder) / "build")
    for path in differing:
        print(f"DIFFERS: {path}")
    total = len(manifest["outputs"])
    print(f"{total - len(differing)} of {total} outputs rebuilt byte for byte.")
    return 1 if differing else 0
