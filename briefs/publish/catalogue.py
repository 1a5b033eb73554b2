"""The catalogue of all briefs (build/index.html), made from the editions' entries, with
links to its feeds (briefs.publish.feed)."""

import datetime
from itertools import groupby

from briefs.files import write_whole
from briefs.i18n import language_name, long_date
from briefs.publish.feed import feed_languages
from briefs.render.html import image_url
from briefs.render.templates import environment

LANG = "en"  # the catalogue's own language, in which it writes every date


def catalogue_entries(records):
    """One entry per brief, newest first, with its editions in the brief's language order.
    records: the editions' entries, in the briefs' language order."""
    records = sorted(records, key=lambda r: r["id"])
    entries = []
    for brief_id, editions in groupby(records, key=lambda r: r["id"]):
        editions = list(editions)
        main = next((e for e in editions if e["lang"] == "en"), editions[0])
        entries.append({**main, "editions": editions})
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries


def write_catalogue(project, records, target, scratch):
    entries = catalogue_entries(records)
    for entry in entries:  # the publishers' logos, embedded clean as on the briefs' pages
        entry["logos"] = [{**logo, "src": image_url(project, logo["file"])}
                          for logo in entry.get("logos", [])]
        # every date in the catalogue's language, whichever language an edition is in
        entry["display_date"] = written_date(entry["date"])
        entry["editions"] = [{**edition, "versions": [
            {**version, "display_date": written_date(version["released_at"])}
            for version in edition.get("versions") or []]} for edition in entry["editions"]]
    feeds = [{"lang": lang, "language": language_name(lang), "href": f"feed.{lang}.xml"}
             for lang in feed_languages(records)]
    html = environment(project).get_template("index.html").render(entries=entries, feeds=feeds,
                                                                   lang=LANG)
    write_whole(target, html, scratch)


def written_date(iso):
    """A day given in ISO form (a date, or a moment: its day where it happened) as the
    catalogue writes dates in its text: '25 April 2023'."""
    return long_date(datetime.date.fromisoformat(iso[:10]), LANG)
