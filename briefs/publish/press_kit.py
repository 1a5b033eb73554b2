"""A brief's press kit: every edition's PDF, web page, plain text (for pasting into an
e-mail) and link picture, notes to editors in each language, the data package of the
people it counts or lists, the publishers' logos, and the manifest entries of those files,
in one reproducible zip."""

import csv
import datetime
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

from inscriptis import get_text
from inscriptis.model.config import ParserConfig

from briefs import i18n
from briefs.cases.queries import HELD
from briefs.content.pictures import picture
from briefs.files import data_package_file, write_whole
from briefs.kinds import label
from briefs.render.html import embargo_notice
from briefs.render.pictures import clean_picture
from briefs.render.wording import text_in

WEB_ONLY = re.compile(r'<a class="skip-link".*?</a>|<nav class="web-bar".*?</nav>', re.S)
EXTENSIONS = {"svg": "svg", "png": "png", "jpeg": "jpg"}


def plain_text(html):
    """The text of a web edition as a reader would paste it: no menus, no markup."""
    body = html[html.index("<body"):]
    text = get_text(WEB_ONLY.sub("", body), ParserConfig(display_links=False))
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def kit_files(built):
    """(name in the zip, bytes) of every file of the kit of a brief's editions (built), in
    a fixed order."""
    files, notes = [], []
    for edition in sorted(built, key=lambda edition: edition.lang):
        record = json.loads(Path(edition.files["entry"]).read_text(encoding="utf-8"))
        html = Path(edition.files["html"]).read_bytes()
        files += [(Path(edition.files["pdf"]).name, Path(edition.files["pdf"]).read_bytes()),
                  (Path(edition.files["html"]).name, html),
                  (f"{edition.brief.id}.{edition.lang}.txt",
                   plain_text(html.decode("utf-8")).encode("utf-8")),
                  (Path(edition.files["card"]).name, Path(edition.files["card"]).read_bytes())]
        notes.append((f"notes-to-editors.{edition.lang}.txt",
                      notes_to_editors(edition, record).encode("utf-8")))
    folder = Path(built[0].files["pdf"]).parent
    tables = [Path(data_package_file(folder, built[0].brief.id)),
              *sorted(Path(edition.files["data"]) for edition in built)]
    files += notes + [(path.relative_to(folder).as_posix(), path.read_bytes())
                      for path in tables]
    files += logos(built[0])
    entries = [{"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
               for name, data in files]
    manifest = json.dumps({"files": entries}, indent=1, sort_keys=True) + "\n"
    return files + [("manifest.json", manifest.encode("utf-8"))]


def logos(edition):
    """(logos/<organisation>.<extension>, clean bytes) of the brief's organisations' logos,
    as the pages show them: without metadata, scripts or outside references."""
    project, found = edition.project, []
    for key in edition.brief.organisations:
        logo = edition.organisations[key].logo
        if logo:
            image = picture(project, project.content, logo, project.content / logo)
            found.append((f"logos/{key}.{EXTENSIONS[image.kind]}", clean_picture(image)))
    return found


def notes_to_editors(edition, record):
    """What a journalist needs first, in the edition's language: the brief, its key facts,
    whom to call and what the kit holds."""
    _, lang = i18n.translations(edition.lang).gettext, edition.lang
    with open(edition.files["data"], encoding="utf-8", newline="") as table:
        people = list(csv.DictReader(table))
    title = _("Notes to editors")
    embargo = embargo_notice(edition)
    lines = [title, "=" * len(title), "", *([embargo.upper(), ""] if embargo else []),
             record["title"],
             f"{_(label(edition.brief))}, {record['display_date']}, "
             f"{', '.join(record['organisations'])}", ""]
    if record["summary"]:
        lines += [record["summary"], ""]
    lines += [_("Key facts"), ""] + [f"- {fact}" for fact in key_facts(edition, record, people)]
    lines += ["", _("Press contacts"), ""]
    for organisation in edition.publishers:
        lines += contact_lines(organisation, lang) + [""]
    lines += [_("In this kit"), "",
              "- " + _("The brief as PDF, web page and plain text: %(files)s")
              % {"files": f"{edition.brief.id}.{lang}.pdf, .html, .txt"},
              "- " + _("Pictures for shared links: %(files)s")
              % {"files": Path(edition.files["card"]).name}]
    if people:
        lines.append("- " + _("Data on the people the brief counts or lists: %(files)s")
                     % {"files": f"data/{Path(edition.files['data']).name}, "
                        "data/datapackage.json"})
    if any(edition.organisations[key].logo for key in edition.brief.organisations):
        lines.append("- " + _("Logos: %(files)s") % {"files": "logos/"})
    return "\n".join(lines) + "\n"


def key_facts(edition, record, people):
    """The facts a journalist looks for first: the brief's own (key_facts in brief.yaml),
    then the date, the length and, where the edition counts or lists people (the rows of
    its table), how many and how many of them were held on the date of its facts."""
    _ = i18n.translations(edition.lang).gettext
    own = (edition.brief.key_facts or {}).get(edition.lang, [])
    facts = [*own, _("Published: %(date)s") % {"date": record["display_date"]},
             _("Pages: %(pages)s") % {"pages": record["pages"]}]
    if people:
        held = sum(person["status"] in HELD for person in people)
        day = i18n.long_date(edition.day, edition.lang, edition.date_style)
        facts.append(_("People the brief counts or lists: %(count)s; held on %(date)s: "
                       "%(held)s") % {"count": len(people), "date": day, "held": held})
    return facts


def contact_lines(organisation, lang):
    """Whom to call at an organisation, in a language: its name, its press officer, its
    contact line, telephone and website."""
    lines = [text_in(organisation.name, lang)]
    press = organisation.press
    if press:
        lines.append(", ".join(filter(None, [text_in(press.name, lang), press.telephone,
                                             press.email])))
    if organisation.contact:
        lines.append(text_in(organisation.contact, lang))
    lines += filter(None, [organisation.telephone, organisation.website])
    return lines


def write_press_kit(built, target, scratch):
    """The zip of a brief's editions (built), dated with the brief's date so that the same
    sources give the same bytes."""
    buffer = io.BytesIO()
    day = built[0].brief.date
    stamp = datetime.datetime.combine(day, datetime.time(12)).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in kit_files(built):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    write_whole(target, buffer.getvalue(), scratch)
