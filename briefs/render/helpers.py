"""The functions section files call to show case data: names, boxes, lists, counts, tables.

Each returns Markdown (the table as raw HTML) in the edition's language and date style,
as of the brief's data date: nothing dated after it is shown, sources and occupations
included. The charts are in briefs.render.case_charts.
"""

import hashlib
import re

from markupsafe import escape

from briefs import i18n
from briefs.cases.queries import CaseQueryError, on_record_by, status_on
from briefs.content.yamlfile import shorten
from briefs.errors import did_you_mean
from briefs.render import name_forms
from briefs.render.sandbox import SectionFunction, calling_line
from briefs.render.wording import Wording, text_in

# The columns of a case table after the person's name, in their order.
TABLE_COLUMNS = ("region", "charges", "status", "since")

MOSTLY_EMPTY = 0.5  # a table column empty for more than this share of its rows is reported


class CaseHelpers:
    """The case functions of one edition, bound to its language and data date."""

    def __init__(self, edition):
        self.edition = edition
        self.fonts = edition.project.templates / "fonts"  # for charts
        self.generated = {}  # pictures drawn for this edition: {file name: bytes}
        self.warnings = []  # what the editor should know, though it is no error
        self.section = None  # the section file running, for warnings (set by the renderer)
        self.section_lines = []  # its lines (set by the renderer)
        self.boxes = {}  # where each case box of the edition is: {case id: "file, line n"}
        self.self_citations = set()  # (case id, source id) said to look like this brief
        self.brief = edition.brief
        self.lang = edition.lang
        self.day = edition.day
        self.words = Wording(self.lang, edition.date_style)
        self._ = self.words._

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
        from briefs.render import case_charts

        usages = {
            "name": 'name("case-id") or name("case-id", case="genitive")',
            "status": 'status("case-id")', "case_box": 'case_box("case-id")',
            "names": 'names(status="held")', "count": 'count(status="held")',
            "case_table": 'case_table(status="held")',
            "period_events": 'period_events(tag="assembly")',
            "affiliation": 'affiliation("koshe-partiyasy")',
        }
        functions = {name: SectionFunction(name, getattr(self, name), usage)
                     for name, usage in usages.items()}
        return {**functions, **case_charts.functions(self)}

    def name(self, case_id, case=None):
        """The person's name, in a grammatical case where one is asked for, never
        hyphenated nor broken over lines (class person)."""
        return self._name(self.cases.case(case_id), case)

    def status(self, case_id):
        """The person's status as of the data date, for a sentence: 'in pre-trial detention
        since 1 June 2020'."""
        return self._status(self.cases.case(case_id))

    def names(self, case=None, **filters):
        return i18n.joined([self._name(c, case) for c in self.select(filters)], self.lang)

    def count(self, **filters):
        """How many people match: a Count, which running text prints in words from one to
        nine where the language's house style does, and a table row in figures."""
        number = len(self.cases.select(self.day, **filters))
        return Count(number, self.lang, in_words=not self._in_table_cell())

    def _in_table_cell(self):
        """Whether the section's line that makes the call now is a table's row, in Markdown
        ("| ... |") or HTML (<td>, <th>)."""
        line = calling_line()
        text = self.section_lines[line - 1] if line and line <= len(self.section_lines) else ""
        return text.lstrip().startswith("|") or "<td" in text or "<th" in text

    def affiliation(self, key):
        """The name of a party or movement as content/affiliations.yaml gives it: the words
        its bar in a chart is labelled with."""
        known = self.cases.book.affiliations
        if key not in known:
            raise CaseQueryError(f"unknown affiliation '{shorten(str(key))}'",
                                 f"{did_you_mean(key, known)}Use one of: "
                                 f"{', '.join(sorted(known))}")
        return self._text(known[key].name)

    def case_table(self, columns=TABLE_COLUMNS, **filters):
        """An HTML table (Markdown would cost more time than printing it, at a thousand
        rows); each row is headed by the person's name, for screen readers. columns: which
        of TABLE_COLUMNS, in that order. A column with nothing to say is left out; one that
        is mostly empty is reported."""
        _ = self._
        chosen = self._table_columns(columns)
        selected = self.select(filters)
        every = {"region": (_("Region"), self._region),
                 "charges": (_("Charges"), self._charges_short),
                 "status": (_("Status"), lambda case: self.words.status_name(self._on_day(case))),
                 "since": (_("Since"), self._since)}
        columns = [every[name] for name in TABLE_COLUMNS if name in chosen]
        table = [[value(case) for _, value in columns] for case in selected]
        kept = [index for index, (title, _) in enumerate(columns)
                if any(row[index] for row in table)]
        for index in kept:
            self._warn_if_mostly_empty(columns[index][0], selected,
                                       [row[index] for row in table])
        header = [_("Name")] + [columns[index][0] for index in kept]
        rows = ['<div class="case-table">', "<table>", "<thead>",
                "<tr>" + "".join(f'<th scope="col">{text}</th>' for text in header) + "</tr>",
                "</thead>", "<tbody>"]
        for case, row in zip(selected, table):
            rows.append(f'<tr><th scope="row">{self._text(case.name)}</th>'
                        + "".join(f"<td>{row[index]}</td>" for index in kept) + "</tr>")
        return "\n".join(rows + ["</tbody>", "</table>", "</div>"]) + "\n"

    @staticmethod
    def _table_columns(columns):
        """The column names a section chose, checked."""
        if isinstance(columns, str) or not isinstance(columns, (list, tuple)):
            raise CaseQueryError("columns must be a list, such as [\"status\", \"since\"]",
                                 f"Choose among: {', '.join(TABLE_COLUMNS)}")
        for name in columns:
            if name not in TABLE_COLUMNS:
                raise CaseQueryError(f"unknown column '{shorten(str(name))}'",
                                     f"{did_you_mean(str(name), TABLE_COLUMNS)}Choose among: "
                                     f"{', '.join(TABLE_COLUMNS)}")
        return set(columns)

    def case_box(self, case_id):
        case = self.cases.case(case_id)
        self._refuse_second_box(case_id)
        events = self.events(case)
        # A box of three events or fewer stays whole on its page (templates/css/print.css).
        short = " case-box-short" if len(events) <= 3 else ""
        lines = [f'<div class="case-box{short}" markdown="1">', "",
                 f'<p class="case-name">{self._name(case)}</p>']
        occupation = self._occupation(case)
        if occupation:
            lines.append(f'<p class="case-role">{self._text(occupation)}</p>')
        status = self._status(case)
        lines += [f'<p class="case-status">{status[:1].upper()}{status[1:]}</p>', ""]
        charges = [self._charge_long(charge) for charge in self._charges(case)]
        if charges:
            lines += [f"**{self._('Charges')}:** " + "; ".join(charges), ""]
        lines += [f"- **{self.words.when(e.date, e.precision)}**: {self._event_text(case, e)}"
                  for e in events]
        lines += ["", "</div>", ""]
        lines += self._source_notes(case, events)
        return "\n".join(lines) + "\n"

    def _refuse_second_box(self, case_id):
        """A person's box is shown once in an edition: a second is a copy an editor left."""
        line = calling_line()
        here = f"{self.section}" + (f", line {line}" if line else "")
        if case_id in self.boxes:
            raise CaseQueryError(f"the case box of '{case_id}' is shown twice in this "
                                 f"edition: first in {self.boxes[case_id]}, then here",
                                 "show it once: remove one of the two case_box calls (name() "
                                 "or status() can mention the person elsewhere)")
        self.boxes[case_id] = here

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
        for case in self.select({"tag": tag} if tag else {}):
            events = [e for e in self.events(case) if e.precision != "unknown"
                      and period.start <= e.date <= period.end]
            if events:
                lines = [f"- **{self._name(case)}**"]
                lines += [f"  - **{self.words.when(e.date, e.precision)}**: "
                          f"{self._event_text(case, e)}" for e in events]
                items.append((events[0].date, "\n".join(lines)))
                notes += self._source_notes(case, events)
        if not items:
            return ""
        lines = [text for _, text in sorted(items, key=lambda item: item[0])]
        return ('<div class="case-events" markdown="1">\n\n' + "\n".join(lines)
                + "\n\n</div>\n\n" + "\n".join(dict.fromkeys(notes)) + "\n")

    def select(self, filters, day=None):
        """The cases matching filters as of day (the data date), by surname in this
        language, as lists of prisoners are sorted."""
        cases = self.cases.select(day or self.day, **filters)
        return sorted(cases, key=self._sort_key)

    def _sort_key(self, case):
        """The record's sort_as, else the last word of the name (given as "First Last"),
        then the whole name, in the language's alphabetical order."""
        name = text_in(case.name, self.lang)
        surname = text_in(case.sort_as, self.lang) if case.sort_as else ""
        return (i18n.sort_key(surname or name.split()[-1], self.lang),
                i18n.sort_key(name, self.lang))

    def events(self, case):
        return [e for e in case.events if e.date <= self.day]

    def _name(self, case, form=None):
        return f'<span class="person">{self._form(case, form)}</span>'

    def _form(self, case, form):
        """The name in a case the edition's language has, from its record, or refused."""
        if form is not None and form not in name_forms.cases_of(self.lang):
            raise CaseQueryError(f"'{form}' is not a case of names in '{self.lang}'",
                                 f"use one of: {', '.join(name_forms.cases_of(self.lang))}")
        if form in (None, "nominative") or self.lang not in i18n.NAME_CASES:
            return self._text(case.name)
        written = case.name_forms.get(self.lang, {}).get(form)
        if written:
            return str(escape(written))
        name = text_in(case.name, self.lang)
        proposed = name_forms.proposal(name, self.lang, form)
        raise CaseQueryError(
            f"the {name_forms.LANGUAGE[self.lang]} {form} of the name of '{case.id}' is not "
            "in its record", f"add it to content/cases/{case.id}.yaml as name_forms: "
            f"{self.lang}: {form}: ..." + (f" (for {name!r} perhaps {proposed!r}: check it)"
                                           if proposed else ""))

    def _text(self, value):
        """A text of the records for the page: escaped, and in internal builds with its
        English stand-in marked where the translation is missing."""
        if isinstance(value, str) or value.get(self.lang) or not self.edition.settings.internal:
            return str(escape(text_in(value, self.lang)))
        return text_in(value, self.lang, mark=True)

    def _on_day(self, case):
        return status_on(case, self.day)

    def _status(self, case):
        if not on_record_by(case, self.day):
            public = "" if self.edition.settings.internal else "public "
            raise CaseQueryError(
                f"'{case.id}' has no {public}events or charges by "
                f"{i18n.long_date(self.day, 'en')}, so no status can be given for that date",
                "remove the call or use name() instead; if an event by then may be "
                "published, make it public in the case record")
        return self.words.status(self._on_day(case))

    def _since(self, case):
        status = self._on_day(case)
        return self.words.when(status.since, status.precision) if status.since else ""

    def _region(self, case):
        region = self.cases.book.regions.get(case.region)
        return self._text(region.name) if region else ""

    def _occupation(self, case):
        """The occupation as of the data date, where the record gives its changes."""
        if not isinstance(case.occupation, list):
            return case.occupation
        held = [entry for entry in case.occupation if entry.since <= self.day]
        return max(held, key=lambda entry: entry.since).text if held else None

    def _warn_if_mostly_empty(self, title, cases, cells):
        empty = [case.id for case, cell in zip(cases, cells) if not cell]
        if len(empty) > MOSTLY_EMPTY * len(cases):
            where = f"{self.section}: " if self.section else ""
            self.warnings.append(
                f"{where}the {title} column of a case table is empty for {len(empty)} of "
                f"{len(cases)} people ({', '.join(empty[:10])}"
                f"{', ...' if len(empty) > 10 else ''}): add it to their records, or leave "
                "the column out (case_table(columns=[...], ...))")

    def _event_text(self, case, event):
        text = self._text(event.text) if event.text else self.words.event_name(event)
        cited = [self.cited_source(case, s) for s in event.sources]
        self._warn_of_event_sources(case, event, cited)
        refs = "".join(f"[^{_note_label(source)}]" for source in filter(None, cited))
        return text + refs

    def _warn_of_event_sources(self, case, event, cited):
        """Warn of an event printed without a note because every source it gives is later
        than the data date, and of a source dated before the event it reports."""
        sources = {s.id: s for s in case.sources}
        later = [i for i in event.sources
                 if i in sources and sources[i].date and sources[i].date > self.day]
        earlier = [i for i in event.sources if i in sources and sources[i].date
                   and event.precision != "unknown" and sources[i].date < event.date]
        where = f"content/cases/{case.id}.yaml, the event of {event.date}"
        if later and not any(cited):
            self._warn_once(f"{where}: printed without a note, as its sources ("
                            f"{', '.join(later)}) are dated after this brief's data date, "
                            f"{self.day}: cite a source of that date or before, or, if the "
                            "brief's facts are of a later day, say so in brief.yaml (its "
                            "date, as_of, or the end of its period)")
        for source_id in earlier:
            self._warn_once(f"{where}: its source '{source_id}' is dated "
                            f"{sources[source_id].date}, before the event it reports: "
                            "correct the date of the event or of the source")

    def _warn_once(self, warning):
        if warning not in self.warnings:
            self.warnings.append(warning)

    def cited_source(self, case, source_id):
        """The source as the edition may cite it: (title, date, address), or None if it is
        dated after the data date."""
        source = next((s for s in case.sources if s.id == source_id), None)
        if source is None:
            return None
        if source.brief:
            return self._brief_source(source.brief)
        if source.date and source.date > self.day:
            return None
        self._warn_if_citing_itself(case, source)
        return text_in(source.title, self.lang), source.date, source.url

    def _warn_if_citing_itself(self, case, source):
        """Warn of a source that looks like this brief itself: titled with the name of one
        of its publishers and dated on its data date or between that and its cover's."""
        if (case.id, source.id) in self.self_citations or not source.date or not (
                self.day <= source.date <= self.brief.date):
            return
        titles = [source.title] if isinstance(source.title, str) else source.title.values()
        names = [name for organisation in self.edition.publishers
                 for text in (organisation.name, organisation.short_name)
                 for name in text.values()]
        named = next((name for title in titles for name in names if re.search(
            rf"(?<!\w){re.escape(name)}(?!\w)", title, re.IGNORECASE)), None)
        if named:
            self.self_citations.add((case.id, source.id))
            self.warnings.append(
                f"content/cases/{case.id}.yaml, source '{source.id}': a text of {named} dated "
                f"{source.date}, and this brief of {named} is dated {self.brief.date} on "
                "its cover: if it is this brief, a brief does not cite itself: write the "
                f"source as 'brief: {self.brief.id}' in place of its title, url and date (the "
                "brief then leaves it out of its notes, and other briefs cite it under its "
                "cover's date); if it is another text, leave it as it is")

    def _brief_source(self, brief_id):
        """A brief of the project as a source: its title, date and address; None in the
        brief itself, whose notes would cite the page they are printed on."""
        from briefs.content.load import load_brief

        if brief_id == self.brief.id:
            return None
        cited = load_brief(self.edition.project, brief_id, self.edition.organisations)
        if cited.date > self.day:
            return None
        lang = self.lang if self.lang in cited.languages else cited.languages[0]
        site = self.edition.settings.site_url
        publisher = self.edition.organisations[cited.organisations[0]]
        url = (f"{site}{cited.id}/{cited.id}.{lang}.html" if site else publisher.website)
        title = f"{text_in(publisher.short_name, self.lang)}: {cited.title[lang]}"
        return title, cited.date, url

    def _source_notes(self, case, events):
        notes = []
        for event in events:
            for source_id in event.sources:
                cited = self.cited_source(case, source_id)
                if cited:
                    title, day, url = cited
                    when = f", {self.words.date(day)}" if day else ""
                    where = f", <{url}>" if url else ""
                    notes.append(f"[^{_note_label(cited)}]: {escape(title)}{when}{where}")
        return list(dict.fromkeys(notes))

    def _article(self, charge):
        code = self.cases.book.codes[charge.code]
        article = self._("art. %(number)s") % {"number": charge.article}
        if charge.part:
            article += " " + self._("(part %(part)s)") % {"part": charge.part}
        return code, f"{self._text(code.short)} {article}"

    def _charges(self, case):
        return [c for c in case.charges if c.date is None or c.date <= self.day]

    def _charge_long(self, charge):
        code, label = self._article(charge)
        return f"{label}, {self._text(code.articles[charge.article])}"

    def _charges_short(self, case):
        return ", ".join(dict.fromkeys(self._article(c)[1] for c in self._charges(case)))


class Count(int):
    """A count of people: a number to calculate and compare with, printed in words or in
    figures (briefs.i18n.in_words) as the place it is printed asks."""

    def __new__(cls, number, lang, in_words):
        count = super().__new__(cls, number)
        count.lang, count.in_words = lang, in_words
        return count

    def __str__(self):
        return i18n.in_words(int(self), self.lang) if self.in_words else str(int(self))


def _note_label(cited):
    """One footnote per source, however many records cite it."""
    title, day, url = cited
    return "src-" + hashlib.sha256(f"{title}|{url}|{day}".encode()).hexdigest()[:10]

