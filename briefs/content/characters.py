"""Invisible characters that can make text read differently than it is written: refused in
every YAML file and section, so that what an editor sees is what is printed."""

import re
import unicodedata

from briefs.errors import ContentError

# Unicode's format characters (category Cf) are invisible: direction controls (U+061C,
# U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), zero-width characters, the byte-order
# mark, tag characters... Those of the Basic Multilingual Plane are listed here, as finding
# them in unicodedata takes a twelfth of a second in every process; characters beyond it
# are rare in content, and looked up one by one (tests/test_strict_input.py checks both).
SUSPECTS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U00010000-\U0010ffff]")
# Editors put these in body text on purpose, to say where a word may break or may not.
LINE_BREAK_CONTROLS = {"\u00ad", "\u2060"}  # SOFT HYPHEN, WORD JOINER
HINT = "delete it: it is invisible and can make text read differently than it is written"
# A Markdown heading: "# Title", or a line underlined with "===" or "---".
ATX_HEADING = re.compile(r" {0,3}#")
SETEXT_UNDERLINE = re.compile(r" {0,3}(=+|-+)\s*")


def refuse_invisible(path, text):
    """Refuse a format character anywhere in a text (a YAML file's)."""
    if _format_characters(text):
        _refuse(path, [(line, ()) for line in text.split("\n")])


def refuse_invisible_in_section(path, text):
    """Refuse a format character in a section, except soft hyphens and word joiners in
    its body text: a heading is also a title in the contents and the PDF's outline."""
    if _format_characters(text):
        lines = text.split("\n")
        _refuse(path, [(line, () if _is_heading(lines, index) else LINE_BREAK_CONTROLS)
                       for index, line in enumerate(lines)])


def _format_characters(text):
    """The matches of the format characters in a text."""
    return [match for match in SUSPECTS.finditer(text)
            if unicodedata.category(match.group()) == "Cf"]


def _is_heading(lines, index):
    """Whether a line of Markdown is a heading."""
    if ATX_HEADING.match(lines[index]):
        return True
    return bool(lines[index].strip()) and index + 1 < len(lines) and bool(
        SETEXT_UNDERLINE.fullmatch(lines[index + 1]))


def _refuse(path, lines):
    """Raise for the first character refused. lines: (text, the characters allowed in it)."""
    found = [(number, match) for number, (line, allowed) in enumerate(lines, 1)
             for match in _format_characters(line) if match.group() not in allowed]
    if not found:
        return
    number, match = found[0]
    character = match.group()
    name = unicodedata.name(character, "a format character")
    reason = (f"an invisible character, U+{ord(character):04X} {name}, is at character "
              f"{match.start() + 1} of this line")
    if len(found) > 1:
        reason += f" ({len(found) - 1} more in this file)"
    raise ContentError(path, reason, line=number, hint=HINT)
