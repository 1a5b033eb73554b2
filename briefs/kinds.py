"""The kinds of brief, one entry each: what brief.yaml must give, the sections' roles, the
date the facts are valid for, the contents, the skeleton `briefs new` writes.

A new kind is an entry here, a template templates/<kind>.html and its interface strings
in briefs/locale/ (docs/architecture.md has the checklist).
"""

from dataclasses import dataclass


def N_(text, plural=None):
    """Marks a text for translation where it is defined; it is translated where printed.
    With a plural: the pair (singular, plural) that ngettext takes."""
    return text if plural is None else (text, plural)


ROLES = ("body", "calls", "summary", "recommendations", "annex", "about")
UPDATE_THEMES = (
    "introduction", "general-developments", "peaceful-assembly", "expression", "association",
)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # on the page, translated; label_joint where several organisations sign
    roles: frozenset
    requires: tuple = ("place",)  # fields brief.yaml must give, beyond the common ones
    data_field: str = "date"  # the field whose date the facts are valid for
    contents_levels: tuple = ()  # heading levels of the table of contents
    numbered: bool = False  # sections numbered 1, 2, ... and annexes lettered
    themes: tuple = ()  # fixed body sections, in this order (file stems)
    skeleton: tuple = (("body", "body"),)  # (file stem, role) that `briefs new` writes
    label_joint: str = ""
    pages: int | None = None  # the most pages its readers expect; the build warns beyond


KINDS = {kind.name: kind for kind in (
    Kind("statement", N_("Statement"), frozenset({"body", "calls", "about"}),
         skeleton=(("body", "body"), ("calls", "calls")), label_joint=N_("Joint statement"),
         pages=1),
    Kind("update", N_("Monitoring update"),
         frozenset({"body", "calls", "summary", "recommendations", "about"}),
         requires=("place", "period"), data_field="period.end", contents_levels=(2,),
         themes=UPDATE_THEMES,
         skeleton=tuple((theme, "body") for theme in UPDATE_THEMES)
         + (("recommendations", "recommendations"),)),
    Kind("report", N_("Report"), frozenset(ROLES), requires=("place", "as_of"),
         data_field="as_of",
         contents_levels=(2, 3), numbered=True,
         skeleton=(("summary", "summary"), ("background", "body"),
                   ("recommendations", "recommendations"), ("annex", "annex"))),
    Kind("column", N_("Column"), frozenset({"body", "about"}), requires=("author",), pages=2),
)}


def label(brief):
    """The untranslated name of a brief's kind, as its pages print it."""
    kind = KINDS[brief.kind]
    return kind.label_joint if kind.label_joint and len(brief.organisations) > 1 else kind.label


def over_page_budget(brief, lang, pages, moved=()):
    """What to tell the editor when an edition prints on more pages than its kind's
    readers expect, or None: by how many lines, and which parts went past the budget
    (moved: briefs.pdf.Moved)."""
    budget = KINDS[brief.kind].pages
    if budget is None or pages <= budget:
        return None
    over = pages - budget
    lines = sum(part.lines for part in moved)
    where = (f": {lines} line{'s' if lines != 1 else ''} of text run past page {budget} "
             f"({_parts(moved)}); shorten its sections by as much" if moved else
             ": shorten its sections")
    return (f"content/briefs/{brief.id}: {brief.id}.{lang}.pdf has {pages} pages, {over} "
            f"more than a {brief.kind} should have ({budget}){where}"
            f"{', or make it a report' if brief.kind == 'statement' else ''}")


def _parts(moved):
    """"the last 4 lines of 'Our calls' and the contact line", "all of 'Calls' (3 lines)"."""
    said = [part.part if part.whole and part.part.startswith("the ")
            else f"all of {part.part} ({part.lines} line{'s' if part.lines != 1 else ''})"
            if part.whole
            else f"the last {part.lines} line{'s' if part.lines != 1 else ''} of {part.part}"
            for part in moved]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
