"""Which source text each translation follows, so that a translation cannot fall behind
without a word.

A brief's source language is its `source_language`, else the first of its `languages`
(Brief.source).
When a translation is confirmed (`briefs translations confirm`), the tool writes into the
brief's folder, in `translations.json`, each block of the source section as it was then
(its kind, its text and the SHA-256 of both). A translated section is then:

- up to date: the source section's blocks are those it recorded;
- outdated: some blocks changed, were added or removed since (each is named, with its old
  and new text);
- unconfirmed: nothing was recorded yet (no notice: there is nothing to compare with);
- missing: its file is not there; untranslated: brief.yaml says the edition shows the
  source text (`untranslated:`).

A block is a heading, a paragraph, a list item, a table or a note, as an editor sees them
in the file; template calls and their arguments are text of their block, while the case
data they bring to the page is not (it is the same in every language).
"""

import datetime
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field

from briefs.content.inputs import discover
from briefs.content.load import load_brief, load_organisations
from briefs.errors import ContentError
from briefs.i18n import english_name
from briefs.files import write_whole

RECORD = "translations.json"
HEADING = re.compile(r"#{1,6}\s")
LIST_ITEM = re.compile(r"\s{0,3}([-*+]|\d{1,9}[.)])\s")
NOTE = re.compile(r"\[\^[^\]]+\]:")
UP_TO_DATE, OUTDATED, UNCONFIRMED, MISSING, UNTRANSLATED = (
    "up to date", "outdated", "unconfirmed", "missing", "untranslated")


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph, list item, table, note
    text: str  # its lines joined by single spaces

    @property
    def digest(self):
        return hashlib.sha256(f"{self.kind}\0{self.text}".encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    """Blocks of the source that differ from those a translation was confirmed against."""

    old: tuple  # Blocks as confirmed
    new: tuple  # Blocks as the source is now
    line: int  # where the new blocks start in the source file (1-based), or its end
    old_at: int  # the index of the first old block among those confirmed
    new_at: int  # the index of the first new block among the source's blocks now


@dataclass(frozen=True)
class SectionStatus:
    stem: str
    lang: str
    state: str
    path: str  # the translated file (the source file where untranslated)
    source_path: str
    confirmed: datetime.date | None = None
    changes: tuple = field(default=())
    confirmed_blocks: int = 0  # how many source blocks the confirmation recorded


def blocks(text):
    """The Blocks of a section's Markdown, in order, with the line each starts on."""
    return [(block, start) for block, start, _ in block_spans(text)]


def block_spans(text):
    """(Block, first line, last line) of each block of a section's Markdown, in order."""
    found, kind, lines, start = [], None, [], 0

    def close():
        if kind:
            found.append((Block(kind, " ".join(lines)), start, start + len(lines) - 1))

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = " ".join(line.split())
        if not stripped:
            close()
            kind, lines = None, []
            continue
        new = _starts_block(line, kind)
        if new:
            close()
            kind, lines, start = new, [stripped], number
            if new == "heading":
                close()
                kind, lines = None, []
        else:
            lines.append(stripped)
    close()
    return found


def _starts_block(line, current):
    """The kind of block a line starts, or None if it continues the current one."""
    if HEADING.match(line):
        return "heading"
    if NOTE.match(line):
        return "note"
    if LIST_ITEM.match(line):
        return "list item"
    if line.lstrip().startswith("|"):
        return None if current == "table" else "table"
    return "paragraph" if current is None else None


def record_path(project, brief_id):
    return project.brief_dir(brief_id) / RECORD


def read_record(project, brief_id):
    """What was confirmed for a brief: {lang: {stem: {"confirmed", "source", "blocks"}}}."""
    path = record_path(project, brief_id)
    if not project.exists(path):
        return {}
    try:
        record = json.loads(project.read_text(path, "record"))
        for sections in record.values():
            for confirmed in sections.values():
                datetime.date.fromisoformat(confirmed["confirmed"])
                if not all(isinstance(text, str) for block in confirmed["blocks"]
                           for text in block[:2]):
                    raise ValueError
        return record
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        raise ContentError(path, "this is not the record of confirmed translations that "
                           "'briefs translations confirm' writes", hint="restore it from your "
                           "version history, or delete it and confirm each translation "
                           "again") from None


def statuses(project, brief, languages=None):
    """A SectionStatus for every section of every translated edition of a brief (languages:
    only those), in the brief's order."""
    source = brief.source
    record = read_record(project, brief.id)
    found = []
    for lang in languages or brief.languages:
        if lang == source:
            continue
        for ref in brief.sections:
            found.append(_section_status(project, brief, ref, lang, source,
                                         record.get(lang, {}).get(ref.stem)))
    return found


def _section_status(project, brief, ref, lang, source, confirmed):
    source_path = project.section_path(brief.id, ref, source)
    path = project.section_path(brief.id, ref, lang)
    shown = project.relative(path).as_posix()
    source_shown = project.relative(source_path).as_posix()
    if lang in ref.untranslated:
        return SectionStatus(ref.stem, lang, UNTRANSLATED, source_shown, source_shown)
    if not project.exists(path):
        return SectionStatus(ref.stem, lang, MISSING, shown, source_shown)
    if not confirmed:
        return SectionStatus(ref.stem, lang, UNCONFIRMED, shown, source_shown)
    day = datetime.date.fromisoformat(confirmed["confirmed"])
    now = blocks(project.read_text(source_path, "section"))
    old = [Block(kind, text) for kind, text, *_ in confirmed["blocks"]]
    changes = _changes(old, now)
    return SectionStatus(ref.stem, lang, OUTDATED if changes else UP_TO_DATE, shown,
                         source_shown, day, tuple(changes), len(old))


def _changes(old, now):
    """The Changes between the blocks confirmed and the source's blocks now."""
    new = [block for block, _ in now]
    matcher = difflib.SequenceMatcher(a=[b.digest for b in old], b=[b.digest for b in new],
                                      autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            line = now[j1][1] if j1 < len(now) else (now[-1][1] if now else 1)
            changes.append(Change(tuple(old[i1:i2]), tuple(new[j1:j2]), line, i1, j1))
    return changes


def confirm(project, brief, lang, stems=None, day=None):
    """Record the source blocks that the translation into lang now follows (every section,
    or stems); return the stems confirmed. day: the confirmation's date (today)."""
    source = brief.source
    if lang == source or lang not in brief.languages:
        others = ", ".join(language for language in brief.languages if language != source)
        raise ContentError(project.brief_dir(brief.id) / "brief.yaml",
                           f"'{lang}' is not a translation of this brief",
                           hint=f"name one of its translations: {others or 'it has none'}")
    known = {ref.stem: ref for ref in brief.sections}
    for stem in stems or []:
        if stem not in known:
            raise ContentError(project.brief_dir(brief.id) / "brief.yaml",
                               f"the brief has no section '{stem}'",
                               hint="name one of: " + ", ".join(known))
    record = read_record(project, brief.id)
    done = []
    for stem, ref in known.items():
        if stems and stem not in stems or lang in ref.untranslated:
            continue
        text = project.read_text(project.section_path(brief.id, ref, source), "section")
        record.setdefault(lang, {})[stem] = {
            "confirmed": (day or datetime.date.today()).isoformat(), "source": source,
            "blocks": [[block.kind, block.text, block.digest] for block, _ in blocks(text)]}
        done.append(stem)
    return record, done


def record_text(record):
    """The record as the tool writes it: sorted, one block a line, for readable diffs."""
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def words_changed(old, new):
    """Old and new text with the words that differ marked [-like this-] and {+this+}."""
    a, b = old.split(), new.split()
    shown_old, shown_new = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            shown_old += a[i1:i2]
            shown_new += b[j1:j2]
            continue
        if i2 > i1:
            shown_old.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            shown_new.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(shown_old), " ".join(shown_new)


def edition_notice(project, brief, lang):
    """(source language, date followed) if the edition in lang is made from an outdated
    translation, else None: the date of the oldest confirmation among its outdated
    sections."""
    outdated = [status for status in statuses(project, brief, [lang])
                if status.state == OUTDATED]
    if not outdated:
        return None
    return brief.source, min(status.confirmed for status in outdated)


def report(project, brief, details=True):
    """Lines saying the state of each translated section of a brief; with details, each
    change of an outdated one, old and new source side by side, the words that differ
    marked."""
    lines, source = [], english_name(brief.source)
    for status in statuses(project, brief):
        where = f"{brief.id} {status.lang} {status.stem}"
        if status.state == OUTDATED:
            lines.append(f"{where}: outdated: the {source} text changed in "
                         f"{len(status.changes)} place(s) since it was confirmed on "
                         f"{status.confirmed.isoformat()} ({status.source_path})")
            lines += [f"  {line}" for change in status.changes if details
                      for line in change_lines(change)]
        elif status.state == UP_TO_DATE:
            lines.append(f"{where}: up to date (confirmed on {status.confirmed.isoformat()})")
        elif status.state == UNCONFIRMED:
            lines.append(f"{where}: unconfirmed: no record of the {source} text it follows "
                         "(briefs translations confirm)")
        elif status.state == MISSING:
            lines.append(f"{where}: missing: {status.path} is not there")
        else:
            lines.append(f"{where}: untranslated: shows the {source} text "
                         f"({status.source_path})")
    return lines


def change_lines(change):
    """A change of the source, as the editor reads it: where, what it was, what it is."""
    old = " ".join(block.text for block in change.old)
    new = " ".join(block.text for block in change.new)
    kinds = ", ".join(dict.fromkeys(block.kind for block in change.new + change.old))
    shown_old, shown_new = words_changed(old, new)
    return [f"line {change.line} ({kinds}):", f"  was: {shown_old or '(nothing)'}",
            f"  now: {shown_new or '(removed)'}"]


def outdated_blocks(project, brief, lang, refused=False):
    """A ContentError for every block of the source that changed since the translation
    into lang was confirmed: what `briefs check` warns of, and a strict build refuses
    (refused: saying so)."""
    found, source = [], english_name(brief.source)
    said = "the translation is behind its source (translations=strict): " if refused else ""
    for status in statuses(project, brief, [lang]):
        for change in status.changes:
            old, new = change_lines(change)[1:]
            found.append(ContentError(
                project.root / status.path,
                f"{said}its {source} text changed since the translation was confirmed on "
                f"{status.confirmed.isoformat()}, at line {change.line} of "
                f"{status.source_path}\n  {old.strip()}\n  {new.strip()}",
                hint=f"update the translation, then run: briefs translations confirm "
                f"{brief.id} --lang {lang} --section {status.stem}"))
    return found


def report_all(project, brief_ids=()):
    """report() for the briefs named, or every brief of the project."""
    organisations = load_organisations(project)
    lines = []
    for brief_id in brief_ids or discover(project):
        brief = load_brief(project, brief_id, organisations)
        lines += report(project, brief) or [f"{brief_id}: no translation"]
    return lines


def confirm_and_write(project, brief_id, lang, stems=None, day=None):
    """`briefs translations confirm`: record and say what was confirmed."""
    brief = load_brief(project, brief_id, load_organisations(project))
    record, done = confirm(project, brief, lang, stems, day)
    path = record_path(project, brief_id)
    write_whole(path, record_text(record), project.root / ".cache" / "scratch")
    for stem in done:
        print(f"confirmed: {brief_id} {lang} {stem} follows the "
              f"{english_name(brief.source)} text as it is now "
              f"({project.relative(path).as_posix()})")
    return 0
