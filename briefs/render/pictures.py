"""Pictures in briefs: only files under content/, always with alt text, never with metadata.

Photos carry EXIF, GPS and XMP data that can place a person; every picture is re-encoded
without them and embedded as a data: URL, so the web page stands alone and the PDF gets
the same clean bytes.
"""

import base64
import io
import re
from pathlib import Path

from PIL import Image, ImageOps

from briefs.errors import ContentError

FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
IMG_TAG = re.compile(r"<img\b[^>]*>")


def clean_image_url(path):
    """A data: URL of the picture at path, without any of its metadata."""
    path = Path(path)
    if path.suffix.lower() == ".svg":
        return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()
    with Image.open(path) as original:
        picture = ImageOps.exif_transpose(original)  # keep it upright once EXIF is gone
        clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    buffer = io.BytesIO()
    kind = FORMATS[path.suffix.lower()]
    clean.save(buffer, kind, **({"quality": 90} if kind == "JPEG" else {}))
    mime = "image/jpeg" if kind == "JPEG" else "image/png"
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode()


def resolve(content_root, folder, reference, source, text=""):
    """The file a brief refers to, which must be a picture under content/."""
    line = _line_of(text, reference)
    if re.match(r"^[a-z][a-z0-9+.-]*:", reference, re.I):
        raise ContentError(source, f"the picture '{reference}' is not a file of the project",
                           line=line, hint="save the picture under content/ and refer to it "
                           "by its path, e.g. photo.jpg")
    path = (Path(folder) / reference).resolve()
    if not path.is_relative_to(Path(content_root).resolve()):
        raise ContentError(source, f"the picture '{reference}' is outside content/", line=line,
                           hint="keep pictures inside content/")
    if not path.is_file():
        raise ContentError(source, f"the picture '{reference}' does not exist", line=line,
                           hint="check the file name, or add the picture")
    if path.suffix.lower() not in (*FORMATS, ".svg"):
        raise ContentError(source, f"'{reference}' is not a JPEG, PNG or SVG picture",
                           line=line, hint="save it as .jpg, .png or .svg")
    if path.suffix.lower() == ".svg" and b"<text" in path.read_bytes():
        raise ContentError(source, f"the SVG picture '{reference}' contains text, which would "
                           "be drawn with whatever fonts the machine has", line=line,
                           hint="convert the text to outlines (paths) in your drawing program")
    return path


def check_pictures(html, content_root, folder, source, text, generated):
    """Refuse pictures that are not project files or lack alt text (before sanitising,
    which would silently drop an unknown address). generated: charts drawn for the page."""
    for match in IMG_TAG.finditer(html):
        _picture_path(match.group(0), content_root, folder, source, text, generated)


def embed_pictures(html, content_root, folder, source, text, generated):
    """Replace every <img src> of a section by the clean picture, or the drawn chart."""
    def replace(match):
        tag = match.group(0)
        src = re.search(r'\ssrc="([^"]*)"', tag)
        path = _picture_path(tag, content_root, folder, source, text, generated)
        if path in generated:
            url = "data:image/svg+xml;base64," + base64.b64encode(generated[path]).decode()
        else:
            url = clean_image_url(path)
        return tag.replace(src.group(0), f' src="{url}"')

    return IMG_TAG.sub(replace, html)


def _picture_path(tag, content_root, folder, source, text, generated):
    src = re.search(r'\ssrc="([^"]*)"', tag)
    alt = re.search(r'\salt="([^"]*)"', tag)
    reference = src.group(1) if src else ""
    if not alt or not alt.group(1).strip():
        raise ContentError(source, f"the picture '{reference}' has no alternative text",
                           line=_line_of(text, reference),
                           hint="describe it between the brackets: ![what it shows](file)")
    if reference in generated:
        return reference
    return resolve(content_root, folder, reference, source, text)


def _line_of(text, needle):
    position = text.find(needle) if needle else -1
    return text.count("\n", 0, position) + 1 if position >= 0 else None
