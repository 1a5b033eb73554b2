"""The command line: `briefs new`, `briefs check`, `briefs verify`, `briefs preview`,
`briefs translations`, and by hand the steps the workflow's jobs run (`brief`, `publish`).
Argument parsing only: each command calls the stage that does the work."""

import argparse
import sys
from pathlib import Path

from briefs.errors import ContentError, ContentErrors, problems_of
from briefs.project import Project
from briefs.settings import (AUDIENCES, PREVIEW_OPTIONS, Settings, SettingsError,
                             add_arguments)
from briefs.workflow.requests import setup_logging


def main(argv=None):
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # `briefs translations export <brief-id> --lang ru FOLDER`: words after an option
    if extra and (getattr(args, "words", None) is None or any(w.startswith("-") for w in extra)):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.words += extra
    setup_logging()
    project = Project(Path(args.root))
    try:
        return args.command(project, args) or 0
    except (ContentError, ContentErrors) as error:
        for problem in problems_of(error):
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except SettingsError as error:
        parser.error(str(error))


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
    brief.add_argument("--out", dest="folder", required=True,
                       help="the brief's folder, e.g. build/<brief-id>")
    _settings_arguments(brief)
    brief.set_defaults(command=run_brief)

    publish = commands.add_parser("publish", help="write the catalogue, its feeds and the "
                                  "manifest of a build folder from its editions' entries")
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

    send = commands.add_parser(
        "send", help="send a brief's current released version to a list of recipients "
        "(distribution/recipients.yaml), or its correction to those who received it")
    send.add_argument("brief_id")
    chosen = send.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--list", dest="list_name", help="the list to send it to")
    chosen.add_argument("--corrections", action="store_true", help="send the corrected "
                        "version to everyone who was sent an earlier one, and nobody else")
    where = send.add_mutually_exclusive_group()
    where.add_argument("--outbox", type=Path, help="write .eml files into this folder")
    where.add_argument("--smtp", type=_server, help="HOST:PORT, instead of "
                       "distribution/settings.yaml's server")
    send.add_argument("--force", action="store_true", help="send it again to those who "
                      "were sent this version")
    send.add_argument("--now", type=_moment, help="the time to judge the embargo by, e.g. "
                      "2024-01-29T09:05+06:00; without it, the time of sending, by this "
                      "computer's clock: unlike a build, which never reads the clock, a send "
                      "happens at a real time, and its messages say the embargo that holds "
                      "when they leave")
    send.set_defaults(command=run_send)

    sent = commands.add_parser("sent", help="who was sent which version of a brief, and when")
    sent.add_argument("brief_id")
    sent.set_defaults(command=run_sent)

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
    add_arguments(preview, PREVIEW_OPTIONS)
    preview.set_defaults(command=run_preview)
    return parser


def _settings_arguments(parser):
    """The settings of a job run by hand; its files' places are the command's own."""
    add_arguments(parser, {"audience", "pdf_variant", "site_url", "translations", "now",
                           "cache", "signing_key", "signing_certificate", "signed_pdfs"})
    parser.add_argument("--cases-key", default="", help="the case book's key as the "
                        "workflow's planning read it (the build passes it)")
    parser.add_argument("--fingerprint", default="", help="the workflow's fingerprint of "
                        "templates and code, which lists the templates' hashes")


def _settings(project, args):
    return Settings.from_arguments(args, project.root, cases_key=args.cases_key,
                                   fingerprint=args.fingerprint)


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


def _server(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not HOST:PORT, e.g. "
                                         "smtp.example.org:587")
    return text


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

    briefs, cases, warnings = check(project, project.root / ".cache", args.pages,
                                    args.audience)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"All content is valid: {briefs} briefs, {cases} case records"
          f"{_warnings(len(warnings))}.")


def _warnings(number):
    return "" if not number else f", {number} warning{'s' if number > 1 else ''}"


def run_brief(project, args):
    from briefs.workflow.driver import build_brief

    build_brief(project, args.brief_id, args.folder, _settings(project, args))


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
    from briefs.preview.run import preview

    folder = project.root / ".cache" / "preview" / (args.audience or "public")
    return preview(project, args.port, Settings.from_arguments(args, project.root, cache=folder))


def run_release(project, args):
    from briefs.workflow.release import release

    made = release(project, args.brief_id, args.at, _folder_address(args.site_url))
    number = f" as {made.number}" if made.number else ""
    print(f"{args.brief_id}: version {made.version} released{number} at "
          f"{made.released_at.isoformat()}; its files are in content/releases/"
          f"{args.brief_id}/v{made.version}/. Commit them with content/briefs/"
          f"{args.brief_id}/releases.yaml, then build (snakemake --cores all).")


def run_send(project, args):
    from briefs.distribution.send import send

    return send(project, args.brief_id, list_name=args.list_name, outbox=args.outbox,
                smtp=args.smtp, force=args.force, corrections=args.corrections, now=args.now)


def run_sent(project, args):
    from briefs.distribution.send import sent_report

    sent_report(project, args.brief_id)


def run_verify(project, args):
    from briefs.publish.verify import verify

    return verify(project, args.manifest, args.files, args.certificate)
