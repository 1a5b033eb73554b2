"""Lists between editions: a report or update that continues another brief (`continues:`)
says who was added to the list of people held and who left it (released, died, other)
between the two briefs' data dates, as political-prisoner lists do ("12 new names, 5
released"). The case book is the edition's audience's: the public sees public views only.
"""

from markupsafe import Markup

from briefs import i18n
from briefs.cases.queries import CaseQueryError, status_on
from briefs.content.load import load_brief
from briefs.kinds import N_

# Why someone left the list, by their status on the later date.
LEFT = {"released": "released", "deceased": "died"}
COUNTS = {
    "added": N_("%(num)s new name", "%(num)s new names"),
    "released": N_("%(num)s released", "%(num)s released"),
    "died": N_("%(num)s died", "%(num)s died"),
    "other": N_("%(num)s no longer held for another reason",
                "%(num)s no longer held for other reasons"),
}
HEADINGS = {"added": N_("Added to the list:"), "released": N_("Released:"),
            "died": N_("Died:"), "other": N_("No longer held for another reason:")}


def list_changes(helpers):
    """The HTML that says how the list of people held changed since the brief this one
    continues; empty if it continues none. helpers: the edition's CaseHelpers."""
    edition = helpers.edition
    brief, lang = edition.brief, edition.lang
    if not brief.continues:
        return Markup("")
    earlier = load_brief(edition.project, brief.continues, edition.organisations)
    if earlier.data_date >= helpers.day:
        raise CaseQueryError(
            f"'continues' names {earlier.id}, whose list is of "
            f"{i18n.long_date(earlier.data_date, 'en')}, not before this one's",
            "name the brief whose list this one follows, an earlier one")
    groups = changes(helpers, earlier.data_date)
    return Markup(changes_html(helpers, earlier, groups))


def changes(helpers, earlier_day):
    """{"added", "released", "died", "other": [case, ...]}, each by name."""
    before = {case.id: case for case in helpers.select({"status": "held"}, earlier_day)}
    now = {case.id: case for case in helpers.select({"status": "held"})}
    groups = {"added": [case for case_id, case in now.items() if case_id not in before],
              "released": [], "died": [], "other": []}
    for case_id, case in before.items():
        if case_id not in now:
            left = helpers.cases.case(case_id)  # counted: a change to it rebuilds the brief
            groups[LEFT.get(status_on(left, helpers.day).key, "other")].append(left)
    return groups


def changes_html(helpers, earlier, groups):
    lang, words = helpers.lang, i18n.translations(helpers.lang)
    _ = words.gettext
    title = earlier.title.get(lang) or earlier.title[earlier.languages[0]]
    counts = [words.ngettext(*COUNTS[key], len(cases)) % {"num": len(cases)}
              for key, cases in groups.items() if cases]
    intro = _("Compared with “%(title)s”, facts as of %(date)s:") % {
        "title": title, "date": helpers.words.date(earlier.data_date)}
    summary = i18n.joined(counts, lang) if counts else _(
        "no one was added to the list or left it")
    lines = ['<section class="list-changes" aria-labelledby="list-changes-title">',
             f'<h2 id="list-changes-title">{_("Since the previous list")}</h2>',
             f"<p>{Markup.escape(intro)} {summary}.</p>"]
    if counts:
        lines.append("<ul>")
        for key, cases in groups.items():
            if cases:
                names = i18n.joined([_name(helpers, case, key) for case in cases], lang)
                lines.append(f'<li><span class="change">{_(HEADINGS[key])}</span> {names}</li>')
        lines.append("</ul>")
    return "\n".join([*lines, "</section>"]) + "\n"


def _name(helpers, case, key):
    """A person's name; for one who left the list for another reason, their status."""
    name = helpers._name(case)
    if key != "other":
        return name
    return f"{name} ({helpers.words.status_name(status_on(case, helpers.day))})"
