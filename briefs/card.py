"""The picture shown when a brief's web page is shared (OpenGraph and Twitter cards)."""

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
ACCENT, INK, WARM = "#143a66", "#ffffff", "#f2b8a2"


def card_png(fonts, *, kind, title, byline, date):
    """A 1200×630 PNG drawn with the project's fonts, the same bytes on every machine."""
    image = Image.new("RGB", SIZE, ACCENT)
    draw = ImageDraw.Draw(image)
    label = ImageFont.truetype(str(fonts / "PTSans-Bold.ttf"), 30)
    heading = ImageFont.truetype(str(fonts / "PTSans-Bold.ttf"), 64)
    small = ImageFont.truetype(str(fonts / "PTSans-Regular.ttf"), 34)
    draw.text((80, 80), kind.upper(), font=label, fill=WARM)
    lines = textwrap.wrap(title, width=30)[:4]
    for index, line in enumerate(lines):
        draw.text((80, 150 + index * 78), line, font=heading, fill=INK)
    draw.text((80, 500), byline, font=small, fill=INK)
    draw.text((80, 550), date, font=small, fill=WARM)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")  # "optimize" would save 5% of the bytes for 3 times the time
    return buffer.getvalue()
