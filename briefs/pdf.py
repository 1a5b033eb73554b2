"""Printing an edition's HTML to PDF with WeasyPrint, reading only the project's files."""

import datetime
import functools
import gc
import hashlib
import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint.pdf.fonts
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from briefs.files import file_state, write_atomically


class ProjectFetcher(URLFetcher):
    """Lets WeasyPrint read files under the given folders and data: URLs, nothing else.

    Hyperlinks are never fetched, only what the page needs to be drawn: images,
    stylesheets and fonts. Anything else stops the build and names the address.
    """

    def __init__(self, roots):
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = [Path(root).resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.startswith("data:") or self._inside(url):
            return super().fetch(url, headers)
        raise FatalURLFetchingError(
            f"refused to load {url}: a brief may only use files under content/ and "
            "templates/; copy the file into content/ and refer to it there")

    def _inside(self, url):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots)


@contextmanager
def source_date(day):
    """Stamp everything WeasyPrint and its font subsetter date with the brief's date."""
    moment = datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def print_pdf(html, target, *, project, day, identifier, variant="pdf/ua-1"):
    """Lay out the HTML and write the PDF atomically; return its pages and bytes.

    The default PDF/UA-1 is tagged for screen readers; an archival variant such as
    pdf/a-3u is one switch away. Tags stay on whatever the variant.
    """
    options = {"pdf_variant": variant, "pdf_tags": True, "optimize_images": True}
    fetcher = ProjectFetcher([project.content, project.templates])
    page, texts = lift_styles(html)
    fonts, sheets = parsed_stylesheets(tuple(texts), fetcher)
    # No base URL: every resource is an absolute file: or data: URL already, and relative
    # links (to the other editions) must stay relative rather than carry this machine's
    # folders into the PDF.
    with collections_paused():
        document = HTML(string=page, base_url=None, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts, **options)
        with source_date(day):
            data = document.write_pdf(
                pdf_identifier=hashlib.sha256(identifier.encode()).hexdigest()[:32].encode(),
                **options)
        pages = len(document.pages)
        del document
    write_atomically(target, data)
    return pages, len(data)


@contextmanager
def collections_paused():
    """No garbage collection while WeasyPrint prints; the caller collects when it suits.

    WeasyPrint makes millions of short-lived objects while it prints, and the collector's
    passes over them took a quarter of a long report's print. A few cycles among what it
    leaves keep each printed document alive until a collection, which for the 1,000-row
    annex takes about half a second: worth it between two editions, not in a job's process
    about to exit (briefs.cli.run_brief, briefs.worker.run_job).
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
    page must be laid out with; the others on their own. Both are kept by text, the
    folders the fetcher may read, and the size and time of every file the text names, so
    a changed font or picture is read again.
    """
    faces = tuple(text for text in texts if "@font-face" in text)
    fonts, face_sheets = _face_sheets(faces, tuple(fetcher.roots), _file_states(faces))
    return fonts, [face_sheets[text] if text in face_sheets
                   else _plain_sheet(text, tuple(fetcher.roots), _file_states([text]))
                   for text in texts]


@functools.lru_cache(maxsize=4)
def _face_sheets(texts, roots, _states):
    fonts = FontConfiguration()
    return fonts, {text: CSS(string=text, font_config=fonts, url_fetcher=ProjectFetcher(roots))
                   for text in texts}


@functools.lru_cache(maxsize=16)
def _plain_sheet(text, roots, _states):
    return CSS(string=text, url_fetcher=ProjectFetcher(roots))


def _file_states(texts):
    urls = sorted({url for text in texts for url in FILE_URL.findall(text)})
    return tuple((url, file_state(unquote(urlsplit(url).path))) for url in urls)


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
