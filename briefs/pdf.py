"""Printing an edition's HTML to PDF with WeasyPrint, reading only the project's files."""

import datetime
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML, URLFetcher
from weasyprint.urls import FatalURLFetchingError

from .files import write_atomically



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
    # No base URL: every resource is an absolute file: or data: URL already, and relative
    # links (to the other editions) must stay relative rather than carry this machine's
    # folders into the PDF.
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(**options)
    with source_date(day):
        data = document.write_pdf(
            pdf_identifier=hashlib.sha256(identifier.encode()).hexdigest()[:32].encode(),
            **options)
    write_atomically(target, data)
    return len(document.pages), len(data)
