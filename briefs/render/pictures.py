"""Pictures in briefs, embedded clean: never with metadata, scripts or outside references.

Photos carry EXIF, GPS and XMP data that can place a person; every raster picture is
re-encoded without them. SVG pictures can carry scripts, event handlers, foreign objects,
references to other files, comments and metadata (the author, the path on their disk);
svg-hush (Cloudflare's filter) removes those it knows, and what is left may refer only to
parts of the picture itself. Every picture is embedded as a data: URL, so the web page
stands alone and the PDF gets the same clean bytes; a section's HTML is read as a browser
reads it (tinyhtml5, to the HTML standard), and whatever else in it a browser would load
is refused.
"""

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree  # for writing only: pictures are read with defusedxml

import defusedxml.ElementTree
import tinyhtml5
from PIL import Image, ImageOps
from py_svg_hush import filter_svg

from briefs.content.pictures import SIZES, picture
from briefs.content.yamlfile import shorten
from briefs.errors import ContentError, did_you_mean
from briefs.project import MB
from briefs.render.sanitize import clean_html, loads

# A page's pictures in bytes, each counted as often as it is shown: two photos at the
# largest a picture file may be (20 MB), which a job prints within its 1000 MB.
MAX_EMBEDDED = 40 * MB
WHITESPACE = " \t\n\f\r"  # what a browser strips around an address
OUTSIDE_HINT = ("a section can show pictures of content/ only, with ![what it shows](file): "
                "remove this (for a web address, write a link: [its title](address))")
SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"
# Elements that describe rather than draw: the page gives the picture's alternative text.
DESCRIPTIONS = {f"{{{SVG_NS}}}{name}" for name in ("title", "desc", "metadata")}
ElementTree.register_namespace("", SVG_NS)
OUTSIDE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|\\", re.I)
# Below this, a printed photo shows its pixels; a CSS inch is 96 CSS pixels.
MIN_DPI = 150
CSS_PX_PER_INCH = 96


def data_url(found):
    """A data: URL of a Picture (briefs.content.pictures), clean."""
    kind = "svg+xml" if found.kind == "svg" else found.kind
    return f"data:image/{kind};base64," + base64.b64encode(clean_picture(found)).decode()


def clean_picture(found):
    """The bytes of a Picture (briefs.content.pictures), clean."""
    if found.kind == "svg":
        try:
            return clean_svg(found.data)
        except ValueError as error:
            raise ContentError(found.path, f"this SVG picture cannot be cleaned ({error})",
                               hint="export it again as plain SVG from your drawing program") \
                from None
    with Image.open(io.BytesIO(found.data)) as original:
        upright = ImageOps.exif_transpose(original)  # keep it upright once EXIF is gone
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, found.kind.upper(), **({"quality": 90} if found.kind == "jpeg" else {}))
    return buffer.getvalue()


def clean_svg(data):
    """An SVG picture with nothing but what draws it, referring to nothing outside itself."""
    root = defusedxml.ElementTree.fromstring(filter_svg(data, None))
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in DESCRIPTIONS or child.tag == f"{{{SVG_NS}}}image" or (
                    child.tag == f"{{{SVG_NS}}}style" and OUTSIDE.search(child.text or "")):
                parent.remove(child)
        for name in [name for name, value in parent.attrib.items()
                     if (name in ("href", XLINK) and not value.startswith("#"))
                     or OUTSIDE.search(value)]:
            del parent.attrib[name]
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


class EditionPictures:
    """The pictures one page of an edition shows: each checked and cleaned once, each
    showing counted, up to MAX_EMBEDDED bytes in all."""

    def __init__(self, edition, generated):
        self.edition, self.generated = edition, generated  # generated: {name: SVG bytes}
        self.urls = {}  # a picture's path, or a chart's name: (data: URL, bytes)
        self.embedded = 0
        self.showings = {}  # a photo's data: URL: a Showing for each time it is shown

    def clean(self, html, section):
        """A section's HTML (its body or its notes) cleaned, with its pictures embedded.
        Refuse anything the HTML would have a browser load but pictures of the project
        with alternative text, and pictures past the page's budget."""
        pictures = {}
        for element in tinyhtml5.parse(html, namespace_html_elements=False).iter():
            if not isinstance(element.tag, str):
                continue  # a comment
            _refuse_loads(element, section)
            if element.tag == "img" and "src" in element.attrib:
                src = element.get("src")
                pictures[src] = self._embed(src.strip(WHITESPACE), element, section)
        return clean_html(html, pictures)

    def _embed(self, reference, element, section):
        line = _line_of(section.text, reference)
        if reference in self.generated:
            url, size = self._generated(reference)
        else:
            found = picture(self.edition.project, section.path.parent, reference,
                            section.path, line)
            url, size = self._cleaned(found)
            self._shown(found, url, Showing(section.path, line, reference, None))
        alt = element.get("alt")
        if not alt or not alt.strip():
            raise ContentError(section.path, f"the picture '{shorten(reference)}' has no "
                               "alternative text", line=line,
                               hint="describe it between the brackets: ![what it shows](file)")
        _refuse_unknown_size(element.get("class", ""), reference, section.path, line)
        self._count(size, section.path, reference)
        return url

    def named(self, relative):
        """A picture brief.yaml or organisations.yaml names (checked when they were
        loaded), as the page templates show it."""
        project, photo = self.edition.project, self.edition.brief.photo
        found = picture(project, project.content, relative, project.content / relative)
        url, size = self._cleaned(found)
        brief_yaml = project.brief_dir(self.edition.brief.id) / "brief.yaml"
        if photo and photo.file == relative:
            self._shown(found, url, Showing(brief_yaml, None, relative, "photo"))
        else:
            self._shown(found, url, Showing(project.content / "organisations.yaml", None,
                                            relative, "logo"))
        self._count(size, brief_yaml, relative)
        return url

    def _shown(self, found, url, showing):
        """Note where a photo is shown, to tell its printed resolution once laid out."""
        if found.kind != "svg":
            self.showings.setdefault(url, []).append(showing)

    def resolution_warnings(self, placed):
        """A warning for each photo that prints at fewer than MIN_DPI pixels an inch.
        placed: (data: URL, width in pixels, laid-out width in CSS pixels) for each raster
        picture of the printed page, in the page's order, which is the order they were
        shown in."""
        warnings, seen = {}, {}
        for url, pixels, width in placed:
            showings = self.showings.get(url)
            if not showings or width <= 0:
                continue
            showing = showings[min(seen.get(url, 0), len(showings) - 1)]
            seen[url] = seen.get(url, 0) + 1
            dpi = round(pixels * CSS_PX_PER_INCH / width)
            if dpi < MIN_DPI:
                warnings[showing.warning(dpi)] = None
        return list(warnings)

    def _generated(self, name):
        if name not in self.urls:
            svg = self.generated[name]
            self.urls[name] = ("data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
                               len(svg))
        return self.urls[name]

    def _cleaned(self, found):
        if found.path not in self.urls:
            url = data_url(found)
            self.urls[found.path] = url, (len(url) - url.index(",") - 1) * 3 // 4
        return self.urls[found.path]

    def _count(self, size, path, reference):
        """Add a showing of a picture; its line is not told, as the same reference may
        stand on many."""
        self.embedded += size
        if self.embedded > MAX_EMBEDDED:
            raise ContentError(path, f"with '{shorten(reference)}', the pictures this edition "
                               f"shows come to more than {MAX_EMBEDDED // MB} MB (a picture "
                               "counts each time it is shown)",
                               hint="show fewer pictures, or smaller ones: a photo 2,000 "
                               "pixels wide saved as JPEG takes about 0.5 MB")


@dataclass(frozen=True)
class Showing:
    """Where a photo is shown: the file and line that name it, or the field of a YAML
    file (photo, logo)."""

    path: Path
    line: int | None
    reference: str
    field: str | None

    def warning(self, dpi):
        smaller = {None: "or a smaller size: {: .half } or {: .third } right after it",
                   "photo": "or a smaller size: 'size: third' under 'photo:'",
                   "logo": "as the logo is printed at the letterhead's height"}[self.field]
        return str(ContentError(self.path, f"{shorten(self.reference)} would print at {dpi} "
                                f"dpi at its size ({MIN_DPI} at least)", line=self.line,
                                field=self.field,
                                hint=f"give a larger picture (more pixels across) {smaller}"))


def _refuse_unknown_size(classes, reference, path, line):
    """A picture's class is its size, as the editor gives it ({: .half }): one of SIZES."""
    words = classes.split()
    unknown = [word for word in words if word not in SIZES]
    if unknown or len(words) > 1:
        reason = (f"'{shorten(unknown[0])}' is not a size of picture" if unknown else
                  f"the picture '{shorten(reference)}' is given {len(words)} sizes")
        raise ContentError(path, reason, line=line, hint=(
            f"{did_you_mean(unknown[0], SIZES) if unknown else ''}give one size right after "
            "the picture: {: .full }, {: .half } or {: .third } (of the text's width)"))


def _refuse_loads(element, section):
    """Refuse an element that would have a browser load anything but an <img>'s picture."""
    found = loads(element)
    if found:
        what, address = found[0]
        raise ContentError(section.path, f"{what} would have every reader's browser load "
                           f"'{shorten(address)}'", line=_line_of(section.text, address),
                           hint=OUTSIDE_HINT)


def _line_of(text, needle):
    """The line where text first holds needle as it is written (in any case), if it does."""
    found = re.search(re.escape(needle), text, re.I) if needle else None
    return text.count("\n", 0, found.start()) + 1 if found else None
