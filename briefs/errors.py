"""Errors about content, worded for the editors who have to fix them."""

import difflib
from pathlib import Path


def shown_path(path):
    """A path as the editor knows it: relative to where they run the build, if inside."""
    absolute = Path(path).absolute()
    if absolute.is_relative_to(Path.cwd()):
        return str(absolute.relative_to(Path.cwd()))
    return str(path)


class ContentError(Exception):
    """A mistake in content that an editor can fix: which file, where, what to do."""

    LONGEST = 400  # characters of a reason: what it quotes from a file is cut short

    def __init__(self, path, reason, *, line=None, field=None, hint=None, within=None):
        self.path = str(path)
        self.within = within  # the list entry the field is in, e.g. "the 6th event"
        self.reason = reason if len(reason) <= self.LONGEST else reason[:self.LONGEST] + "…"
        self.line = line
        self.field = field
        self.hint = hint if not hint or len(hint) <= self.LONGEST else hint[:self.LONGEST] + "…"
        super().__init__(str(self))

    def __str__(self):
        where = shown_path(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        if self.within:
            where += f" of {self.within}" if self.field else f", {self.within}"
        text = f"{where}: {self.reason}"
        if self.hint:
            text += f"\n  What to do: {self.hint}"
        return text


def did_you_mean(word, known):
    """"did you mean 'x'? " for the known name closest to a mistyped one, or ""."""
    close = closest(word, known)
    return f"did you mean '{close}'? " if close else ""


def closest(word, known):
    """The known name closest to a mistyped one, if one is close enough."""
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1, cutoff=0.6)
    return close[0] if close else None


def ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


def field_words(path, data):
    """A field path such as ("events", 5, "date") in an editor's words: the field
    ("date") and the list entries it is in ("the 6th event (dated 2022-01-05)"), counted
    from one, with an entry's date or id where it has one."""
    entries, tail, node = [], [], data
    for index, key in enumerate(path):
        child = _child(node, key)
        if isinstance(key, int) and index:
            entries.append(f"the {ordinal(key + 1)} {_singular(path[index - 1])}"
                           + _label(child))
            tail = []
        else:
            tail.append(str(key))
        node = child
    return ".".join(tail) or None, " of ".join(reversed(entries)) or None


def _child(node, key):
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return node[key]
    return None


def _singular(key):
    key = str(key)
    return key[:-1] if key.endswith("s") else f"entry of '{key}'"


def _label(entry):
    if isinstance(entry, dict) and entry.get("date"):
        return f" (dated {entry['date']})"
    if isinstance(entry, dict) and entry.get("id"):
        return f" ('{entry['id']}')"
    return f" ('{entry}')" if isinstance(entry, str) and len(entry) < 40 else ""


class ContentErrors(Exception):
    """Several content errors found in one pass, reported together."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def problems_of(error):
    """The content errors a ContentError or ContentErrors holds, one per problem."""
    return error.errors if isinstance(error, ContentErrors) else [error]


class TemplateCallError(Exception):
    """A function called from a section was given something it cannot use; the renderer
    adds the section file and line."""

    def __init__(self, reason, hint):
        super().__init__(reason)
        self.reason, self.hint = reason, hint
