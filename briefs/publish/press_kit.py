"""A brief's press kit: every edition's PDF and web page, a plain-text version of each for
pasting into an e-mail, and the manifest entries of those files, in one reproducible zip."""

import datetime
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

from inscriptis import get_text
from inscriptis.model.config import ParserConfig

from briefs.files import write_whole

WEB_ONLY = re.compile(r'<a class="skip-link".*?</a>|<nav class="web-bar".*?</nav>', re.S)


def plain_text(html):
    """The text of a web edition as a reader would paste it: no menus, no markup."""
    body = html[html.index("<body"):]
    text = get_text(WEB_ONLY.sub("", body), ParserConfig(display_links=False))
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def kit_files(record_paths):
    """(name in the zip, bytes) of every file of the kit, in a fixed order."""
    files = []
    for record_path in sorted(Path(p) for p in record_paths):
        record = json.loads(record_path.read_text(encoding="utf-8"))
        stem = f"{record['id']}.{record['lang']}"
        html = (record_path.parent / f"{stem}.html").read_bytes()
        files += [(f"{stem}.pdf", (record_path.parent / f"{stem}.pdf").read_bytes()),
                  (f"{stem}.html", html),
                  (f"{stem}.txt", plain_text(html.decode("utf-8")).encode("utf-8"))]
    entries = [{"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
               for name, data in files]
    manifest = json.dumps({"files": entries}, indent=1, sort_keys=True) + "\n"
    return files + [("manifest.json", manifest.encode("utf-8"))]


def write_press_kit(record_paths, day, target, scratch):
    """The zip, dated with the brief's date so that the same sources give the same bytes."""
    buffer = io.BytesIO()
    stamp = datetime.datetime.combine(day, datetime.time(12)).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in kit_files(record_paths):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    write_whole(target, buffer.getvalue(), scratch)

