"""The functions section files call to show case data: names, boxes, lists, counts, tables.

Each returns Markdown (the table as raw HTML) in the edition's language, computed as of
the brief's data date.
"""

import datetime
import hashlib

from markupsafe import escape

from briefs import i18n
from briefs.render import charts
from briefs.cases.queries import HELD, CaseQueryError, on_record_by, status_on
from briefs.render.sandbox import SectionFunction



def N_(text):
    """Marks a text for translation where it is defined; it is translated where printed."""
    return text


STATUS_TEXT = {
    "at_liberty": N_("at liberty"),
    "facing_charges": N_("facing charges since %(date)s"),
    "detained": N_("detained since %(date)s"),
    "pretrial_detention": N_("in pre-trial detention since %(date)s"),
    "house_arrest": N_("under house arrest since %(date)s"),
    "restricted_liberty": N_("under restriction of liberty since %(date)s"),
    "psychiatric_detention": N_("held in a psychiatric institution since %(date)s"),
    "imprisoned": N_("serving a prison sentence since %(date)s"),
    "released": N_("released on %(date)s"),
    "deceased": N_("died on %(date)s"),
}
STATUS_PLAIN = {
    "at_liberty": N_("at liberty"),
    "facing_charges": N_("facing charges"),
    "detained": N_("detained"),
    "pretrial_detention": N_("in pre-trial detention"),
    "house_arrest": N_("under house arrest"),
    "restricted_liberty": N_("under restriction of liberty"),
    "psychiatric_detention": N_("held in a psychiatric institution"),
    "imprisoned": N_("serving a prison sentence"),
    "released": N_("released"),
    "deceased": N_("deceased"),
}
STATUS_NAME = {
    "at_liberty": N_("at liberty"),
    "facing_charges": N_("facing charges"),
    "detained": N_("detained"),
    "pretrial_detention": N_("pre-trial detention"),
    "house_arrest": N_("house arrest"),
    "restricted_liberty": N_("restriction of liberty"),
    "psychiatric_detention": N_("psychiatric institution"),
    "imprisoned": N_("prison sentence"),
    "released": N_("released"),
    "deceased": N_("deceased"),
}
EVENT_NAME = {
    "detained": N_("Detained"), "charged": N_("Charged"),
    "pretrial_detention": N_("Placed in pre-trial detention"),
    "house_arrest": N_("Placed under house arrest"),
    "restriction_of_liberty": N_("Restriction of liberty"),
    "psychiatric_detention": N_("Placed in a psychiatric institution"),
    "convicted": N_("Convicted"), "sentenced": N_("Sentenced"),
    "appeal_rejected": N_("Appeal rejected"), "released": N_("Released"),
    "acquitted": N_("Acquitted"), "pardoned": N_("Pardoned"), "died": N_("Died"),
    "fined": N_("Fined"), "summoned": N_("Summoned"), "attacked": N_("Attacked"),
    "other": N_("Event"),
}


DETENTIONS = {"detained", "pretrial_detention", "house_arrest", "psychiatric_detention"}


def _date_argument(value):
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CaseQueryError(f"'{value}' is not a date", "write it as \"YYYY-MM-DD\"") from None


def text_in(value, lang, mark=False):
    """A per-language text in `lang`, or in English where it has not been translated;
    with mark, the English stand-in is marked for the editors (internal builds)."""
    value = value or {}
    if value.get(lang) or not value.get("en"):
        return value.get(lang, "")
    if mark:
        return f'<span class="untranslated" lang="en">{escape(value["en"])}</span>'
    return value["en"]


class CaseHelpers:
    """The case functions of one edition, bound to its language and data date."""

    def __init__(self, edition):
        self.edition = edition
        self.fonts = edition.project.templates / "fonts"  # for charts
        self.generated = {}  # pictures drawn for this edition: {file name: bytes}
        self.brief = edition.brief
        self.lang = edition.lang
        self.day = edition.day
        self._ = i18n.translations(self.lang).gettext

    @property
    def cases(self):
        """The edition's questions to the case book, read when a section first asks."""
        return self.edition.cases

    def dependencies(self):
        """The case ids this edition showed or counted, and the questions it asked."""
        if not self.edition.asked_cases():
            return [], []
        return sorted(self.cases.used), list(self.cases.queries)

    def functions(self):
        """The functions sections may call, as SectionFunctions: name, then usage."""
        usages = {
            "name": 'name("case-id")', "status": 'status("case-id")',
            "case_box": 'case_box("case-id")', "names": 'names(status="held")',
            "count": 'count(status="held")', "case_table": 'case_table(status="held")',
            "period_events": 'period_events(tag="assembly")',
            "chart_held_over_time": 'chart_held_over_time(since="2020-01-01")',
            "chart_detentions_per_month": 'chart_detentions_per_month(tag="assembly")',
            "chart_by_region": 'chart_by_region(status="held")',
            "chart_by_affiliation": 'chart_by_affiliation(status="held")',
        }
        return {name: SectionFunction(name, getattr(self, name), usage)
                for name, usage in usages.items()}

    def name(self, case_id):
        return self._text(self.cases.case(case_id).name)

    def status(self, case_id):
        """The person's status as of the data date, for a sentence: 'in pre-trial detention
        since 1 June 2020'."""
        return self._status(self.cases.case(case_id))

    def names(self, **filters):
        return i18n.joined([self._name(c) for c in self._select(filters)], self.lang)

    def count(self, **filters):
        return len(self.cases.select(self.day, **filters))

    def case_table(self, **filters):
        """An HTML table (Markdown would cost more time than printing it, at a thousand
        rows); each row is headed by the person's name, for screen readers."""
        _ = self._
        header = [_("Name"), _("Region"), _("Charges"), _("Status"), _("Since")]
        rows = ['<div class="case-table">', "<table>", "<thead>",
                "<tr>" + "".join(f'<th scope="col">{text}</th>' for text in header) + "</tr>",
                "</thead>", "<tbody>"]
        for case in self._select(filters):
            status = status_on(case, self.day)
            region = self.cases.book.regions.get(case.region)
            cells = [
                self._text(region.name) if region else "",
                self._charges_short(case),
                _(STATUS_NAME[status.key]),
                (i18n.fuzzy_date(status.since, status.precision, self.lang, short=True)
                 or "—") if status.since else "",
            ]
            rows.append(f'<tr><th scope="row">{self._text(case.name)}</th>'
                        + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        return "\n".join(rows + ["</tbody>", "</table>", "</div>"]) + "\n"

    def case_box(self, case_id):
        case = self.cases.case(case_id)
        lines = ['<div class="case-box" markdown="1">', "",
                 f'<p class="case-name">{self._name(case)}</p>']
        occupation = case.occupation
        if occupation:
            lines.append(f'<p class="case-role">{self._text(occupation)}</p>')
        status = self._status(case)
        lines += [f'<p class="case-status">{status[:1].upper()}{status[1:]}</p>', ""]
        charges = [self._charge_long(charge) for charge in case.charges
                   if charge.date is None or charge.date <= self.day]
        if charges:
            label = self._("Charges")
            lines += [f"**{label}:** " + "; ".join(charges), ""]
        events = self._events(case)
        lines += [f"- **{self._event_date(e)}**: {self._event_text(case, e)}" for e in events]
        lines += ["", "</div>", ""]
        lines += self._source_notes(case, events)
        return "\n".join(lines) + "\n"

    def period_events(self, tag=None):
        """An update's case examples: per person, their events within the period.

        Events whose date is only an upper bound (precision unknown) may lie before the
        period, so they are left out.
        """
        period = self.brief.period
        if period is None:
            raise CaseQueryError("period_events needs a brief with a 'period' (an update)",
                                 "use case_box or names in other kinds of brief")
        items, notes = [], []
        for case in self._select({"tag": tag} if tag else {}):
            events = [e for e in self._events(case) if e.precision != "unknown"
                      and period.start <= e.date <= period.end]
            if events:
                lines = [f"- **{self._name(case)}**"]
                lines += [f"  - **{self._event_date(e)}**: {self._event_text(case, e)}"
                          for e in events]
                items.append((events[0].date, "\n".join(lines)))
                notes += self._source_notes(case, events)
        if not items:
            return ""
        lines = [text for _, text in sorted(items, key=lambda item: item[0])]
        return ('<div class="case-events" markdown="1">\n\n' + "\n".join(lines)
                + "\n\n</div>\n\n" + "\n".join(dict.fromkeys(notes)) + "\n")

    def chart_held_over_time(self, since=None, **filters):
        """People held in custody, and under house arrest or restricted, month by month."""
        start = _date_argument(since) if since else min(
            (e.date for c in self._select(filters) for e in c.events), default=self.day)
        months = charts.month_ends(start, self.day)
        held, limited = [], []
        for month in months:
            statuses = [status_on(c, month).key for c in self.cases.select(month, **filters)]
            held.append(sum(s in HELD for s in statuses))
            limited.append(sum(s in ("house_arrest", "restricted_liberty") for s in statuses))
        _ = self._
        title = _("People deprived of liberty, month by month")
        svg = charts.line_chart(self.fonts, months=months, ylabel=_("People"),
                                series=[(_("held in custody"), held),
                                        (_("under house arrest or restriction of liberty"),
                                         limited)])
        alt = _("Line chart of the people held in custody at the end of each month from "
                "%(start)s to %(end)s: %(first)s at the start and %(last)s at the end.") % {
            "start": i18n.month_label(months[0], self.lang),
            "end": i18n.month_label(months[-1], self.lang),
            "first": held[0], "last": held[-1]}
        return self._figure(svg, title, alt)

    def chart_detentions_per_month(self, **filters):
        """Detentions begun in each month of an update's period (or the last year)."""
        first = self.brief.period.start if self.brief.period else self.day.replace(
            year=self.day.year - 1)
        months = charts.month_ends(first, self.day)
        counts = {month: 0 for month in months}
        for case in self._select(filters):
            for event in self._events(case):
                if event.type in DETENTIONS and first <= event.date and event.precision != "unknown":
                    month = next(m for m in months if m >= event.date)
                    counts[month] += 1
        _ = self._
        labels = [i18n.month_label(m, self.lang) for m in months]
        title = _("Detentions per month")
        svg = charts.bar_chart(self.fonts, labels=labels, values=list(counts.values()),
                               xlabel=_("Detentions"))
        alt = _("Bar chart of detentions per month: %(list)s.") % {"list": i18n.joined(
            [f"{label}: {value}" for label, value in zip(labels, counts.values())], self.lang)}
        return self._figure(svg, title, alt)

    def chart_by_region(self, **filters):
        """How many of the selected cases come from each region, as of the data date."""
        def regions(case):
            region = self.cases.book.regions.get(case.region)
            return [text_in(region.name, self.lang) if region else self._("region not known")]

        _ = self._
        return self._chart_by(regions, filters, _("Cases by region"),
                              _("Bar chart of cases by region: %(list)s."))

    def chart_by_affiliation(self, **filters):
        """How many of the selected cases belong to each party or movement."""
        def affiliations(case):
            keys = case.affiliations
            return ([text_in(self.cases.book.affiliations[k].name, self.lang) for k in keys]
                    or [self._("no affiliation recorded")])

        _ = self._
        return self._chart_by(affiliations, filters, _("Cases by affiliation"),
                              _("Bar chart of cases by affiliation: %(list)s."))

    def _chart_by(self, groups_of, filters, title, alt_text):
        counts = {}
        for case in self._select(filters):
            for group in groups_of(case):
                counts[group] = counts.get(group, 0) + 1
        labels = sorted(counts)
        svg = charts.bar_chart(self.fonts, labels=labels, values=[counts[n] for n in labels],
                               xlabel=self._("Cases"))
        alt = alt_text % {"list": i18n.joined(
            [f"{name}: {counts[name]}" for name in sorted(counts, key=counts.get, reverse=True)],
            self.lang)}
        return self._figure(svg, title, alt)

    def _figure(self, svg, title, alt):
        name = f"generated-chart-{len(self.generated) + 1}.svg"
        self.generated[name] = svg
        return (f'\n<figure class="chart"><figcaption>{escape(title)}</figcaption>'
                f'<img src="{name}" alt="{escape(alt)}"></figure>\n')

    def _select(self, filters):
        cases = self.cases.select(self.day, **filters)
        return sorted(cases, key=lambda c: text_in(c.name, self.lang).casefold())

    def _name(self, case):
        return f'<span class="person">{self._text(case.name)}</span>'

    def _text(self, value):
        """A text of the records for the page: escaped, and in internal builds with its
        English stand-in marked where the translation is missing."""
        if value.get(self.lang) or not self.edition.settings.internal:
            return str(escape(text_in(value, self.lang)))
        return text_in(value, self.lang, mark=True)

    def _status(self, case):
        if not on_record_by(case, self.day):
            public = "" if self.edition.settings.internal else "public "
            raise CaseQueryError(
                f"'{case.id}' has no {public}events or charges by "
                f"{i18n.long_date(self.day, 'en')}, so no status can be given for that date",
                "remove the call or use name() instead; if an event by then may be "
                "published, make it public in the case record")
        status = status_on(case, self.day)
        if status.precision == "unknown":
            return f"{self._(STATUS_PLAIN[status.key])} ({self._('date not recorded')})"
        date = i18n.fuzzy_date(status.since, status.precision, self.lang) if status.since else ""
        return self._(STATUS_TEXT[status.key]) % i18n.date_forms(date, self.lang)

    def _event_date(self, event):
        return (i18n.fuzzy_date(event.date, event.precision, self.lang, short=True)
                or self._("date not recorded"))

    def _events(self, case):
        return [e for e in case.events if e.date <= self.day]

    def _event_text(self, case, event):
        text = self._text(event.text) if event.text else self._(EVENT_NAME[event.type])
        refs = "".join(f"[^{_note_label(source)}]" for source in
                       filter(None, (self._source(case, s) for s in event.sources)))
        return text + refs

    def _source(self, case, source_id):
        return next((s for s in case.sources if s.id == source_id), None)

    def _source_notes(self, case, events):
        notes = []
        for event in events:
            for source_id in event.sources:
                source = self._source(case, source_id)
                if source:
                    when = f", {i18n.long_date(source.date, self.lang)}" if source.date else ""
                    notes.append(f"[^{_note_label(source)}]: {source.title}{when}, <{source.url}>")
        return list(dict.fromkeys(notes))

    def _article(self, charge):
        code = self.cases.book.codes[charge.code]
        article = self._("art. %(number)s") % {"number": charge.article}
        if charge.part:
            article += " " + self._("(part %(part)s)") % {"part": charge.part}
        return code, f"{self._text(code.short)} {article}"

    def _charge_long(self, charge):
        code, label = self._article(charge)
        return f"{label}, {self._text(code.articles[charge.article])}"

    def _charges_short(self, case):
        return ", ".join(dict.fromkeys(self._article(c)[1] for c in case.charges
                                       if c.date is None or c.date <= self.day))



def _note_label(source):
    """One footnote per source, however many records cite it."""
    identity = f"{source.title}|{source.url}|{source.date}"
    return "src-" + hashlib.sha256(identity.encode()).hexdigest()[:10]
