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
MONTH_PATTERNS = {"kk": "yyyy 'жылғы' MMMM"}


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
        return str(value.year) if short or lang != "kk" else f"{value.year} жыл"
    if precision == "month":
        pattern = "MM.yyyy" if short else MONTH_PATTERNS.get(lang, "MMMM yyyy")
        return format_date(value, pattern, locale=locale(lang))
    return short_date(value, lang) if short else long_date(value, lang)


def month_label(value, lang):
    """A month on its own, as a label: 'November 2020', 'ноябрь 2020', 'қараша 2020'."""
    return format_date(value, "LLLL yyyy", locale=locale(lang))


def date_forms(text, lang):
    """A date for a message: as `date`, and in Kazakh also as `date_loc` ('on ...', the
    locative) and `date_abl` ('since ...', the ablative), which Kazakh messages use."""
    forms = {"date": text, "date_loc": text, "date_abl": text}
    if lang == "kk" and text:
        forms["date_loc"] = kazakh_case(text, "locative")
        forms["date_abl"] = kazakh_case(text, "ablative")
    return forms


KAZAKH_FRONT_VOWELS = set("әөүіеэи")
KAZAKH_VOWELS = KAZAKH_FRONT_VOWELS | set("аоұыуяю")
KAZAKH_VOICELESS = set("кқпстфхцчшщ")
KAZAKH_NASALS = set("мнң")


def kazakh_case(phrase, case):
    """Add the locative or ablative ending to a Kazakh date phrase, by vowel harmony and
    the last sound of its last word: 'қараша' → 'қарашада', 'маусым' → 'маусымнан'."""
    if phrase.endswith(" жыл") and case == "locative":
        return phrase + "ы"  # '2020 жылы'
    word = phrase.rsplit(" ", 1)[-1].lower()
    vowels = [c for c in word if c in KAZAKH_VOWELS]
    front = bool(vowels) and vowels[-1] in KAZAKH_FRONT_VOWELS
    last = word[-1]
    if case == "locative":
        first = "т" if last in KAZAKH_VOICELESS else "д"
        return phrase + first + ("е" if front else "а")
    first = "т" if last in KAZAKH_VOICELESS else "н" if last in KAZAKH_NASALS else "д"
    return phrase + first + ("ен" if front else "ан")


def plural(number, lang, forms):
    """'28 political prisoners': the number and the form its language's plural rules pick
    (CLDR categories one, few, many, other)."""
    category = locale(lang).plural_form(number)
    word = forms.get(category) or forms.get("other")
    if word is None:
        raise KeyError(category)
    return f"{number} {word}"


def short_date(value, lang):
    """'24.11.2022': for tables and timelines, as the region writes dates in all three."""
    return format_date(value, "dd.MM.yyyy", locale=locale(lang))


def joined(items, lang):
    """'A, B and C' as the language writes it."""
    items = list(items)
    if lang == "kk" and len(items) > 2:
        # CLDR drops the conjunction in Kazakh lists of three or more; Kazakh keeps it.
        pair = locale(lang).list_patterns["standard"]["2"]
        return pair.format(", ".join(items[:-1]), items[-1])
    return format_list(items, locale=locale(lang))


def language_name(lang):
    """The language's own name, capitalised: English, Русский, Қазақ тілі."""
    own = Locale.parse(lang)
    name = own.get_display_name(own)
    return name[:1].upper() + name[1:]
