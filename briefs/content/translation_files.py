"""Files for translators: the blocks of a brief that need translating, exported as a PO file
(the gettext format every translation tool reads) and imported back into the sections.

Each unit is one block of the source text; its context names the section and the block.
Its previous translation, where there is one, is given as a fuzzy target, and the source
that translation followed as the previous source (`#| msgid`), so that a tool shows what
changed. Template calls, footnote references, link addresses, raw HTML, attribute lists
and Markdown markup are replaced by numbered placeholders ({1}, {2}, ...), listed in the
unit's notes: a translator moves them but cannot break them. An import puts them back,
refuses the whole file if one unit's placeholders or block do not survive, rewrites only
the blocks it translates (the rest of each file keeps its author's layout) and confirms
the sections it completed.
"""

import re
from dataclasses import dataclass

from translate.storage import pypo

from briefs.content import translations
from briefs.content.load import load_brief, load_organisations
from briefs.errors import ContentError, ContentErrors
from briefs.files import write_whole

PROTECTED = re.compile("|".join([
    r"\{\{.*?\}\}", r"\{%.*?%\}", r"\{:[^}]*\}",  # template parts, attribute lists
    r"\[\^[^\]\s]+\]:?",  # footnote references, and the start of a note
    r"!?\[(?=[^\]]*\]\()", r"\]\([^)]*\)",  # a link's or picture's brackets and address
    r"`[^`]*`", r"<[^>]+>",  # code, raw HTML
    r"^#{1,6} ", r"^(?:[-*+]|\d{1,9}[.)]) ",  # a heading's or a list item's mark
    r"\*+|_{2,}", r"\s*\|\s*", r":?-{3,}:?",  # emphasis, a table's cells and rule
]))
PLACEHOLDER = re.compile(r"\{(\d+)\}")
BRIEF, LANGUAGE = "X-Briefs-Brief", "X-Briefs-Language"


@dataclass(frozen=True)
class Part:
    """Blocks of a translated section to write anew: the source blocks now (from index
    `at`), and what they replace in the translation (its blocks `first` to `last`, by
    index; none where the file is missing), with the texts they had."""

    stem: str
    at: int
    source: tuple  # Blocks
    first: int | None
    last: int | None
    previous: tuple  # the translation's texts of the blocks replaced, paired when aligned
    previous_source: tuple  # the source texts they followed


def protect(text):
    """(text with placeholders, [what each placeholder stands for])."""
    kept = []

    def keep(match):
        kept.append(match.group())
        return "{%d}" % len(kept)

    return PROTECTED.sub(keep, text), kept


def restore(translated, kept):
    """The translation with its placeholders put back; ValueError saying what is wrong if
    one is missing, repeated or unknown, or if it is no longer one block of text."""
    found = [int(number) for number in PLACEHOLDER.findall(translated)]
    wanted = list(range(1, len(kept) + 1))
    if sorted(found) != wanted:
        missing = sorted(set(wanted) - set(found))
        wrong = sorted(set(found) - set(wanted) | {n for n in found if found.count(n) > 1})
        raise ValueError(f"its placeholders do not match its source (missing: "
                         f"{_numbers(missing)}; unknown or repeated: {_numbers(wrong)})")
    if not translated.strip() or re.search(r"\n\s*\n", translated):
        raise ValueError("it is empty, or has become several paragraphs")
    return PLACEHOLDER.sub(lambda match: kept[int(match.group(1)) - 1],
                           " ".join(translated.split()))


def _numbers(numbers):
    return ", ".join("{%d}" % n for n in numbers) or "none"


def parts(project, brief, lang):
    """The Parts of an edition to translate: the changed blocks of its outdated sections,
    every block of its unconfirmed and missing ones. ContentError where a translation's
    blocks cannot be paired with those of the source it follows."""
    found = []
    for status in translations.statuses(project, brief, [lang]):
        now = _texts(project, status.source_path)
        if status.state == translations.MISSING:
            found.append(Part(status.stem, 0, tuple(now), None, None, (), ()))
        elif status.state == translations.UNCONFIRMED:
            translated = _paired(project, status, len(now), "the source has")
            found += [Part(status.stem, k, (block,), k, k, (translated[k],), ())
                      for k, block in enumerate(now)]
        elif status.state == translations.OUTDATED:
            translated = _paired(project, status, status.confirmed_blocks,
                                 "the source it follows had")
            found += [_changed_part(status.stem, change, translated)
                      for change in status.changes]
    return found


def _changed_part(stem, change, translated):
    old = range(change.old_at, change.old_at + len(change.old))
    return Part(stem, change.new_at, change.new, change.old_at, change.old_at + len(old) - 1,
                tuple(translated[k] for k in old), tuple(block.text for block in change.old))


def _texts(project, relative):
    return [block for block, _, _ in translations.block_spans(
        project.read_text(project.root / relative, "section"))]


def _paired(project, status, count, what):
    """The translation's block texts, which must be as many as the source's."""
    translated = [block.text for block in _texts(project, status.path)]
    if len(translated) != count:
        raise ContentError(project.root / status.path, f"the translation has "
                           f"{len(translated)} blocks where {what} {count}: its paragraphs "
                           "cannot be paired with the source's", hint="make it follow the "
                           "source paragraph for paragraph, then export again")
    return translated


def export(project, brief_id, lang, folder):
    """Write <folder>/<brief-id>.<lang>.po with every unit to translate; return its path
    and how many units it holds."""
    brief = load_brief(project, brief_id, load_organisations(project))
    if lang == brief.source or lang not in brief.languages:
        raise ContentError(project.brief_dir(brief_id) / "brief.yaml",
                           f"'{lang}' is not a translation of this brief",
                           hint="name one of its languages other than " + brief.source)
    store = pypo.pofile()
    store.updateheader(add=True, Project_Id_Version=brief_id, Language=lang,
                       **{BRIEF.replace("-", "_"): brief_id, LANGUAGE.replace("-", "_"): lang})
    count = 0
    for part in parts(project, brief, lang):
        pairs = len(part.previous) == len(part.source)
        for k, block in enumerate(part.source):
            text, kept = protect(block.text)
            unit = store.addsourceunit(text)
            unit.setcontext(f"{part.stem}#{part.at + k}")
            unit.addnote(f"{block.kind} of {part.stem}", origin="developer")
            for number, original in enumerate(kept, start=1):
                unit.addnote(f"{{{number}}} = {original.strip()}", origin="developer")
            if pairs and part.previous[k]:
                unit.target = protect(part.previous[k])[0]
                unit.markfuzzy(True)
            if k < len(part.previous_source):
                unit.prev_source = protect(part.previous_source[k])[0]
            count += 1
    path = folder / f"{brief_id}.{lang}.po"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(store))
    return path, count


def import_file(project, path):
    """Write the translations of a PO file that `export` made into their sections, and
    confirm each section it completed; return [(stem, written)]. Nothing is written if any
    unit is wrong."""
    store = pypo.pofile.parsefile(str(path))
    header = store.parseheader()
    brief_id, lang = header.get(BRIEF), header.get(LANGUAGE)
    if not brief_id or not lang:
        raise ContentError(path, "this is not a file that 'briefs translations export' "
                           "wrote (it names no brief or language)",
                           hint="import the file the export wrote, once translated")
    brief = load_brief(project, brief_id, load_organisations(project))
    given = {unit.getcontext(): unit for unit in store.units if not unit.isheader()}
    sections, errors = {}, []
    for part in parts(project, brief, lang):
        texts = [_translated(path, given, part, k, block, errors)
                 for k, block in enumerate(part.source)]
        sections.setdefault(part.stem, []).append((part, texts))
    if errors:
        raise ContentErrors(errors)
    return [(stem, _write(project, brief, lang, stem, done))
            for stem, done in sections.items()]


def _translated(path, given, part, k, block, errors):
    """The unit's translation with its placeholders back, or None if it is not done yet;
    a problem is added to errors."""
    context = f"{part.stem}#{part.at + k}"
    unit = given.get(context)
    text, kept = protect(block.text)
    if unit is None or unit.source != text:
        errors.append(ContentError(path, f"unit '{context}': the source text changed since "
                                   "this file was exported", hint="export again, and "
                                   "translate the new file"))
        return None
    if not unit.istranslated():  # untranslated, or still fuzzy
        return None
    try:
        return restore(unit.target, kept)
    except ValueError as problem:
        errors.append(ContentError(path, f"unit '{context}' ({block.kind} of {part.stem}): "
                                   f"{problem}", line=_line(path, context),
                                   hint="keep each {n} of the source exactly once, and the "
                                   "block as one paragraph, then import again"))
        return None


def _line(path, context):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, 1) if line == f'msgctxt "{context}"'), None)


def _write(project, brief, lang, stem, done):
    """Rewrite a section's translated blocks; confirm it if every part is translated."""
    if any(text is None for _, texts in done for text in texts):
        return False
    ref = next(ref for ref in brief.sections if ref.stem == stem)
    path = project.section_path(brief.id, ref, lang)
    scratch = project.root / ".cache" / "scratch"
    if done[0][0].first is None:
        write_whole(path, _joined(done[0][0].source, done[0][1]) + "\n", scratch)
    else:
        write_whole(path, _replaced(project.read_text(path, "section"), done), scratch)
    record, _ = translations.confirm(project, brief, lang, [stem])
    write_whole(translations.record_path(project, brief.id),
                translations.record_text(record), scratch)
    return True


def _joined(source, texts):
    """Translated blocks as Markdown: a blank line between blocks, none between the items
    of a list (as the source has them)."""
    joined = ""
    for k, text in enumerate(texts):
        if k:
            same_list = source[k].kind == source[k - 1].kind == "list item"
            joined += "\n" if same_list else "\n\n"
        joined += text
    return joined


def _replaced(text, done):
    """The section's text with each part's blocks replaced, the rest as it was."""
    lines = text.splitlines()
    spans = translations.block_spans(text)
    for part, texts in sorted(done, key=lambda item: item[0].first, reverse=True):
        new = _joined(part.source, texts).splitlines()
        if part.last >= part.first:  # blocks replaced
            start, end = spans[part.first][1] - 1, spans[part.last][2]
            lines[start:end] = new
        elif part.first < len(spans):  # blocks added before the block at `first`
            at = spans[part.first][1] - 1
            lines[at:at] = new + [""]
        else:  # blocks added at the end
            lines += [""] + new
    return "\n".join(lines) + "\n"
