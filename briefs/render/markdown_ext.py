"""Markdown for briefs: the extensions editors may use, plus headings and notes.

`BriefExtension` adapts each section to its place in the brief: it shifts headings one
level down (the brief's title is the only <h1>), numbers them in numbered sections, and
takes the footnotes out of the section so that the brief numbers them continuously, as
end notes on the web and as footnotes at the bottom of the page in print.
"""

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from briefs.render.no_break import NoBreakExtension

HEADINGS = ("h1", "h2", "h3", "h4", "h5")
# Classes that mark a whole list; attr_list puts "{: .cases }" after a list on its last item.
LIST_CLASSES = {"cases"}
NOTES_MARK = "brief-end-notes"
LINK_TARGET_NOTE = "footnote link-target"
WORD_JOINER = "\u2060"  # allows no line break on either side of it
# A note's call Python-Markdown left as written: its label has no definition.
NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")


@dataclass
class Heading:
    level: int
    label: str
    text: str
    id: str


@dataclass
class EditionState:
    """What the sections of one edition share: note numbers and the table of contents."""

    print_notes: bool
    note_label: str = "Note %(number)s"  # what a screen reader says of a printed note's call
    headings: list = field(default_factory=list)
    note_numbers: dict = field(default_factory=dict)
    # The last section's notes called but not defined, and defined but never called.
    undefined_notes: list = field(default_factory=list)
    unused_notes: list = field(default_factory=list)

    def note_number(self, key):
        return self.note_numbers.setdefault(key, len(self.note_numbers) + 1)


class SectionTreeprocessor(Treeprocessor):
    def __init__(self, md, state, label, prefix, back_label):
        super().__init__(md)
        self.state = state
        self.label = label
        self.prefix = prefix
        self.back_label = back_label

    def run(self, root):
        self._headings(root)
        self._list_classes(root)
        _mark_numeric_columns(root)
        if self.state.print_notes:
            _print_link_targets(root)  # before the notes: their numbers follow the text
            _bind_numbers_in_cells(root)
            _keep_together(root, _capitalised_compounds, "compound")
            # Short quotations before last words: a paragraph may end in one.
            _keep_together(root, _short_quotations, "quotation", bind=True)
            _keep_last_words(root)  # before the notes: calls join the word they follow
            # Notes are never hyphenated (print.css): their words need no span.
            _keep_together(root, _capitalised_runs, "capitalised", skip={"footnote"})
        self._notes(root)

    def _list_classes(self, root):
        for parent in root.iter():
            if parent.tag not in ("ul", "ol") or not len(parent):
                continue
            classes = set(parent[-1].get("class", "").split())
            for name in classes & LIST_CLASSES:
                parent.set("class", " ".join(filter(None, [parent.get("class"), name])))
            rest = " ".join(sorted(classes - LIST_CLASSES))
            if classes & LIST_CLASSES:
                parent[-1].attrib.pop("class")
                if rest:
                    parent[-1].set("class", rest)

    def _headings(self, root):
        headings = [e for e in root.iter() if e.tag in HEADINGS]
        # The brief's title is the only <h1>: a section's top level becomes <h2>, whether
        # the editor started it with "#" or, in a text without a title, with "##".
        shift = 2 - min((int(e.tag[1]) for e in headings), default=1)
        sub = 0
        for element in headings:
            level = int(element.tag[1]) + shift
            element.tag = f"h{level}"
            text = "".join(element.itertext()).strip()
            label = ""
            if self.label and level == 2:
                label = self.label
            elif self.label and level == 3 and self.label[0].isdigit():
                sub += 1
                label = f"{self.label}.{sub}"
            if label:
                number = etree.Element("span", {"class": "number"})
                number.text = label
                number.tail = " " + (element.text or "")
                element.text = None
                element.insert(0, number)
            self.state.headings.append(Heading(level, label, text, element.get("id", "")))

    def _notes(self, root):
        self.state.undefined_notes = _undefined_calls(root)  # the notes' texts included
        bodies = {}
        for container in root.findall("div[@class='footnote']"):
            bodies.update((item.get("id"), item) for item in container.iter("li"))
            root.remove(container)
        called = {link.get("href").lstrip("#") for link in root.iter("a")
                  if link.get("class") == "footnote-ref"}
        self.state.unused_notes = [name.removeprefix("fn:") for name in bodies
                                   if name not in called]
        end_notes = etree.Element("ol", {"class": "notes"})
        for sup in [e for e in root.iter() if e.tag == "sup" or _is_link_target(e)]:
            if _is_link_target(sup):
                number = self.state.note_number(f"{self.prefix}url-{len(self.state.note_numbers)}")
                _make_footnote(root, sup, None, number, self.state.note_label)
                continue
            link = sup.find("a[@class='footnote-ref']")
            if link is None:
                continue
            name = link.get("href").lstrip("#")
            # Case sources are labelled by their identity, so they are one note per brief.
            key = name if name.startswith("fn:src-") else self.prefix + name
            first = key not in self.state.note_numbers
            number = self.state.note_number(key)
            body = _note_body(bodies[name])
            if self.state.print_notes and first:
                _make_footnote(root, sup, body, number, self.state.note_label)
            elif self.state.print_notes:
                _make_repeat_call(root, sup, number, self.state.note_label)
            else:
                _make_reference(sup, number, first)
            if first and not self.state.print_notes:
                item = etree.SubElement(end_notes, "li", {"id": f"note-{number}",
                                                          "value": str(number)})
                item.extend(body)
                back = etree.SubElement(item[-1] if len(item) else item, "a",
                                        {"href": f"#note-ref-{number}", "class": "back",
                                         "aria-label": self.back_label})
                back.text = "^"
        if len(end_notes):
            etree.SubElement(root, "div", {"class": NOTES_MARK}).append(end_notes)


def _undefined_calls(root):
    """The labels of note calls left as text ("[^wgad]"), outside code, in order."""
    in_code = {id(part) for element in root.iter() if element.tag in ("code", "pre")
               for part in element.iter()}
    parents = {id(child): parent for parent in root.iter() for child in parent}
    labels = []
    for element in root.iter():
        parent = parents.get(id(element))
        texts = [element.text if id(element) not in in_code else None,
                 element.tail if parent is None or id(parent) not in in_code else None]
        for text in filter(None, texts):
            labels += NOTE_CALL.findall(text)
    return list(dict.fromkeys(labels))


def _print_link_targets(root):
    """Paper cannot be clicked: a web link whose text is not its address gets the address
    as a footnote, or in brackets where it already sits in a footnote."""
    in_notes = {id(a) for notes in root.findall("div[@class='footnote']")
                for a in notes.iter("a")}
    for link in list(root.iter("a")):
        href = link.get("href", "")
        text = "".join(link.itertext()).strip()
        bare = href.split("://", 1)[-1].rstrip("/")
        if not href.startswith(("http://", "https://")):
            continue
        if text == href and len(link) == 0:  # the address is the text: keep its start whole
            link.text = None
            link.append(_address(href, ""))
            continue
        if text.rstrip("/") in (href.rstrip("/"), bare):
            continue
        if id(link) in in_notes:
            addition = etree.Element("span", {"class": "link-target"})
            addition.text = " ("
            addition.append(_address(href, ")"))
        else:
            addition = etree.Element("span", {"class": LINK_TARGET_NOTE})
            addition.append(_address(href, ""))
        addition.tail, link.tail = link.tail, None
        _insert_after(root, link, addition)


def _address(href, after):
    """A printed address whose scheme and host stay on one line (class url-start)."""
    scheme, _, rest = href.partition("://")
    host, slash, path = rest.partition("/")
    address = etree.Element("span")
    start = etree.SubElement(address, "span", {"class": "url-start"})
    start.text = f"{scheme}://{host}"
    start.tail = slash + path + after
    return address


NUMBER_AFTER_WORD = re.compile(r"(?<=\S) (?=\d)")


def _bind_numbers_in_cells(root):
    """In a table cell a number stays with the word before it ("about 10,000"): a narrow
    column would otherwise leave the word alone on its line."""
    for cell in (e for e in root.iter() if e.tag in ("td", "th")):
        for part in cell.iter():
            part.text = part.text and NUMBER_AFTER_WORD.sub("\u00a0", part.text)
            if part is not cell:
                part.tail = part.tail and NUMBER_AFTER_WORD.sub("\u00a0", part.tail)


# A number, alone or after a word or two ("about 10,000", "more than 7,000", "около 190").
NUMBER = re.compile(r"(?:[^\W\d_]+[\s\u00a0]){0,2}[~≈<>+\u2212-]?\d[\d\s\u00a0\u202f,.]*%?")


def is_number(text):
    """Whether a table cell's text is a figure, to be aligned right with its column; a
    word before it is in lower case ("June 2020" is a date)."""
    text = text.strip()
    return bool(NUMBER.fullmatch(text)) and not text[:1].isupper()


# A column headed so holds identifiers (article 174, document No. 12), read from the left
# as words are, however much they look like figures; "number of" heads a quantity.
IDENTIFIER_HEADING = re.compile(r"(?<!\w)(?:articles?|art\.|no\.|№|#|code|id|number(?! of)|"
                                r"стать\w*|ст\.|номер\w*|код\w*|ба[пб]\w*|нөмір\w*)(?!\w)",
                                re.IGNORECASE)


def _mark_numeric_columns(root):
    """A table column whose body cells are all figures is aligned right, its heading too
    (class num), so that units, tens and thousands stand under each other; a column of
    identifiers stays on the left."""
    for table in (e for e in root.iter() if e.tag == "table"):
        rows = [[cell for cell in row if cell.tag in ("td", "th")] for row in table.iter("tr")]
        body = [row for row in rows if row and row[0].tag == "td"]
        heads = [row for row in rows if row and row[0].tag == "th"][:1]
        for column in range(max((len(row) for row in body), default=0)):
            texts = ["".join(row[column].itertext()) for row in body if column < len(row)]
            head = heads[0][column] if heads and column < len(heads[0]) else None
            if head is not None and IDENTIFIER_HEADING.search("".join(head.itertext())):
                continue
            if any(texts) and all(is_number(text) for text in texts if text.strip()):
                for row in rows:
                    if column < len(row):
                        cell = row[column]
                        cell.set("class", " ".join(filter(None, [cell.get("class"), "num"])))


# Where the last word of a paragraph or list item is looked for: not in notes, note calls
# or printed addresses (set apart), nor in blocks nested inside it (they have their own).
NOT_TEXT = {"sup", "code", "br", "img", "ul", "ol", "p", "div", "table", "blockquote", "pre"}
LAST_WORD = re.compile(r"(\s*)(\S+)(\s*)$")


def _keep_last_words(root):
    """The last word of each paragraph and list item is never hyphenated (class last-word),
    so that no fragment such as "ished." stands alone on a last line; WeasyPrint has no
    hyphenate-limit-last. The space before the word goes inside the span: a span after a
    space made WeasyPrint 70 leave a single word on a line above it."""
    notes = {id(e) for container in root.findall("div[@class='footnote']")
             for e in container.iter()}  # not hyphenated at all
    for block in [e for e in root.iter() if e.tag in ("p", "li") and id(e) not in notes]:
        slot = _last_text(block)
        if slot is None:
            continue
        parent, child = slot  # the text is child's tail, or parent's own text if no child
        if child is None and parent is not block:
            _take_space_before(block, parent)
        text = child.tail if child is not None else parent.text
        match = LAST_WORD.search(text)
        word = etree.Element("span", {"class": "last-word"})
        word.text, word.tail = match.group(1) + match.group(2), match.group(3)
        if child is not None:
            child.tail = text[:match.start()]
            parent.insert(list(parent).index(child) + 1, word)
        else:
            parent.text = text[:match.start()]
            parent.insert(0, word)


# A short quotation (up to three words: "a “negative image”") stays on one line, its
# spaces made no-break, and unhyphenated (class quotation): broken, its words read as the
# text's own. Its marks: English “...”, Russian and Kazakh «...» and „...“.
QUOTATION = re.compile(r"“[^“”\n]+”|«[^«»\n]+»|„[^„“”\n]+[“”]")
LONGEST_SHORT_QUOTATION = 3  # words
# A capitalised word is a name (of a person, place or body) or a sentence's first word:
# neither is hyphenated (class capitalised). Words shorter than the shortest that print.css
# lets be hyphenated (hyphenate-limit-chars: 7) need no span, which costs layout time.
WORD = re.compile(r"[^\W\d_][\w\u00ad]*")
SHORTEST_HYPHENATED = 7
# Parts that are not prose, or whose words are kept whole already.
NOT_PROSE = {*HEADINGS, "table", "code", "pre", "sup", "img"}
KEPT_WHOLE = {"link-target", "url-start", "person", "last-word", "quotation", "capitalised",
              "compound"}
# A name joined by its own hyphen ("Nur-Sultan", "Kassym-Jomart") is never broken there
# (class compound, print.css): "Nur-/Sultan" reads as two words.
COMPOUND = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w-])")


def _keep_together(element, stretches, name, skip=frozenset(), bind=False):
    """Put each stretch of element's prose that stretches(text) finds, as (start, end), in
    a span of class name, children first; not in the parts of class skip. bind: make the
    spaces of each stretch no-break."""
    for child in list(element):
        classes = set(child.get("class", "").split())
        if child.tag not in NOT_PROSE and not classes & (KEPT_WHOLE | skip):
            _keep_together(child, stretches, name, skip, bind)
        index = list(element).index(child) + 1
        child.tail = _wrap(element, child.tail, index, stretches, name, bind)
    element.text = _wrap(element, element.text, 0, stretches, name, bind)


def _wrap(parent, text, index, stretches, name, bind):
    """Insert into parent at index a span for each stretch of text, with the text after it
    as its tail; return the text before the first."""
    for start, end in reversed(stretches(text or "")):
        span = etree.Element("span", {"class": name})
        span.text, span.tail = text[start:end], text[end:]
        if bind:
            span.text = span.text.replace(" ", "\u00a0")
        parent.insert(index, span)
        text = text[:start]
    return text


def _short_quotations(text):
    return [match.span() for match in QUOTATION.finditer(text)
            if len(match.group().split()) <= LONGEST_SHORT_QUOTATION]


def _capitalised_compounds(text):
    return [match.span() for match in COMPOUND.finditer(text)
            if any(part[:1].isupper() for part in match.group().split("-"))]


def _capitalised_runs(text):
    """(start, end) of each stretch of text from a capitalised word to the last of those
    that follow it with no lower-case word between them; only words long enough to be
    hyphenated count, so that one span holds "the Ministry of Internal Affairs"."""
    stretches, joined = [], False
    for match in WORD.finditer(text):
        word = match.group()
        if not _hyphenable(word):
            continue
        if word[0].isupper() and joined:
            stretches[-1] = (stretches[-1][0], match.end())
        elif word[0].isupper():
            stretches.append(match.span())
        joined = word[0].isupper()
    return stretches


def _hyphenable(word):
    return len(word.replace("\u00ad", "")) >= SHORTEST_HYPHENATED


def _take_space_before(block, element):
    """Where an inline element of block (emphasis, a link) starts with the last word, the
    space before the element goes into it too, for the span to take (see above)."""
    if (element.text or "")[:1].isspace():
        return
    parents = {child: parent for parent in block.iter() for child in parent}
    while element is not block:
        parent = parents[element]
        index = list(parent).index(element)
        owner, attribute = (parent[index - 1], "tail") if index else (parent, "text")
        before = getattr(owner, attribute) or ""
        if before[-1:].isspace():
            setattr(owner, attribute, before.rstrip())
            element.text = " " + (element.text or "")
            return
        if before or index:
            return  # the word goes on from what precedes it: no space to take
        element = parent


def _last_text(element):
    """Where the last words of element's own text are: (parent, child) for child's tail,
    (element, None) for its text, or None."""
    for child in reversed(list(element)):
        if _has_word(child.tail):
            return element, child
        classes = set(child.get("class", "").split())
        if child.tag in NOT_TEXT or classes & {"footnote", "link-target", "note-call"}:
            continue
        found = _last_text(child)
        if found:
            return found
    return (element, None) if _has_word(element.text) else None


def _has_word(text):
    return bool(text) and any(character.isalpha() for character in text)


def _insert_after(root, element, new):
    for parent in root.iter():
        children = list(parent)
        if element in children:
            parent.insert(children.index(element) + 1, new)
            return


def _note_body(item):
    """The note's paragraphs without the return arrows Python-Markdown adds."""
    for parent in item.iter():
        for child in [c for c in parent if c.get("class") == "footnote-backref"]:
            position = list(parent).index(child)
            parent.remove(child)
            if position:
                parent[position - 1].tail = _strip_space(parent[position - 1].tail)
            else:
                parent.text = _strip_space(parent.text)
    return list(item)


def _strip_space(text):
    """Drop the no-break space Python-Markdown puts before the return arrow."""
    return (text or "").removesuffix(NBSP_PLACEHOLDER).rstrip()


def _is_link_target(element):
    return element.get("class") == LINK_TARGET_NOTE


def _make_footnote(root, sup, body, number, label):
    """A note printed at the foot of the page (CSS float: footnote), after its call.

    The call is a link to the note, made here rather than by CSS (::footnote-call): only
    an <a> becomes a link in the PDF, and a screen reader follows it to the Note.
    The note keeps its class and number, which the stylesheet prints as its marker.
    """
    classes = sup.get("class") or "footnote"
    parts = list(sup) if body is None else _note_parts(body)
    tail = sup.tail
    sup.clear()
    sup.tag, sup.tail = "span", tail
    sup.attrib.update({"class": classes, "id": f"note-{number}", "data-number": str(number)})
    sup.extend(parts)
    call = _note_call(number, label)
    call.set("id", f"note-ref-{number}")
    _attach_call(root, sup, call, keep=True)


def _note_parts(body):
    parts = []
    for index, paragraph in enumerate(body):
        part = etree.Element("span")
        part.text = ("" if index == 0 else " ") + (paragraph.text or "")
        part.extend(list(paragraph))
        part.tail = paragraph.tail
        parts.append(part)
    if parts:
        parts[-1].tail = None  # the note ends where its text does
    return parts


def _make_repeat_call(root, sup, number, label):
    """A second call of a footnote already printed: its number, a link to the note."""
    _attach_call(root, sup, _note_call(number, label), keep=False)


def _note_call(number, label):
    call = etree.Element("a", {"class": "note-call", "href": f"#note-{number}",
                               "aria-label": label % {"number": number}})
    call.text = str(number)
    return call


def _attach_call(root, sup, call, keep):
    """Put the call where sup is, joined to the text before it by a word joiner, so that no
    line starts with a call (WeasyPrint may break a line where an inline element starts);
    keep the note (sup) right after its call, or drop sup. (The word and call as one inline
    block instead made WeasyPrint carry a whole line's text past a list item's bold date
    when the block did not fit at the end of the line.)"""
    for parent in root.iter():
        children = list(parent)
        if sup in children:
            break
    index = children.index(sup)
    if index:
        children[index - 1].tail = (children[index - 1].tail or "") + WORD_JOINER
    else:
        parent.text = (parent.text or "") + WORD_JOINER
    parent.insert(index, call)
    if not keep:
        call.tail = sup.tail
        parent.remove(sup)


def _make_reference(sup, number, with_anchor):
    tail = sup.tail
    sup.clear()
    sup.tail = tail
    sup.set("class", "note-ref")
    link = etree.SubElement(sup, "a", {"href": f"#note-{number}"})
    if with_anchor:
        link.set("id", f"note-ref-{number}")
    link.text = str(number)


class BriefExtension(Extension):
    def __init__(self, state, label, prefix, back_label):
        super().__init__()
        self.state, self.label, self.prefix, self.back_label = state, label, prefix, back_label

    def extendMarkdown(self, md):
        processor = SectionTreeprocessor(md, self.state, self.label, self.prefix,
                                         self.back_label)
        # After inline patterns (20) and heading ids (toc, 5): needs final text and ids.
        md.treeprocessors.register(processor, "brief_section", 1)


def section_html(text, state, *, label="", prefix, back_label="Back to the text", lang="en"):
    """Render one section's Markdown to HTML: (body, end notes).

    label numbers the section's headings ("3" gives 3 and 3.1, 3.2; "Annex A" labels only
    the title); prefix keeps heading ids and notes of different sections apart.
    """
    md = markdown.Markdown(
        extensions=[
            "footnotes", "tables", "attr_list", "toc", "md_in_html", "mdx_truly_sane_lists",
            BriefExtension(state, label, prefix, back_label), NoBreakExtension(lang),
        ],
        extension_configs={
            "toc": {"slugify": lambda value, sep: prefix + slugify_unicode(value, sep)},
            "footnotes": {"BACKLINK_TEXT": ""},
            "mdx_truly_sane_lists": {"nested_indent": 2, "truly_sane": True},
        },
        output_format="html",
    )
    html = md.convert(text)
    body, _, notes = html.partition(f'<div class="{NOTES_MARK}">')
    return body, notes.strip().removesuffix("</div>")
