"""Interface strings, dates and lists in the brief's language (Babel)."""

import functools
import io
import unicodedata
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
# How a brief writes dates (brief.yaml or organisations.yaml, `date_style`): long, the
# language's usual long form; plain, the same without a mark such as Russian "г."; numeric,
# 24.11.2022 as the region writes it in all three languages.
DATE_STYLES = ("long", "plain", "numeric")
PLAIN_PATTERNS = {"ru": "d MMMM y"}


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


def long_date(value, lang, style="long"):
    """'24 November 2022', '24 ноября 2022 г.' ('24 ноября 2022' plain), '2022 жылғы 24
    қараша', or '24.11.2022' in the numeric style."""
    if style == "numeric":
        return short_date(value, lang)
    pattern = DATE_PATTERNS.get(lang) or (PLAIN_PATTERNS.get(lang, "long") if style == "plain"
                                          else "long")
    text = format_date(value, pattern, locale=locale(lang))
    # CLDR's narrow no-break space is missing from our fonts; a no-break space is not.
    return text.replace("\u202f", "\xa0")


def date_and_time(value, lang):
    """'29 January 2024, 09:00 (UTC+06:00)': a moment in its own time zone, said so."""
    offset = value.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{long_date(value.date(), lang)}, {value:%H:%M} ({zone})"


def fuzzy_date(value, precision, lang, style="long", alone=False):
    """A date as precisely as it is known: '1 June 2020', 'June 2020', '2020', or '' when
    only an upper bound is known. alone: as a label on its own (Russian 'ноябрь 2020')
    rather than inside a sentence ('с ноября 2020')."""
    if precision == "unknown":
        return ""
    if precision == "year":
        return str(value.year) if style == "numeric" or lang != "kk" else f"{value.year} жыл"
    if precision == "month":
        pattern = ("MM.yyyy" if style == "numeric" else "LLLL yyyy" if alone and lang == "ru"
                   else MONTH_PATTERNS.get(lang, "MMMM yyyy"))
        return format_date(value, pattern, locale=locale(lang))
    return long_date(value, lang, style)


def month_label(value, lang):
    """A month on its own, as a label: 'November 2020', 'ноябрь 2020', 'қараша 2020'."""
    return format_date(value, "LLLL yyyy", locale=locale(lang))


def date_forms(text, lang):
    """A date for a message: as `date`, and in Kazakh also as `date_loc` ('on ...', the
    locative) and `date_abl` ('since ...', the ablative), which Kazakh messages use."""
    forms = {"date": text, "date_loc": text, "date_abl": text, "date_dat": text}
    if lang == "kk" and text:
        for case in ("locative", "ablative", "dative"):
            forms[f"date_{case[:3]}"] = kazakh_case(text, case)
    return forms


KAZAKH_FRONT_VOWELS = set("әөүіеэи")
KAZAKH_VOWELS = KAZAKH_FRONT_VOWELS | set("аоұыуяю")
# Russian surnames' final в takes the endings of a voiceless sound: Назарбаевтың.
KAZAKH_VOICELESS = set("кқпстфхцчшщв")
KAZAKH_NASALS = set("мнң")
KAZAKH_CASES = ("genitive", "dative", "accusative", "locative", "ablative", "instrumental")
RUSSIAN_CASES = ("genitive", "dative", "accusative", "instrumental", "prepositional")
NAME_CASES = {"ru": RUSSIAN_CASES, "kk": KAZAKH_CASES}  # the forms a case record may give
# Each case's ending after a vowel, a nasal, another voiced sound and a voiceless one,
# in its back-vowel form; the front form swaps the vowel (а→е, ы→і).
KAZAKH_ENDINGS = {
    "genitive": ("ның", "ның", "дың", "тың"), "dative": ("ға", "ға", "ға", "қа"),
    "accusative": ("ны", "ды", "ды", "ты"), "locative": ("да", "да", "да", "та"),
    "ablative": ("дан", "нан", "дан", "тан"), "instrumental": ("мен", "мен", "мен", "пен"),
}


def kazakh_case(phrase, case):
    """A Kazakh phrase in a case, its last word taking the ending by vowel harmony and its
    last sound: 'қараша' → 'қарашада', 'маусым' → 'маусымнан', 'Мамай' → 'Мамайдың'."""
    if phrase.endswith(" жыл") and case == "locative":
        return phrase + "ы"  # '2020 жылы'
    word = phrase.rsplit(" ", 1)[-1].lower()
    vowels = [c for c in word if c in KAZAKH_VOWELS]
    front = bool(vowels) and vowels[-1] in KAZAKH_FRONT_VOWELS
    last = word[-1]
    kind = (0 if last in KAZAKH_VOWELS else 1 if last in KAZAKH_NASALS
            else 3 if last in KAZAKH_VOICELESS else 2)
    ending = KAZAKH_ENDINGS[case][kind]
    if front:
        ending = ending.translate(str.maketrans("аыұқғ", "еіүкг"))
    if case == "instrumental" and kind == 2 and last in "жз":
        ending = "бен"
    return phrase + ending


def plural(number, lang, forms):
    """'28 political prisoners': the number and the form its language's plural rules pick
    (CLDR categories one, few, many, other)."""
    category = locale(lang).plural_form(number)
    word = forms.get(category) or forms.get("other")
    if word is None:
        raise KeyError(category)
    return f"{number} {word}"


# One to nine in words, as house style writes a count in running text; Russian is not here,
# as its one and two agree with the noun's gender ("один", "одна", "два", "две").
SMALL_NUMBERS = {
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "kk": ("бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"),
}


def in_words(number, lang):
    """The number as running text writes it: one to nine in words where the language's
    house style spells them out, any other in figures."""
    words = SMALL_NUMBERS.get(lang, ())
    return words[number - 1] if 1 <= number <= len(words) else str(number)


def short_date(value, lang):
    """'24.11.2022': for tables and timelines, as the region writes dates in all three."""
    return format_date(value, "dd.MM.yyyy", locale=locale(lang))


# The Russian and Kazakh alphabets in their order: code points put ё after я and the Kazakh
# letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) after all of them.
ALPHABETS = {"ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
             "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"}
ALPHABET_START = 0x400  # an alphabet's letters rank among the Cyrillic code points


def sort_key(text, lang):
    """A key that puts texts in the language's alphabetical order, letter case and a Latin
    letter's accents aside; a letter outside the alphabet ranks by its code point."""
    alphabet = ALPHABETS.get(lang, "")
    ranks = []
    for letter in text.casefold():
        if letter in alphabet:
            ranks.append(ALPHABET_START + alphabet.index(letter))
        else:
            ranks.append(ord(unicodedata.normalize("NFD", letter)[0]))
    return ranks


def joined(items, lang):
    """'A, B and C' as the language writes it."""
    items = list(items)
    if lang == "kk" and len(items) > 2:
        # CLDR drops the conjunction in Kazakh lists of three or more; Kazakh keeps it.
        pair = locale(lang).list_patterns["standard"]["2"]
        return pair.format(", ".join(items[:-1]), items[-1])
    return format_list(items, locale=locale(lang))


def english_name(lang):
    """The language's name in English, for messages to editors: Russian, Kazakh."""
    return Locale.parse(lang).get_display_name("en")


def language_name(lang):
    """The language's own name, capitalised: English, Русский, Қазақ тілі."""
    own = Locale.parse(lang)
    name = own.get_display_name(own)
    return name[:1].upper() + name[1:]
