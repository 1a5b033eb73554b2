"""How the case functions word what the records say: statuses, events, dates as precise as
they are known, in the edition's language and date style."""

from markupsafe import escape

from briefs import i18n
from briefs.kinds import N_

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


def text_in(value, lang, mark=False):
    """A per-language text in `lang`, or in English where it has not been translated;
    with mark, the English stand-in is marked for the editors (internal builds). A plain
    string is the same in every language."""
    if isinstance(value, str):
        return value
    value = value or {}
    if value.get(lang) or not value.get("en"):
        return value.get(lang, "")
    if mark:
        return f'<span class="untranslated" lang="en">{escape(value["en"])}</span>'
    return value["en"]


class Wording:
    """The words of one edition: its language's messages and its date style."""

    def __init__(self, lang, style):
        self.lang, self.style = lang, style
        self._ = i18n.translations(lang).gettext

    def date(self, value):
        return i18n.long_date(value, self.lang, self.style)

    def when(self, value, precision):
        """A date as a label, as precisely as it is known: '1 June 2020', 'June 2020',
        '2020', and 'by 30 November 2020' where only that bound is known."""
        if precision == "unknown":
            return self._("by %(date)s") % i18n.date_forms(self.date(value), self.lang)
        return i18n.fuzzy_date(value, precision, self.lang, self.style, alone=True)

    def status(self, status):
        """'in pre-trial detention since 1 June 2020'; without its date where only an upper
        bound of it is known."""
        if status.since is None or status.precision == "unknown":
            return self._(STATUS_PLAIN[status.key])
        date = i18n.fuzzy_date(status.since, status.precision, self.lang, self.style)
        return self._(STATUS_TEXT[status.key]) % i18n.date_forms(date, self.lang)

    def status_name(self, status):
        return self._(STATUS_NAME[status.key])

    def event_name(self, event):
        return self._(EVENT_NAME[event.type])
