"""Interface strings, dates and lists in the brief's language (Babel)."""

import functools
import io
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
# English briefs write dates the British way: "24 November 2022".
BABEL_LOCALES = {"en": "en_GB", "ru": "ru", "kk": "kk"}
DATE_PATTERNS = {"kk": "yyyy 'жылғы' d MMMM"}


@functools.cache
def translations(lang):
    """The message catalogue of one language, read from locale/<lang>.po."""
    path = LOCALE_DIR / f"{lang}.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=BABEL_LOCALES[lang])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def locale(lang):
    return Locale.parse(BABEL_LOCALES[lang])


def long_date(value, lang):
    """'24 November 2022', '24 ноября 2022 г.', '2022 жылғы 24 қараша'."""
    text = format_date(value, DATE_PATTERNS.get(lang, "long"), locale=locale(lang))
    # CLDR's narrow no-break space is missing from our fonts; a no-break space is not.
    return text.replace("\u202f", "\xa0")


def fuzzy_date(value, precision, lang, short=False):
    """A date as precisely as it is known: '1 June 2020', 'June 2020', '2020', or ''."""
    if precision == "unknown":
        return ""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return format_date(value, "MM.yyyy" if short else "MMMM yyyy", locale=locale(lang))
    return short_date(value, lang) if short else long_date(value, lang)


def short_date(value, lang):
    """'24.11.2022': for tables and timelines, as the region writes dates in all three."""
    return format_date(value, "dd.MM.yyyy", locale=locale(lang))


def joined(items, lang):
    """'A, B and C' as the language writes it."""
    return format_list(list(items), locale=locale(lang))


def language_name(lang):
    """The language's own name, capitalised: English, Русский, Қазақ тілі."""
    own = Locale.parse(lang)
    name = own.get_display_name(own)
    return name[:1].upper() + name[1:]
