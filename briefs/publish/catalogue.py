"""The catalogue of all briefs (build/index.html) and the edition records it is made from."""

import json
from itertools import groupby

from briefs import i18n
from briefs.files import edition_files, read_json, write_atomically
from briefs.publish.manifest import file_entry


def edition_record(brief, organisations, lang, *, written, pages, pdf_bytes, cases, sources):
    """What the catalogue needs to know about one edition, saved beside its outputs.

    It also says which case records the edition showed or counted, and which questions
    (filters as of a date) it asked: the workflow reads this to know which case files to
    watch, as make reads the dependency files a compiler writes. And it gives the manifest
    entries of the web page, PDF and picture just written (written: their paths).
    """
    used, queries = cases.dependencies()
    files = edition_files(brief.id, brief.id, lang)  # relative to the build folder
    return {
        "cases": used,
        "case_queries": queries,
        "id": brief.id,
        "kind": brief.kind,
        "lang": lang,
        "language": i18n.language_name(lang),
        "title": brief.title[lang],
        "summary": brief.summary[lang] if brief.summary else "",
        "date": brief.date.isoformat(),
        "display_date": i18n.long_date(brief.date, lang),
        "organisations": [organisations[key].short_name[lang] for key in brief.organisations],
        "html": files["html"],
        "pdf": files["pdf"],
        "pages": pages,
        "pdf_bytes": pdf_bytes,
        "sources": sources,
        "files": {kind: file_entry(written[kind], files[kind])
                  for kind in ("html", "pdf", "card")},
    }


def write_record(record, path):
    write_atomically(path, json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def catalogue_entries(record_paths):
    """One entry per brief, newest first, with its editions in the brief's language order."""
    records = [read_json(path) for path in record_paths]
    records.sort(key=lambda r: r["id"])
    entries = []
    for brief_id, editions in groupby(records, key=lambda r: r["id"]):
        editions = list(editions)
        main = next((e for e in editions if e["lang"] == "en"), editions[0])
        entries.append({**main, "editions": editions})
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries


def write_catalogue(env, record_paths, target):
    html = env.get_template("index.html").render(
        entries=catalogue_entries(record_paths), lang="en")
    write_atomically(target, html)
