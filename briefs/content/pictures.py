"""Pictures a brief names: files under content/, JPEG, PNG or SVG by their content, of a
size a page can use. The render stage embeds them (briefs.render.pictures)."""

import io
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from PIL import Image

from briefs.errors import ContentError, shown_path

EXTENSIONS = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".svg": "svg"}
MAX_PIXELS = 25_000_000  # a 6,000 x 4,000 photo; decoded, a picture costs 3 to 4 bytes a pixel
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses twice as many anywhere else it opens
SVG = "{http://www.w3.org/2000/svg}"
# The widths an editor may give a picture, as shares of the text's width; without one
# a picture keeps its own size, never wider than the text (templates/css/common.css).
SIZES = ("full", "half", "third")


@dataclass(frozen=True)
class Picture:
    path: Path
    kind: str  # jpeg, png or svg, as its content says
    data: bytes


def picture(project, folder, reference, source, line=None):
    """The picture `reference` names, relative to folder; ContentError naming source (the
    file that names it) and line if it is not a usable picture of the project."""
    def refuse(reason, hint):
        return ContentError(source, reason, line=line, hint=hint)

    if re.match(r"^[a-z][a-z0-9+.-]*:", reference, re.I) or reference.startswith("/"):
        raise refuse(f"the picture '{reference}' is not a file of the project",
                     "save the picture under content/ and refer to it by its path, "
                     "e.g. photo.jpg")
    path = Path(os.path.normpath(Path(folder) / reference))
    if not path.is_relative_to(project.content):
        raise refuse(f"the picture '{reference}' is outside content/",
                     "keep pictures inside content/")
    expected = EXTENSIONS.get(path.suffix.lower())
    if expected is None:
        raise refuse(f"'{reference}' is not a JPEG, PNG or SVG picture",
                     "save it as .jpg, .png or .svg")
    if not project.exists(path):
        raise refuse(f"the picture '{reference}' does not exist",
                     "check the file name, or add the picture")
    try:
        data = project.read_bytes(path, "picture")
    except ContentError as error:
        raise refuse(f"the picture '{reference}' cannot be used: {shown_path(error.path)}: "
                     f"{error.reason}", error.hint) from None
    kind = _kind(data)
    if kind != expected:
        raise refuse(f"'{reference}' is named as a {expected.upper()} picture but its content "
                     f"is {('a ' + kind.upper() + ' picture') if kind else 'no picture we use'}",
                     "save it again from your drawing or photo program as JPEG, PNG or SVG")
    problem = _svg_problem(data) if kind == "svg" else _raster_problem(data)
    if problem:
        raise refuse(f"the picture '{reference}' {problem[0]}", problem[1])
    return Picture(path, kind, data)


def _kind(data):
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096]:
        return "svg"
    return None


def _raster_problem(data):
    try:
        with _size_only(), Image.open(io.BytesIO(data)) as image:  # reads the header
            width, height = image.size
    except OSError:
        return "cannot be read as a picture", "save it again from your photo program"
    if width * height > MAX_PIXELS:
        return (f"has {width} x {height} pixels, more than the {MAX_PIXELS // 1_000_000} million "
                "a brief may use", "make it smaller: 3,000 pixels across is plenty for print")
    return None


@contextmanager
def _size_only():
    """Let Pillow read the size of any picture, without decoding it, so that we say it."""
    Image.MAX_IMAGE_PIXELS = None
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _svg_problem(data):
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except (DefusedXmlException, SyntaxError, ValueError):
        return ("is not an SVG picture we can read (entity declarations and document types are "
                "not allowed)", "export it again as plain SVG from your drawing program")
    if root.tag != f"{SVG}svg":
        return "is not an SVG picture", "export it again as SVG from your drawing program"
    if any(element.tag == f"{SVG}text" for element in root.iter()):
        return ("contains text, which would be drawn with whatever fonts the machine has",
                "convert the text to outlines (paths) in your drawing program")
    return None
