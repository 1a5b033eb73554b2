"""Errors about content, worded for the editors who have to fix them."""

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

    def __init__(self, path, reason, *, line=None, field=None, hint=None):
        self.path = str(path)
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
        text = f"{where}: {self.reason}"
        if self.hint:
            text += f"\n  What to do: {self.hint}"
        return text


class ContentErrors(Exception):
    """Several content errors found in one pass, reported together."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class TemplateCallError(Exception):
    """A function called from a section was given something it cannot use; the renderer
    adds the section file and line."""

    def __init__(self, reason, hint):
        super().__init__(reason)
        self.reason, self.hint = reason, hint
