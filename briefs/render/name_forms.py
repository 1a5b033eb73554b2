"""People's names in grammatical cases ('по делу Карима Масимова'), as case records give
them. A form a section asks for that its record lacks is refused with a proposal for the
editor to confirm: from pymorphy3's dictionary and the regular endings of Russian
surnames, or Kazakh's endings by vowel harmony. No guess is ever printed.
"""

import functools

from briefs.i18n import KAZAKH_CASES, NAME_CASES, RUSSIAN_CASES, kazakh_case

LANGUAGE = {"ru": "Russian", "kk": "Kazakh"}
PYMORPHY = {"genitive": "gent", "dative": "datv", "accusative": "accs",
            "instrumental": "ablt", "prepositional": "loct"}
# Russian surnames in -ов, -ев, -ин decline regularly: (masculine, feminine) endings.
SURNAME_ENDINGS = {
    "genitive": ("а", "ой"), "dative": ("у", "ой"), "accusative": ("а", "у"),
    "instrumental": ("ым", "ой"), "prepositional": ("е", "ой"),
}


def cases_of(lang):
    """The cases a section may ask for in a language: all of any language in English,
    which has no such forms (the name itself is printed)."""
    if lang in NAME_CASES:
        return ("nominative",) + NAME_CASES[lang]
    return ("nominative",) + tuple(dict.fromkeys(RUSSIAN_CASES + KAZAKH_CASES))


def proposal(name, lang, case):
    """A form of name to propose to the editor, or '' if there is none to propose."""
    if lang == "kk":
        return kazakh_case(name, case)
    if lang == "ru":
        return _russian(name, case)
    return ""


def _russian(name, case):
    words = name.split()
    feminine = _feminine(words)
    return " ".join(_russian_surname(word, case, feminine) or _russian_word(word, case, feminine)
                    for word in words)


def _feminine(words):
    if any(word.endswith(("ова", "ева", "ёва", "ина", "ая")) for word in words[1:]):
        return True
    parses = [p for p in _morph().parse(words[0]) if "Name" in p.tag]
    return bool(parses) and parses[0].tag.gender == "femn"


def _russian_surname(word, case, feminine):
    for stem_end in ("ов", "ев", "ёв", "ин", "ын"):
        if word.endswith(stem_end) and not feminine:
            return word + SURNAME_ENDINGS[case][0]
        if word.endswith(stem_end + "а") and feminine:
            return word[:-1] + SURNAME_ENDINGS[case][1]
    return None


def _russian_word(word, case, feminine):
    gender = "femn" if feminine else "masc"
    parses = _morph().parse(word)
    named = [p for p in parses if {"Name", "Surn", "Patr"} & p.tag.grammemes
             and p.tag.number == "sing" and p.tag.gender in (gender, None)]
    form = (named or parses)[0].inflect({PYMORPHY[case], "sing"})
    return (form.word[:1].upper() + form.word[1:]) if form else word


@functools.cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()
