"""The charts sections draw from the case records, as of the data date: a title, then the
chart, then a note that says how many people there are and what the bars leave out or count
twice. A bar chart is an HTML table, each bar with its label and number as text, in the
page's fonts, read by a screen reader as a table; a line chart is a picture whose
alternative text states the figures (briefs.render.charts draws it). The web page and the
PDF show the same chart."""

import datetime
import functools
from html import escape

from briefs import i18n
from briefs.cases.queries import HELD, CaseQueryError, status_on
from briefs.content.yamlfile import shorten
from briefs.render import charts
from briefs.render.sandbox import SectionFunction
from briefs.render.wording import text_in

DETENTIONS = {"detained", "pretrial_detention", "house_arrest", "psychiatric_detention"}
# The longest bar's share of its cell, in percent: the rest is room for its number.
BAR_SPAN = 80
TITLE_LENGTH = 120  # characters of a chart's title, which stands on one or two lines
USAGES = {
    "chart_held_over_time": 'chart_held_over_time(since="2020-01-01")',
    "chart_detentions_per_month": 'chart_detentions_per_month(tag="assembly")',
    "chart_by_region": 'chart_by_region(status="held")',
    "chart_by_affiliation": 'chart_by_affiliation(status="held")',
}
TITLE_USAGE = 'title="Political prisoners by movement"'


def functions(helpers):
    """The chart functions of one edition, as SectionFunctions."""
    drawers = {"chart_held_over_time": held_over_time,
               "chart_detentions_per_month": detentions_per_month,
               "chart_by_region": by_region, "chart_by_affiliation": by_affiliation}

    return {name: SectionFunction(name, functools.partial(draw, helpers), USAGES[name])
            for name, draw in drawers.items()}


def held_over_time(helpers, since=None, title=None, **filters):
    """People held in custody, and under house arrest or restricted, month by month."""
    _, lang = helpers._, helpers.lang
    start = _date_argument(since) if since else min(
        (e.date for c in helpers.select(filters) for e in helpers.events(c)),
        default=helpers.day)
    if start > helpers.day:
        raise CaseQueryError(f"the chart cannot start on {start.isoformat()}, after the "
                             f"brief's data date ({helpers.day.isoformat()})",
                             "give 'since' a date before the data date, or leave it out")
    months = charts.month_ends(start, helpers.day)
    held, limited = [], []
    for month in months:
        statuses = [status_on(c, month).key for c in helpers.select(filters, month)]
        held.append(sum(s in HELD for s in statuses))
        limited.append(sum(s in ("house_arrest", "restricted_liberty") for s in statuses))
    svg = charts.line_chart(helpers.fonts, months=months, ylabel=_("People"),
                            series=[(_("held in custody"), held),
                                    (_("under house arrest or restriction of liberty"),
                                     limited)])
    alt = _("Line chart of the people held in custody at the end of each month from "
            "%(start)s to %(end)s: %(first)s at the start and %(last)s at the end.") % {
        "start": i18n.month_label(months[0], lang), "end": i18n.month_label(months[-1], lang),
        "first": held[0], "last": held[-1]}
    return _figure(helpers, svg, _title(title, _("People deprived of liberty, month by month")),
                   alt)


def detentions_per_month(helpers, title=None, **filters):
    """Detentions begun in each month of an update's period (or the last year)."""
    _, lang, day = helpers._, helpers.lang, helpers.day
    first = helpers.brief.period.start if helpers.brief.period else day.replace(
        year=day.year - 1)
    months = charts.month_ends(first, day)
    counts = {month: 0 for month in months}
    for case in helpers.select(filters):
        for event in helpers.events(case):
            if event.type in DETENTIONS and first <= event.date and event.precision != "unknown":
                counts[next(m for m in months if m >= event.date)] += 1
    bars = [(escape(i18n.month_label(month, lang)), count) for month, count in counts.items()]
    return _bar_figure(_title(title, _("Detentions per month")), bars)


def by_region(helpers, title=None, **filters):
    """How many of the selected people come from each region, as of the data date."""
    _ = helpers._

    def regions(case):
        region = helpers.cases.book.regions.get(case.region)
        return [escape(text_in(region.name, helpers.lang))] if region else []

    return _chart_by(helpers, regions, filters, _title(title, _("People by region")),
                     _("Not shown, as their region is not known: %(count)s."), "")


def by_affiliation(helpers, title=None, **filters):
    """How many of the selected people belong to each party or movement."""
    _ = helpers._

    def affiliations(case):
        return [helpers.affiliation(key) for key in case.affiliations]

    return _chart_by(helpers, affiliations, filters,
                     _title(title, _("People by affiliation")),
                     _("Not shown, as no affiliation is known: %(count)s."),
                     _("Counted under each of their movements, as they belong to several: %(count)s."))


def _chart_by(helpers, groups_of, filters, title, none_shown, counted_twice):
    """A bar per group (its name as the text prints it), the largest first; the note says
    how many people there are, and where the bars' total differs from it, why."""
    _, lang = helpers._, helpers.lang
    people = helpers.select(filters)
    counts, unshown, several = {}, 0, 0
    for case in people:
        groups = groups_of(case)
        unshown += not groups
        several += len(groups) > 1
        for group in groups:
            counts[group] = counts.get(group, 0) + 1
    bars = sorted(counts.items(), key=lambda bar: (-bar[1], bar[0]))
    notes = [_people(lang, len(people)) + "."]
    if unshown:
        notes.append(none_shown % {"count": _people(lang, unshown)})
    if several and counted_twice:
        notes.append(counted_twice % {"count": _people(lang, several)})
    return _bar_figure(title, bars, " ".join(notes))


def _people(lang, number):
    return i18n.translations(lang).ngettext("%(num)s person", "%(num)s people",
                                            number) % {"num": number}


def _figure(helpers, svg, title, alt):
    name = f"generated-chart-{len(helpers.generated) + 1}.svg"
    helpers.generated[name] = svg
    return (f'\n<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<img src="{name}" alt="{escape(alt)}"></figure>\n')


def _bar_figure(title, bars, note=""):
    """A bar chart as a table: a row for each (label as HTML, number) of bars, headed by
    its label, its bar as long as its number's share of the largest, then the number; the
    title above it, the note below."""
    largest = max((number for _, number in bars), default=0) or 1
    rows = "".join(f'<tr><th scope="row">{label}</th><td><span class="bar bar-'
                   f'{round(BAR_SPAN * number / largest)}"></span>'
                   f'<span class="bar-number">{number}</span></td></tr>'
                   for label, number in bars)
    table = f'<table class="chart-bars"><tbody>{rows}</tbody></table>' if bars else ""
    after = f'<p class="chart-note">{escape(note)}</p>' if note else ""
    return (f'\n<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'{table}{after}</figure>\n')


def _title(title, default):
    """The title the section gave the chart, checked, or the chart's own in the edition's
    language."""
    if title is None:
        return default
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        raise CaseQueryError(f"a chart's title must be a line of text, not {shorten(repr(title))}",
                             f"write it in quotes, such as {TITLE_USAGE}, or leave title out "
                             "for the chart's own")
    if len(title) > TITLE_LENGTH:
        raise CaseQueryError(f"this chart's title has {len(title)} characters, more than "
                             f"{TITLE_LENGTH}", "shorten it: say more in the text around it")
    return title.strip()


def _date_argument(value):
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CaseQueryError(f"'{value}' is not a date", "write it as \"YYYY-MM-DD\"") from None
