"""The command line: `briefs new`, `briefs check`, `briefs verify`, `briefs preview`, and
the steps the workflow runs (`brief`, `publish`). Argument parsing only:
each command calls the stage that does the work."""

import argparse
import logging
import sys
from pathlib import Path

from briefs.edition import AUDIENCES, PDF_VARIANTS, TRANSLATION_RULES, Settings
from briefs.errors import ContentError, ContentErrors
from briefs.project import Project

log = logging.getLogger("briefs")


def main(argv=None):
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # `briefs translations export <brief-id> --lang ru FOLDER`: words after an option
    if extra and (getattr(args, "words", None) is None or any(w.startswith("-") for w in extra)):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.words += extra
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint").addFilter(_quiet_subsetter_notice)
    log.setLevel(logging.INFO)
    project = Project(Path(args.root))
    try:
        return args.command(project, args) or 0
    except (ContentError, ContentErrors) as error:
        for problem in error.errors if isinstance(error, ContentErrors) else [error]:
            print(f"error: {problem}", file=sys.stderr)
        return 1


def _quiet_subsetter_notice(record):
    """WeasyPrint says on every font that it subsets with fontTools; that is expected here."""
    return "HarfBuzz-Subset" not in record.getMessage()


def _parser():
    parser = argparse.ArgumentParser(prog="briefs", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the project folder (default: here)")
    commands = parser.add_subparsers(required=True, metavar="command")

    new = commands.add_parser("new", help="start a new brief from a commented skeleton")
    new.add_argument("kind", help="statement, update, report or column")
    new.add_argument("brief_id", help="folder name, e.g. 2024-05-release-activists")
    new.add_argument("--languages", default="en", help="comma-separated, e.g. en,ru,kk")
    new.set_defaults(command=run_new)

    check = commands.add_parser("check", help="validate all content without printing")
    check.add_argument("--pages", action="store_true", help="also print every PDF (nothing "
                       "is written) and say where one has more pages than its kind should")
    check.add_argument("--audience", choices=AUDIENCES, default="public",
                       help="who may read the messages: public (the default) names a "
                       "restricted part of a record with a mistake, internal also quotes it")
    check.set_defaults(command=run_check)

    brief = commands.add_parser(
        "brief", help="build one brief: each edition's web page, PDF, entry and link "
        "picture, and its press kit")
    brief.add_argument("brief_id")
    brief.add_argument("--out", required=True, help="the brief's folder, e.g. build/<brief-id>")
    brief.add_argument("--site-url", default="", help="where build/ is published, e.g. "
                       "https://briefs.example.org/ (for canonical and card addresses)")
    _settings_arguments(brief)
    brief.set_defaults(command=run_brief)

    publish = commands.add_parser("publish", help="write the catalogue and the manifest of "
                                  "a build folder from its editions' entries")
    publish.add_argument("entries", nargs="*")
    publish.add_argument("--catalogue", required=True, help="e.g. build/index.html")
    publish.add_argument("--manifest", required=True, help="e.g. build/manifest.json")
    _settings_arguments(publish)
    publish.set_defaults(command=run_publish)

    release = commands.add_parser(
        "release", help="record that a brief's current editions were sent: gives them a "
        "version and document number, keeps their files in content/releases/")
    release.add_argument("brief_id")
    release.add_argument("--at", type=_moment, help="when it was sent, with its time zone, "
                         "e.g. 2023-04-25T10:00+06:00 (default: now, in this computer's "
                         "time zone)")
    release.add_argument("--site-url", default="", help="the site address the build uses, "
                         "if any (as given to snakemake --config site_url=...)")
    release.set_defaults(command=run_release)

    verify = commands.add_parser(
        "verify", help="rebuild from the sources and compare with a manifest, or check files")
    verify.add_argument("manifest", help="e.g. build/manifest.json")
    verify.add_argument("files", nargs="*", help="files to look up in the manifest instead "
                        "of rebuilding, e.g. a PDF someone received")
    verify.add_argument("--certificate", type=Path, help="the organisation's certificate "
                        "(PEM): signed PDFs and the manifest's signature must be made with it")
    verify.set_defaults(command=run_verify)

    translations = commands.add_parser(
        "translations", help="which translations follow their source text, and confirming "
        "them", description="briefs translations [brief-id ...]: the state of every "
        "translated section. briefs translations confirm <brief-id> --lang ru [--section S]: "
        "record that the translation follows the source text as it is now. briefs "
        "translations export <brief-id> --lang ru FOLDER: what needs translating, as a PO "
        "file for translators. briefs translations import FILE: that file, translated, back "
        "into the sections.")
    translations.add_argument("words", nargs="*", metavar="brief-id | confirm <brief-id> | "
                              "export <brief-id> FOLDER | import FILE")
    translations.add_argument("--lang", help="the translation to confirm, e.g. ru")
    translations.add_argument("--section", action="append", help="confirm only this section "
                              "(may be given several times); default: every section")
    translations.add_argument("--date", type=_day, help=argparse.SUPPRESS)  # tests: the day
    translations.set_defaults(command=run_translations)

    preview = commands.add_parser(
        "preview", help="see every edition's web page and PDF at http://127.0.0.1:8000/, "
        "changing as you save (nothing is written into build/)")
    preview.add_argument("--port", type=int, default=8000, help="default 8000")
    _settings_arguments(preview)
    # The preview's own jobs: one edition built into its private folder.
    preview.add_argument("--build", nargs=2, metavar=("BRIEF", "LANG"), help=argparse.SUPPRESS)
    preview.add_argument("--into", help=argparse.SUPPRESS)
    preview.set_defaults(command=run_preview)
    return parser


def _settings_arguments(parser):
    parser.add_argument("--pdf-variant", default=PDF_VARIANTS[0], choices=PDF_VARIANTS,
                        help=f"PDF standard to follow (default {PDF_VARIANTS[0]})")
    parser.add_argument("--audience", choices=AUDIENCES, default="public",
                        help="internal: include restricted records, mark every page")
    parser.add_argument("--cache", help="the build's private folder for this audience "
                        "(default: .cache/<audience> in the project)")
    parser.add_argument("--cases-key", default="", help="the case book's key as the "
                        "workflow's planning read it (the build passes it)")
    parser.add_argument("--fingerprint", default="", help="the workflow's fingerprint of "
                        "templates and code, which lists the templates' hashes")
    parser.add_argument("--translations", choices=TRANSLATION_RULES, default="notice",
                        help="strict: refuse an edition whose translation is behind its "
                        "source text (default: print it with a notice)")
    parser.add_argument("--signing-key", type=Path, help="the organisation's private key "
                        "(PEM, outside the project) that signs released PDFs; its passphrase, "
                        "if any, in the environment variable BRIEFS_SIGNING_PASSPHRASE")
    parser.add_argument("--signing-certificate", type=Path, help="that key's certificate (PEM)")
    parser.add_argument("--signed-pdfs", type=Path, help=argparse.SUPPRESS)  # verify's rebuild


def _settings(project, args):
    cache = Path(args.cache) if args.cache else project.root / ".cache" / args.audience
    return Settings(audience=args.audience, pdf_variant=args.pdf_variant,
                    site_url=_folder_address(getattr(args, "site_url", "")), cache=cache,
                    cases_key=args.cases_key, fingerprint=args.fingerprint,
                    translations=args.translations, signing_key=args.signing_key,
                    signing_certificate=args.signing_certificate,
                    signed_pdfs=args.signed_pdfs)


def _day(text):
    import datetime

    return datetime.date.fromisoformat(text)


def _moment(text):
    import datetime

    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a time such as "
                                         "2023-04-25T10:00+06:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"'{text}' has no time zone: add it, e.g. "
                                         "2023-04-25T10:00+06:00")
    return moment


def _folder_address(url):
    """A site address that ends with a slash, so that file names can follow it."""
    return url.rstrip("/") + "/" if url else ""


def run_new(project, args):
    from briefs.content.scaffold import new_brief

    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    for path in new_brief(project, args.kind, args.brief_id, languages):
        print(path.relative_to(project.root))
    print("Edit these files, then run: snakemake --cores all")


def run_check(project, args):
    from briefs.workflow.check import check

    briefs, cases, warnings = check(project, project.root / ".cache" / "public", args.pages,
                                    args.audience)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"All content is valid: {briefs} briefs, {cases} case records"
          f"{_warnings(len(warnings))}.")


def _warnings(number):
    return "" if not number else f", {number} warning{'s' if number > 1 else ''}"


def run_brief(project, args):
    from briefs.workflow.driver import build_brief

    build_brief(project, args.brief_id, args.out, _settings(project, args))


def run_publish(project, args):
    from briefs.workflow.driver import publish

    publish(project, args.entries, args.catalogue, args.manifest, _settings(project, args))


def run_translations(project, args):
    from briefs.content import translation_files, translations

    action, *rest = args.words or [""]
    usage = {"confirm": (1, "confirm <brief-id> --lang <language> [--section <section>]"),
             "export": (2, "export <brief-id> --lang <language> <folder>"),
             "import": (1, "import <file.po>")}
    if action in usage:
        count, words = usage[action]
        if len(rest) != count or (action != "import" and not args.lang):
            print(f"usage: briefs translations {words}", file=sys.stderr)
            return 2
    if action == "confirm":
        return translations.confirm_and_write(project, rest[0], args.lang, args.section,
                                              args.date)
    if action == "export":
        path, units = translation_files.export(project, rest[0], args.lang, Path(rest[1]))
        print(f"{path}: {units} unit{'s' if units != 1 else ''} to translate"
              if units else f"{path}: nothing to translate: every section is up to date")
        return 0
    if action == "import":
        for stem, written in translation_files.import_file(project, Path(rest[0])):
            print(f"{stem}: written and confirmed" if written
                  else f"{stem}: not yet translated (units empty or still fuzzy): unchanged")
        return 0
    for line in translations.report_all(project, args.words):
        print(line)
    return 0


def run_preview(project, args):
    args.cache = args.cache or str(project.root / ".cache" / "preview" / args.audience)
    if args.build:
        from briefs.preview.job import build_one

        return build_one(project, *args.build, args.into, _settings(project, args))
    from briefs.preview.run import preview

    return preview(project, args.port, _settings(project, args))


def run_release(project, args):
    from briefs.workflow.release import release

    made = release(project, args.brief_id, args.at, _folder_address(args.site_url))
    number = f" as {made.number}" if made.number else ""
    print(f"{args.brief_id}: version {made.version} released{number} at "
          f"{made.released_at.isoformat()}; its files are in content/releases/"
          f"{args.brief_id}/v{made.version}/. Commit them with content/briefs/"
          f"{args.brief_id}/releases.yaml, then build (snakemake --cores all).")


def run_verify(project, args):
    from briefs.publish.verify import verify

    return verify(project, args.manifest, args.files, args.certificate)
