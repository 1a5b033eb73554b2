"""The catalogue's Atom feeds, one per language (briefs/publish/feed.py), through the real
workflow: valid Atom (RFC 4287), an entry per edition, links to what was built."""

import hashlib
import json
import re
from urllib.parse import urljoin

import defusedxml.ElementTree
import feedparser

from conftest import make_project, run_snakemake

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://briefs.example.org/"
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def editions(build):
    """{language: [(brief, date), ...]} of the editions' entries in a build folder."""
    found = {}
    for path in build.glob("*/*.json"):
        entry = json.loads(path.read_text())
        found.setdefault(entry["lang"], []).append((entry["id"], entry["date"]))
    return found


def check_atom(data):
    """The feed's root, after checking what RFC 4287 requires of a feed and its entries."""
    root = defusedxml.ElementTree.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for element in (root, *root.findall(f"{ATOM}entry")):
        for name in ("id", "title", "updated"):  # exactly one of each (4.1.1, 4.1.2)
            assert len(element.findall(f"{ATOM}{name}")) == 1, (element.tag, name)
        assert RFC_3339.match(element.findtext(f"{ATOM}updated"))
        assert re.match(r"^[a-z][a-z0-9+.-]*:\S+$", element.findtext(f"{ATOM}id"))  # an IRI
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findall(f"{ATOM}author/{ATOM}name")  # the feed itself has no author
        alternates = [(link.get("type"), link.get("hreflang"))
                      for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert alternates and len(alternates) == len(set(alternates))  # 4.1.2
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.version == "atom10", parsed.get("bozo_exception")
    return root


def test_each_language_has_a_valid_feed_of_its_editions(built):
    build = built.root / "build"
    expected = editions(build)
    assert sorted(expected) == ["en", "kk", "ru"]
    ids = []
    for lang, briefs in expected.items():
        root = check_atom((build / f"feed.{lang}.xml").read_bytes())
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries = root.findall(f"{ATOM}entry")
        newest_first = sorted(briefs, key=lambda brief: (brief[1], brief[0]), reverse=True)
        assert [entry.findtext(f"{ATOM}updated")[:10] for entry in entries] == [
            day for _, day in newest_first]
        assert root.findtext(f"{ATOM}updated")[:10] == newest_first[0][1]
        for entry, (brief, day) in zip(entries, newest_first):
            links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
            web, pdf = links["alternate"].get("href"), links["enclosure"].get("href")
            assert (web, pdf) == (f"{brief}/{brief}.{lang}.html", f"{brief}/{brief}.{lang}.pdf")
            assert (build / web).is_file() and links["alternate"].get("type") == "text/html"
            assert int(links["enclosure"].get("length")) == (build / pdf).stat().st_size
            page = (build / web).read_text()
            assert f"<title>{entry.findtext(f'{ATOM}title')}" in page.replace("&#39;", "'")
            ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids)) == sum(map(len, expected.values()))
    assert "tag:alpha.example.org,2023-04-25:test-statement.ru" in ids


def test_the_catalogue_links_its_feeds_and_the_manifest_lists_them(built):
    build = built.root / "build"
    catalogue = (build / "index.html").read_text()
    head = catalogue[:catalogue.index("</head>")]
    manifest = json.loads((build / "manifest.json").read_text())
    listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    for lang in ("en", "kk", "ru"):
        assert re.search(rf'<link rel="alternate" type="application/atom\+xml" '
                         rf'hreflang="{lang}" title="[^"]+" href="feed\.{lang}\.xml">', head)
        feed = (build / f"feed.{lang}.xml").read_bytes()
        assert listed[f"feed.{lang}.xml"] == hashlib.sha256(feed).hexdigest()


# What XML gives a meaning to, in the summary a feed reader shows.
SUMMARY = {"en": 'Keepers <b>held</b> & "tried" ]]> &amp; <!-- not a comment -->',
           "ru": "Смотрители <под стражей> & ]]>"}


def test_with_a_site_address_links_are_absolute_and_ids_stay_the_same(built, tmp_path):
    project = make_project(tmp_path)
    brief = project.brief_dir("test-statement") / "brief.yaml"
    brief.write_text(brief.read_text() + "summary:\n" + "".join(
        f"  {lang}: {json.dumps(text, ensure_ascii=False)}\n" for lang, text in SUMMARY.items()))
    result = run_snakemake(project, "--config", f"site_url={SITE}")
    assert result.returncode == 0, result.stderr
    for lang in ("en", "kk", "ru"):
        data = (project.root / "build" / f"feed.{lang}.xml").read_bytes()
        root = check_atom(data)
        relative = defusedxml.ElementTree.fromstring((built.root / "build" /
                                                      f"feed.{lang}.xml").read_bytes())
        assert root.findtext(f"{ATOM}id") == f"{SITE}feed.{lang}.xml"
        assert [link.get("href") for link in root.findall(f"{ATOM}link")] == [
            f"{SITE}index.html", f"{SITE}feed.{lang}.xml"]
        for entry, before in zip(root.findall(f"{ATOM}entry"), relative.findall(f"{ATOM}entry"),
                                 strict=True):
            assert entry.findtext(f"{ATOM}id") == before.findtext(f"{ATOM}id")
            for link, was in zip(entry.findall(f"{ATOM}link"), before.findall(f"{ATOM}link"),
                                 strict=True):
                assert link.get("href") == urljoin(SITE, was.get("href"))
        parsed = feedparser.parse(data)
        assert all(link.href.startswith(SITE) for entry in parsed.entries
                   for link in entry.links)
        summaries = {entry.findtext(f"{ATOM}id").rsplit(":", 1)[1]: entry.findtext(
            f"{ATOM}summary") for entry in root.findall(f"{ATOM}entry")}
        if lang in SUMMARY:
            assert summaries[f"test-statement.{lang}"] == SUMMARY[lang]  # as written
