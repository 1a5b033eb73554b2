"""Printing an edition's HTML to PDF with WeasyPrint, reading only the project's files."""

import datetime
import functools
import gc
import hashlib
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint.pdf.fonts
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.formatting_structure import boxes
from weasyprint.images import RasterImage
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

from briefs import pdf_tags
from briefs.errors import ContentError


class ProjectFetcher(URLFetcher):
    """Lets WeasyPrint read the project's files under content/ and templates/ (through
    briefs.project, so never through a link) and data: URLs, nothing else.

    Hyperlinks are never fetched, only what the page needs to be drawn: images,
    stylesheets and fonts. Anything else stops the build and names the address.
    """

    KINDS = {".ttf": "font", ".otf": "font", ".woff": "font", ".woff2": "font",
             ".css": "template"}

    def __init__(self, project):
        super().__init__(allowed_protocols=("data",))
        self.project = project

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self._inside(url)
        if path is None:
            raise Refused(ContentError(
                url, "refused to load this address: a brief may only use files under "
                "content/ and templates/", hint="copy the file into content/ and refer to it "
                "there"))
        try:
            data = self.project.read_bytes(path, self.KINDS.get(path.suffix.lower(),
                                                                "picture"))
        except ContentError as error:
            raise Refused(error) from None
        return URLFetcherResponse(url, data)

    def _inside(self, url):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(os.path.normpath(unquote(parts.path)))
        roots = (self.project.content, self.project.templates)
        return path if any(path.is_relative_to(root) for root in roots) else None


class Refused(FatalURLFetchingError):
    """A file the page may not use, which stops the printing (print_pdf says why)."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


@contextmanager
def source_date(day):
    """Stamp everything WeasyPrint and its font subsetter date with the brief's date, or
    with a released version's time (a datetime)."""
    moment = day if isinstance(day, datetime.datetime) else datetime.datetime.combine(
        day, datetime.time(), datetime.timezone.utc)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def print_pdf(html, *, project, day, identifier, variant="pdf/ua-1", budget=None):
    """Lay out the HTML; return the PDF's bytes, its number of pages, its raster pictures
    as laid out (placed_pictures) and, where it has more pages than budget, the parts of
    its text printed past them (a list of Moved).

    The default PDF/UA-1 is tagged for screen readers; an archival variant such as
    pdf/a-3u is one switch away. Tags stay on whatever the variant.
    """
    options = {"pdf_variant": variant, "pdf_tags": True, "optimize_images": True}
    fetcher = ProjectFetcher(project)
    page, texts = lift_styles(html)
    # No base URL: every resource is an absolute file: or data: URL already, and relative
    # links (to the other editions) must stay relative rather than carry this machine's
    # folders into the PDF.
    with refusals():
        fonts, sheets = parsed_stylesheets(tuple(texts), fetcher)
        with collections_paused():
            document = HTML(string=page, base_url=None, url_fetcher=fetcher).render(
                stylesheets=sheets, font_config=fonts, **options)
            with source_date(day):
                data = document.write_pdf(
                    pdf_identifier=hashlib.sha256(identifier.encode()).hexdigest()[:32].encode(),
                    finisher=pdf_tags.finish, **options)
            pages = len(document.pages)
            placed = placed_pictures(document) if RASTER.search(page) else []
            moved = past_budget(document, budget) if budget and pages > budget else []
            del document
    return data, pages, placed, moved


RASTER = re.compile(r"data:image/(png|jpeg)")  # every picture is embedded (render.pictures)


def placed_pictures(document):
    """Each raster picture of a laid-out document, in the order of its pages: its src,
    its width in pixels and the width it is printed at, in CSS pixels (96 an inch)."""
    placed = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:  # depth first, in the page's order, without nested generators
            box = stack.pop()
            if isinstance(getattr(box, "replacement", None), RasterImage):
                placed.append((box.element.get("src"), box.replacement.width, box.width))
            stack.extend(reversed(getattr(box, "children", ())))
    return placed


@dataclass(frozen=True)
class Moved:
    """A part of a brief printed past its page budget: what it is, how many of its lines,
    and whether all of it (rather than its last lines)."""

    part: str
    lines: int
    whole: bool


# The parts of a page an editor knows by name, by their class.
PARTS = {"contact": "the contact line", "signatories": "the list of signatories",
         "bio": "the author's note", "column-foot": "the publisher line",
         "imprint": "the imprint", "statement-head": "the title"}


def past_budget(document, budget):
    """The parts of the laid-out document with lines on pages past budget, in the order
    they print, each with the number of its lines there (read from WeasyPrint 70's page
    boxes, the version pdf_tags.install insists on)."""
    before, after = {}, {}
    for number, page in enumerate(document.pages, start=1):
        lines = before if number <= budget else after
        for part, key in _lines(page._page_box, "the text", None):
            lines.setdefault(part, set()).add((number, *key))
    return [Moved(part, len(keys), part not in before) for part, keys in after.items()]


def _lines(box, part, column):
    """(part, (column, height on the page)) for each line of text in box: the lines of
    table cells side by side, or of two columns at one height, are told apart."""
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.LineBox):
        if next(_texts(box), None) is not None:
            yield part, (column, round(box.position_y, 1))
        return
    part = _part(box, part)
    if box.is_column:
        column = round(box.position_x)
    for child in getattr(box, "children", ()):
        yield from _lines(child, part, column)


def _part(box, part):
    if isinstance(box, boxes.FootnoteAreaBox):
        return "the notes"
    element = box.element
    if element is None or box.element_tag not in ("section", "footer", "header", "p", "div"):
        return part
    classes = set((element.get("class") or "").split())
    named = [PARTS[name] for name in sorted(classes) if name in PARTS]
    if named:
        return named[0]
    if "section" in classes:
        heading = element.find(".//h2")
        return f"'{''.join(heading.itertext()).strip()}'" if heading is not None else part
    return part


def _texts(box):
    """The text boxes of a line with something printed."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox) and child.text.strip():
            yield child
        else:
            yield from _texts(child)


@contextmanager
def refusals():
    """A file the fetcher refused, as the ContentError it is."""
    try:
        yield
    except Refused as refused:
        raise refused.error from None


@contextmanager
def collections_paused():
    """No garbage collection while WeasyPrint prints; the caller collects when it suits.

    WeasyPrint makes millions of short-lived objects while it prints, and the collector's
    passes over them took a quarter of a long report's print. A few cycles among what it
    leaves keep each printed document alive until a collection, which for the 1,000-row
    annex takes about half a second: worth it between two editions, not in a job's process
    about to exit (a job of briefs.workflow.jobs).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


HEAD_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
FILE_URL = re.compile(r"file://[^\s\"')]+")


def lift_styles(html):
    """The page without the <style> elements of its head, and their texts in order.

    Parsing a brief's stylesheet takes as long as laying out a one-page statement, and
    every edition has the same one. So printing takes the sheets out of the page and gives
    them to WeasyPrint as parsed stylesheets, each parsed once per process. They then count
    as user rather than author stylesheets; the cascade is unchanged as long as they use no
    !important, which the templates do not.
    """
    head, end, body = html.partition("</head>")
    texts = [text.strip() for text in HEAD_STYLE.findall(head)]  # as the same sheet
    return HEAD_STYLE.sub("", head) + end + body, texts


def parsed_stylesheets(texts, fetcher):
    """The font configuration and parsed sheets for these stylesheet texts.

    Sheets with @font-face rules are parsed together, into the one font configuration the
    page must be laid out with; the others on their own. Both are kept by their text and
    the bytes of every file the text names (fonts), so a changed font is read again.
    """
    faces = tuple(text for text in texts if "@font-face" in text)
    fonts, face_sheets = _face_sheets(faces, fetcher.project, _contents(fetcher, faces))
    return fonts, [face_sheets[text] if text in face_sheets
                   else _plain_sheet(text, fetcher.project, _contents(fetcher, [text]))
                   for text in texts]


@functools.lru_cache(maxsize=4)
def _face_sheets(texts, project, _contents):
    fonts = FontConfiguration()
    return fonts, {text: CSS(string=text, font_config=fonts, url_fetcher=ProjectFetcher(project))
                   for text in texts}


@functools.lru_cache(maxsize=16)
def _plain_sheet(text, project, _contents):
    return CSS(string=text, url_fetcher=ProjectFetcher(project))


def _contents(fetcher, texts):
    """The SHA-256 of every file the texts name: what the parsed sheets were made from."""
    urls = sorted({url for text in texts for url in FILE_URL.findall(text)})
    return tuple((url, hashlib.sha256(fetcher.fetch(url).read()).hexdigest()) for url in urls)


class OpenArrays:
    """WeasyPrint's cffi interface, making sized arrays with values as open ones.

    WeasyPrint's font subsetter asks for one array type per glyph count, as in
    ffi.new(f"hb_codepoint_t[{n}]", values), and cffi runs a C parser over each new type
    name: about 9 ms, several times per edition, and lost with every forked job, where
    printing a one-page edition takes 40 ms. 'hb_codepoint_t[]' with the same n values is
    the same array, and its type is parsed once.
    """

    SIZED = re.compile(r"(?P<item>[\w ]+)\[(?P<size>\d+)\]")

    def __init__(self, ffi):
        self._ffi = ffi

    def new(self, cdecl, init=None):
        sized = self.SIZED.fullmatch(cdecl)
        if sized and init is not None and len(init) == int(sized["size"]):
            cdecl = sized["item"] + "[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name):
        return getattr(self._ffi, name)


weasyprint.pdf.fonts.ffi = OpenArrays(weasyprint.pdf.fonts.ffi)
pdf_tags.install()
