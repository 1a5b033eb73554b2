"""Pictures in briefs, embedded clean: never with metadata, scripts or outside references.

Photos carry EXIF, GPS and XMP data that can place a person; every raster picture is
re-encoded without them. SVG pictures can carry scripts, event handlers, foreign objects,
references to other files, comments and metadata (the author, the path on their disk);
svg-hush (Cloudflare's filter) removes those it knows, and what is left may refer only to
parts of the picture itself. Every picture is embedded as a data: URL, so the web page
stands alone and the PDF gets the same clean bytes.
"""

import base64
import io
import re
from html import unescape as html_unescape
from xml.etree import ElementTree  # for writing only: pictures are read with defusedxml

import defusedxml.ElementTree
from PIL import Image, ImageOps
from py_svg_hush import filter_svg

from briefs.content.pictures import picture
from briefs.errors import ContentError

IMG_TAG = re.compile(r"<img\b[^>]*>")
SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"
# Elements that describe rather than draw: the page gives the picture's alternative text.
DESCRIPTIONS = {f"{{{SVG_NS}}}{name}" for name in ("title", "desc", "metadata")}
ElementTree.register_namespace("", SVG_NS)
OUTSIDE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|\\", re.I)


def data_url(found):
    """A data: URL of a Picture (briefs.content.pictures), clean."""
    if found.kind == "svg":
        try:
            svg = clean_svg(found.data)
        except ValueError as error:
            raise ContentError(found.path, f"this SVG picture cannot be cleaned ({error})",
                               hint="export it again as plain SVG from your drawing program") \
                from None
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    with Image.open(io.BytesIO(found.data)) as original:
        upright = ImageOps.exif_transpose(original)  # keep it upright once EXIF is gone
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, found.kind.upper(), **({"quality": 90} if found.kind == "jpeg" else {}))
    return f"data:image/{found.kind};base64," + base64.b64encode(buffer.getvalue()).decode()


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


def section_pictures(html, edition, section, generated):
    """{reference: clean data: URL} of every picture a section's HTML shows, or the chart
    the section drew (generated: {name: SVG bytes}); refuse a picture that is not a
    picture of the project or has no alternative text. Call it before sanitising, which
    would silently drop an unknown address."""
    pictures = {}
    for tag in IMG_TAG.findall(html):
        src = re.search(r'\ssrc="([^"]*)"', tag)
        alt = re.search(r'\salt="([^"]*)"', tag)
        reference = html_unescape(src.group(1)) if src else ""
        line = _line_of(section.text, reference)
        if not alt or not alt.group(1).strip():
            raise ContentError(section.path, f"the picture '{reference}' has no alternative "
                               "text", line=line,
                               hint="describe it between the brackets: ![what it shows](file)")
        if reference in generated:
            pictures[reference] = ("data:image/svg+xml;base64,"
                                   + base64.b64encode(generated[reference]).decode())
        elif reference not in pictures:
            pictures[reference] = data_url(picture(edition.project, section.path.parent,
                                                   reference, section.path, line))
    return pictures


def embed_pictures(html, pictures):
    """Put each picture's data: URL in place of its reference (after sanitising)."""
    def replace(match):
        tag = match.group(0)
        src = re.search(r'\ssrc="([^"]*)"', tag)
        if not src:
            return tag
        url = pictures.get(html_unescape(src.group(1)))
        return tag.replace(src.group(0), f' src="{url}"') if url else ""

    return IMG_TAG.sub(replace, html)


def _line_of(text, needle):
    position = text.find(needle) if needle else -1
    return text.count("\n", 0, position) + 1 if position >= 0 else None
