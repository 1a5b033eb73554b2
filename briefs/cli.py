"""The command line: `briefs new`, `briefs check`, and the steps the workflow runs."""

import argparse
import logging
import sys
from pathlib import Path

from .content import Project, discover, load_brief, load_organisations
from .errors import ContentError, ContentErrors

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

    edition = commands.add_parser("edition", help="render one edition to HTML and PDF")
    edition.add_argument("brief_id")
    edition.add_argument("lang")
    edition.add_argument("--html", required=True)
    edition.add_argument("--pdf", required=True)
    edition.add_argument("--record", required=True)
    edition.add_argument("--card", help="the picture for shared links (default: beside the "
                         "web page, <brief>.<lang>.card.png)")
    edition.add_argument("--site-url", default="", help="where build/ is published, e.g. "
                         "https://briefs.example.org/ (for canonical and card addresses)")
    edition.add_argument("--pdf-variant", default=DEFAULT_VARIANT, choices=VARIANTS,
                         help=f"PDF standard to follow (default {DEFAULT_VARIANT})")
    edition.add_argument("--audience", choices=AUDIENCES, default="public",
                         help="internal: include restricted records, mark every page")
    edition.set_defaults(command=run_edition)

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

    kit = commands.add_parser("press-kit", help="pack one brief's editions into a zip")
    kit.add_argument("records", nargs="+", help="the brief's edition records (.json)")
    kit.add_argument("--out", required=True)
    kit.set_defaults(command=run_press_kit)

    catalogue = commands.add_parser("catalogue", help="write the catalogue of all briefs")
    catalogue.add_argument("records", nargs="*")
    catalogue.add_argument("--out", required=True)
    catalogue.set_defaults(command=run_catalogue)
    return parser


def run_new(project, args):
    from .scaffold import new_brief

    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    for path in new_brief(project, args.kind, args.brief_id, languages):
        print(path.relative_to(project.root))
    print("Edit these files, then run: snakemake --cores all")


def run_check(project, args):
    from .case_helpers import CaseHelpers
    from .cases import load_casebook
    from .render import section_sources
    from .templating import environment

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


def run_edition(project, args):
    from .case_helpers import CaseHelpers
    from .cases import load_casebook
    from .pdf import print_pdf
    from .publish import edition_record, write_record
    from .render import render_edition
    from .templating import environment
    from .files import write_atomically
    from .manifest import edition_sources

    organisations = load_organisations(project)
    brief = load_brief(project, args.brief_id, organisations)
    if args.lang not in brief.languages:
        raise ContentError(project.brief_dir(brief.id) / "brief.yaml",
                           f"'{args.lang}' is not one of this brief's languages",
                           field="languages")
    env = environment(project)
    internal = args.audience == "internal"
    cases = CaseHelpers(lambda: load_casebook(project, internal), brief, args.lang,
                        project.templates / "fonts")
    paged = render_edition(project, env, brief, organisations, args.lang, "print", cases,
                           internal)
    pages, size = print_pdf(paged, args.pdf, project=project, day=brief.date,
                            identifier=f"{brief.id}.{args.lang}", variant=args.pdf_variant)
    card = args.card or args.html.removesuffix(".html") + ".card.png"
    published = {"pdf_pages": pages, "pdf_kb": max(1, round(size / 1024)),
                 "site_url": args.site_url, "card_href": Path(card).name}
    web = render_edition(project, env, brief, organisations, args.lang, "web", cases, internal,
                         published)
    write_atomically(card, edition_card(project, env, brief, organisations, args.lang))
    write_atomically(args.html, web)
    sources = edition_sources(project, brief.id, args.lang, cases)
    record = edition_record(brief, organisations, args.lang, pages=pages, pdf_bytes=size,
                            cases=cases, sources=sources)
    write_record(record, args.record)
    log.info("%s.%s: %d pages, %d bytes", brief.id, args.lang, pages, size)


def run_catalogue(project, args):
    from .publish import write_catalogue
    from .templating import environment

    write_catalogue(environment(project), [Path(p) for p in args.records], args.out)


def edition_card(project, env, brief, organisations, lang):
    """The picture for shared links, labelled as the edition's pages are."""
    from . import i18n
    from .card import card_png
    from .templating import use_language

    use_language(env, lang)
    kind = env.get_template("partials/macros.html").module.kind_name(brief)
    names = ", ".join(organisations[key].short_name[lang] for key in brief.organisations)
    return card_png(project.templates / "fonts", kind=str(kind), title=brief.title[lang],
                    byline=names, date=i18n.long_date(brief.date, lang))


def run_manifest(project, args):
    from .manifest import write_manifest

    settings = {"audience": args.audience, "pdf_variant": args.pdf_variant}
    write_manifest(Path(args.out).parent, args.records, settings, args.out)


def run_verify(project, args):
    import json
    import subprocess
    import tempfile

    from .manifest import changed_sources, differing_outputs, find_output

    manifest = json.loads(Path(args.manifest).read_text(encoding="utf-8"))
    if args.files:
        unknown = 0
        for path in args.files:
            entry = find_output(manifest, path)
            print(f"{path}: " + (f"matches {entry['path']}" if entry
                                 else "NOT in the manifest: these are not the bytes we built"))
            unknown += entry is None
        return 1 if unknown else 0
    for relative in changed_sources(project, manifest):
        print(f"source changed since the build: {relative}")
    settings = manifest["settings"]
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "snakemake", "--cores", "all", "--quiet", "all",
                   "--snakefile", str(project.root / "Snakefile"), "--config",
                   f"out={folder}/build", f"audience={settings['audience']}",
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


def run_press_kit(project, args):
    import datetime
    import json

    from .press_kit import write_press_kit

    first = json.loads(Path(args.records[0]).read_text(encoding="utf-8"))
    write_press_kit(args.records, datetime.date.fromisoformat(first["date"]), args.out)
