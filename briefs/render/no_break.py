"""No line break where a reader would stumble, as every publisher's house style has it: a
number and the word it counts ("18 years", "5 January", "2024 г.") and an honorific and
the name ("Mr Massimov", "г-н Масимов", "Масимов мырза") are joined by a no-break space,
and a month's name is never hyphenated.

`bind` does it to a plain text (a field of brief.yaml a template prints);
`NoBreakExtension` to the text of a section's Markdown, never inside code, nor in an
address or any other attribute.
"""

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

NBSP = "\u00a0"
MONTHS = {
    "en": "January February March April May June July August September October November "
          "December",
    # Genitive (a date's "5 января") and nominative (a label's "январь 2024").
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября "
          "декабря январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь "
          "декабрь",
    # Kazakh months take case endings ("қарашада"): the stem, then any ending.
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша "
          "желтоқсан",
}
ENDINGS = {"en": "", "ru": "", "kk": r"\w*"}
FLAGS = {"en": 0, "ru": re.IGNORECASE, "kk": re.IGNORECASE}
# An honorific before the name, and in Kazakh after it.
BEFORE_NAME = {"en": r"(?:Mr|Ms|Mrs|Mx|Dr|Prof)\.?", "ru": r"(?:г-н\w*|г-ж\w*|д-р)\.?",
               "kk": r"(?:г-н\w*|г-ж\w*)\.?"}
AFTER_NAME = {"en": None, "ru": None, "kk": r"(?:мырза|ханым)\w*"}
# What may follow a bound space: a word, or (at a text's end or before Markdown's
# placeholder for a name's HTML) the element that holds it.
NEXT = r"(?=[^\W\d_]|\x02|$)"
# A year is a number that counts nothing: it keeps only the word that marks it as a year.
YEAR = r"[12]\d{3}"
YEAR_WORDS = r"(?:гг?\.|год\w*|жыл\w*)"
# The words at a text's end that a no-break space binds to what follows.
BOUND_BEFORE = re.compile(rf"(?:[^\s{NBSP}]*{NBSP})+$")
NO_HYPHENS = "no-hyphens"  # the class of a month's name in a section (print.css)
SKIPPED = {"code", "pre", "kbd", "samp", "script", "style"}


def _rules(lang):
    """The spaces to bind in one language's text, and its months' names."""
    flags = FLAGS[lang]
    spaces = [rf"(?<![\w.,])(?!{YEAR}(?!\d))(\d(?:[\d,.]*\d)?)[ ]+{NEXT}",  # a number, its word
              rf"(?<![\w.,])({YEAR})[ ]+(?={YEAR_WORDS}(?!\w))",  # a year and "г.", "жылғы"
              rf"(?<!\w)({BEFORE_NAME[lang]})[ ]+{NEXT}"]
    if AFTER_NAME[lang]:
        spaces.append(rf"(\w)[ ]+(?={AFTER_NAME[lang]}(?!\w))")
    # The space before a date goes into its span: a span after a space made WeasyPrint 70
    # put single words on lines of their own above it.
    months = (rf"(?:[ ]|(?<!\w))(?:\d{{1,2}}{NBSP})?(?:{'|'.join(MONTHS[lang].split())})"
              rf"{ENDINGS[lang]}(?!\w)")
    return [re.compile(pattern, flags) for pattern in spaces], re.compile(months, flags)


RULES = {lang: _rules(lang) for lang in MONTHS}
# A text that ends where a bound space would follow.
BOUND_END = {lang: re.compile(rf"(?:(?<![\w.,])(?!{YEAR}$)\d(?:[\d,.]*\d)?|"
                              rf"(?<!\w){BEFORE_NAME[lang]})$", FLAGS[lang])
             for lang in MONTHS}


def bind(text, lang):
    """text with its number-and-word and honorific-and-name spaces made no-break ones."""
    if not text or lang not in RULES:
        return text
    for rule in RULES[lang][0]:
        text = rule.sub(lambda match: match.group(1) + NBSP, text)
    return text


class NoBreakTreeprocessor(Treeprocessor):
    def __init__(self, md, lang):
        super().__init__(md)
        self.lang = lang

    def run(self, root):
        if self.lang not in RULES:
            return
        elements = list(_texts(root))
        for parent in elements:
            parent.text = bind(parent.text, self.lang)
            for child in parent:
                child.tail = bind(child.tail, self.lang)
        for parent in elements:
            _bind_into_children(parent, self.lang)
            _keep_months_whole(parent, RULES[self.lang][1])
        for parent in elements:
            _take_bound_words_in(parent)


def _texts(root):
    """Every element whose own text and children's tails are text to read, code aside."""
    stack = [root]
    while stack:
        element = stack.pop()
        if element.tag in SKIPPED:
            continue
        yield element
        stack.extend(element)


def _bind_into_children(parent, lang):
    """A number or honorific whose word starts the next element ("on 25" before the span of
    a paragraph's last word, " October."): the space that starts that element is bound."""
    before = parent.text
    for child in parent:
        first = child
        while not first.text and len(first) and first.tag not in SKIPPED:
            first = first[0]  # the word starts inside an element inside it
        if first.tag not in SKIPPED and first.text and BOUND_END[lang].search(before or ""):
            first.text = re.sub(r"^[ ]+(?=[^\W\d_])", NBSP, first.text)
        before = child.tail


def _keep_months_whole(parent, months):
    """Each month's name, with its day, in parent's text and its children's tails in a span
    that is never hyphenated ("Octo-ber" reads as a mistake)."""
    pieces = [(None, parent.text)] + [(child, child.tail) for child in list(parent)]
    for owner, text in pieces:
        found = list(months.finditer(text or ""))
        if not found:
            continue
        position = 0 if owner is None else list(parent).index(owner) + 1
        spans, before = [], text[:found[0].start()]
        for index, match in enumerate(found):
            span = etree.Element("span", {"class": NO_HYPHENS})
            span.text = match.group()
            end = found[index + 1].start() if index + 1 < len(found) else len(text)
            span.tail = text[match.end():end]
            spans.append(span)
        if owner is None:
            parent.text = before
        else:
            owner.tail = before
        for offset, span in enumerate(spans):
            parent.insert(position + offset, span)


def _take_bound_words_in(parent):
    """A word bound by a no-break space to a span of ours that follows it ("25" before the
    span of "September") goes into that span: WeasyPrint 70 set the words before such a
    pair on lines of their own ("The / police / responded ... 25 September")."""
    for index, child in enumerate(list(parent)):
        owner, attribute = (parent[index - 1], "tail") if index else (parent, "text")
        before = getattr(owner, attribute) or ""
        bound = BOUND_BEFORE.search(before)
        if not bound or child.tag != "span" or not child.get("class"):
            continue
        first = child
        while not first.text and len(first) and first[0].tag == "span":
            first = first[0]
        setattr(owner, attribute, before[:bound.start()])
        first.text = bound.group() + (first.text or "")


class NoBreakExtension(Extension):
    def __init__(self, lang):
        super().__init__()
        self.lang = lang

    def extendMarkdown(self, md):
        # After the brief's own (1): the notes and last words are in place, headings' ids
        # and contents entries made from the text as written.
        md.treeprocessors.register(NoBreakTreeprocessor(md, self.lang), "no_break", 0.5)
