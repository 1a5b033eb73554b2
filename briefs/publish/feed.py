"""The catalogue's Atom feeds (RFC 4287), one per language (feed.<lang>.xml beside the
catalogue): an entry per edition in that language, newest first, made from the editions'
entries as the catalogue is.

Links are absolute where the build knows its site's address (site_url), relative to the
feed otherwise. An entry's id is a tag: URI (RFC 4151) of its publisher's web address,
the brief's date, id and language: it stays the same wherever the site moves.
"""

import uuid
from urllib.parse import urlsplit
from xml.etree import ElementTree  # for writing only: nothing is read back

from briefs.files import feed_file, write_whole
from briefs.i18n import language_name

ATOM = "http://www.w3.org/2005/Atom"


def feed_languages(records):
    """The languages that have a feed: those of the editions built."""
    return sorted({record["lang"] for record in records})


def feed_xml(records, lang, site_url):
    """The Atom document of the editions in lang, as UTF-8 bytes."""
    editions = sorted((r for r in records if r["lang"] == lang),
                      key=lambda r: (r["date"], r["id"]), reverse=True)
    # Atom's namespace as the document's default, written as is: ElementTree's registry of
    # prefixes is shared with the SVG pictures (briefs.render.pictures).
    root = ElementTree.Element("feed", {"xmlns": ATOM,
                                        "{http://www.w3.org/XML/1998/namespace}lang": lang})
    _text(root, "id", f"{site_url}feed.{lang}.xml" if site_url else feed_id(editions, lang))
    _text(root, "title", f"Briefs: {language_name(lang)}")
    _text(root, "updated", _instant(editions[0]["date"]))
    _link(root, "alternate", f"{site_url}index.html", type="text/html")
    if site_url:
        _link(root, "self", f"{site_url}feed.{lang}.xml", type="application/atom+xml")
    for record in editions:
        _entry(root, record, site_url)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry(root, record, site_url):
    entry = ElementTree.SubElement(root, "entry")
    _text(entry, "id", entry_id(record))
    _text(entry, "title", record["title"])
    _text(entry, "updated", _instant(record["date"]))
    _text(entry, "published", _instant(record["date"]))
    for name in record["organisations"]:
        _text(ElementTree.SubElement(entry, "author"), "name", name)
    _link(entry, "alternate", site_url + record["html"], type="text/html",
          hreflang=record["lang"])
    _link(entry, "enclosure", site_url + record["pdf"], type="application/pdf",
          hreflang=record["lang"], length=str(record["pdf_bytes"]))
    if record["summary"]:
        _text(entry, "summary", record["summary"])


def entry_id(record):
    """tag:<publisher's host>,<date>:<brief>.<lang>."""
    return _tag(record, f"{record['id']}.{record['lang']}")


def feed_id(editions, lang):
    """Without a site address: a tag of the oldest edition's publisher and date, which
    newer briefs leave as it is ("feeds/" is no brief's id)."""
    return _tag(editions[-1], f"feeds/{lang}")


def _tag(record, specific):
    """A tag: URI of the publisher's web address; without one, a name-based UUID."""
    host = urlsplit(record.get("website") or "").hostname
    if host:
        return f"tag:{host},{record['date']}:{specific}"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"briefs:{specific}").urn


def _text(parent, name, text):
    element = ElementTree.SubElement(parent, name)
    element.text = text
    return element


def _link(parent, rel, href, **attributes):
    ElementTree.SubElement(parent, "link", {"rel": rel, "href": href, **attributes})


def _instant(day):
    """A brief's date as the date-time Atom asks for (RFC 3339): its start, in UTC."""
    return f"{day}T00:00:00Z"


def write_feeds(records, folder, site_url, scratch):
    for lang in feed_languages(records):
        write_whole(feed_file(folder, lang), feed_xml(records, lang, site_url), scratch)
