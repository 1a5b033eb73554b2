"""The catalogue of all briefs (build/index.html), made from the editions' entries."""

from itertools import groupby

from briefs.files import read_json, write_whole
from briefs.render.html import image_url
from briefs.render.templates import environment


def catalogue_entries(entry_paths):
    """One entry per brief, newest first, with its editions in the brief's language order."""
    records = [read_json(path) for path in entry_paths]
    records.sort(key=lambda r: r["id"])
    entries = []
    for brief_id, editions in groupby(records, key=lambda r: r["id"]):
        editions = list(editions)
        main = next((e for e in editions if e["lang"] == "en"), editions[0])
        entries.append({**main, "editions": editions})
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries


def write_catalogue(project, entry_paths, target, scratch):
    entries = catalogue_entries(entry_paths)
    for entry in entries:  # the publishers' logos, embedded clean as on the briefs' pages
        entry["logos"] = [{**logo, "src": image_url(project, logo["file"])}
                          for logo in entry.get("logos", [])]
    html = environment(project).get_template("index.html").render(entries=entries, lang="en")
    write_whole(target, html, scratch)
