"""Nothing outside is ever loaded by a page, and what a page embeds is bounded.

Every address a section's HTML would have a browser load without a click, however it is
written (upper case, unquoted, entities, spaces, SVG, CSS, footnotes), is either a picture
of content/ embedded as a data: URL or refused, naming the section. Every built page is
read as a browser reads it, and loaded in Chromium, to see that it asks for nothing but
data: URLs and the fonts of build/. A page embeds at most 40 MB of pictures, and a job
that runs out of memory says so in the README's words, without a traceback.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import tinycss2
import tinyhtml5
from PIL import Image

from briefs.content.pictures import picture
from briefs.errors import ContentErrors
from briefs.project import MB
from briefs.render.pictures import data_url
from briefs.settings import Settings
from briefs.workflow.requests import BuildBrief, encode

from conftest import needs_chromium, refusal, render, run_snakemake
from test_attacks import assert_no_leaks, plant_harmless

TRACKER = "https://tracker.example.org/x.png"
PAGE_PICTURES = 40 * MB  # what the README promises a page embeds at most
LOADS = "would have every reader's browser load"
NOT_OURS = f"the picture '{TRACKER}' is not a file of the project"
# name: (what follows "A paragraph.\n\n" in a section, what the error says, its line)
REFUSED = {
    # the outside tester's: a tracker in a footnote, in upper case, without alt text
    "footnote-upper-case": (f'A claim.[^1]\n\n[^1]: See <IMG SRC="{TRACKER}">\n', NOT_OURS, 5),
    "footnote-markdown": (f"A claim.[^1]\n\n[^1]: ![A pixel]({TRACKER})\n", NOT_OURS, 5),
    "footnote-no-alt": ('A claim.[^1]\n\n[^1]: <img src="../../images/alpha.svg">\n',
                        "the picture '../../images/alpha.svg' has no alternative text", 5),
    "markdown": (f"![A pixel]({TRACKER})\n", NOT_OURS, 3),
    "unquoted": (f"<img src={TRACKER} alt=x>\n", NOT_OURS, 3),
    "entities": ('<img alt="x" src="&#104;ttps&#x3A;//tracker.example.org/x.png">\n',
                 NOT_OURS, None),
    "spaces": (f'<img\n  src =\n  "  {TRACKER}\t"\n  alt = "x">\n', NOT_OURS, 5),
    "data-url": ('<img src="data:image/png;base64,iVBORw0KGgo=" alt="unchecked bytes">\n',
                 "is not a file of the project", 3),
    "srcset": (f'<img src="../../images/alpha.svg" srcset="{TRACKER} 2x" alt="x">\n',
               f"<img srcset> {LOADS} '{TRACKER} 2x'", 3),
    "attribute-list": (f'![Alpha](../../images/alpha.svg){{: srcset="{TRACKER} 2x" }}\n',
                       f"<img srcset> {LOADS} '{TRACKER} 2x'", 3),
    "picture-source": (f'<picture><source srcset="{TRACKER}"><img src="../../images/alpha.svg"'
                       ' alt="x"></picture>\n', f"<source srcset> {LOADS} '{TRACKER}'", 3),
    "video-poster": (f'<video poster="{TRACKER}"></video>\n', f"<video poster> {LOADS}", 3),
    "video-source": ('<video><source src="https://tracker.example.org/v.mp4"></video>\n',
                     f"<source src> {LOADS} 'https://tracker.example.org/v.mp4'", 3),
    "audio": ("<AUDIO SRC=https://tracker.example.org/a.mp3 autoplay></AUDIO>\n",
              f"<audio src> {LOADS}", 3),
    "track": ('<video><track src="https://tracker.example.org/t.vtt"></video>\n',
              f"<track src> {LOADS}", 3),
    "input-image": (f'<input type="image" src="{TRACKER}">\n', f"<input src> {LOADS}", 3),
    "object": (f'<object data="{TRACKER}"></object>\n', f"<object data> {LOADS}", 3),
    "embed": (f'<embed src="{TRACKER}">\n', f"<embed src> {LOADS}", 3),
    "iframe": (f'<iframe src="{TRACKER}"></iframe>\n', f"<iframe src> {LOADS}", 3),
    "iframe-srcdoc": (f'<iframe srcdoc="<img src={TRACKER}>"></iframe>\n',
                      f"<iframe srcdoc> {LOADS}", 3),
    "table-background": (f'<table background="{TRACKER}"><tr><td>x</td></tr></table>\n',
                         f"<table background> {LOADS}", 3),
    "cell-background": (f'<table><tr><td background="{TRACKER}">x</td></tr></table>\n',
                        f"<td background> {LOADS}", 3),
    "body-background": (f'<body background="{TRACKER}">\n', f"<body background> {LOADS}", 3),
    "style-attribute": (f'<p style="background-image: url({TRACKER})">x</p>\n',
                        f"the style of <p> {LOADS} '{TRACKER}'", 3),
    "style-upper-case": (f"<P STYLE=\"BACKGROUND: URL('{TRACKER}')\">x</P>\n",
                         f"the style of <p> {LOADS} '{TRACKER}'", 3),
    "style-css-escape": ('<p style="background: u\\72 l(https://tracker.example.org/x.png)">'
                         'x</p>\n', f"the style of <p> {LOADS} '{TRACKER}'", 3),
    "style-entities": ('<p style="background: &#117;rl(https://tracker.example.org/x.png)">'
                       "x</p>\n", f"the style of <p> {LOADS} '{TRACKER}'", 3),
    "style-image-set": (f"<span style='background: image-set(\"{TRACKER}\" 1x)'>x</span>\n",
                        f"the style of <span> {LOADS} '{TRACKER}'", 3),
    "style-in-a-footnote": (f'A claim.[^1]\n\n[^1]: <span style="background: url({TRACKER})">'
                            "seen</span>\n", f"the style of <span> {LOADS}", 5),
    "style-import": (f'<style>@import "{TRACKER}";</style>\n', f"<style> {LOADS} '@import'", 3),
    "style-escaped-import": (f'<style>@\\69mport "{TRACKER}";</style>\n',
                             f"<style> {LOADS} '@import'", None),
    "style-url": (f"<style>p {{ background: url({TRACKER}) }}</style>\n",
                  f"<style> {LOADS} '{TRACKER}'", 3),
    "link-stylesheet": ('<link rel="stylesheet" href="https://tracker.example.org/x.css">\n',
                        f"<link href> {LOADS}", 3),
    "link-icon": (f"<link rel=icon href={TRACKER}>\n", f"<link href> {LOADS}", 3),
    "link-preload": (f'<link rel="preload" as="image" imagesrcset="{TRACKER} 2x">\n',
                     f"<link imagesrcset> {LOADS}", 3),
    "script": ('<script src="https://tracker.example.org/x.js"></script>\n',
               f"<script src> {LOADS}", 3),
    "meta-refresh": ('<meta http-equiv="Refresh" content="0; url=https://tracker.example.org/">\n',
                     f"<meta http-equiv=refresh> {LOADS}", 3),
    "base": ('<base href="https://tracker.example.org/">\n', f"<base href> {LOADS}", 3),
    "html-manifest": ('<html manifest="https://tracker.example.org/m.appcache">\n',
                      f"<html manifest> {LOADS}", 3),
    "svg-image": (f'<svg><image href="{TRACKER}"/></svg>\n', f"<image href> {LOADS}", 3),
    "svg-xlink": (f'<svg><image xlink:href="{TRACKER}"/></svg>\n', f"<image href> {LOADS}", 3),
    "svg-use": ('<svg><use href="https://tracker.example.org/s.svg#a"/></svg>\n',
                f"<use href> {LOADS}", 3),
    "svg-filter-image": (f'<svg><filter id="f"><feImage href="{TRACKER}"/></filter></svg>\n',
                         f"<feImage href> {LOADS}", 3),
    "svg-fill": (f'<svg><rect fill="url({TRACKER}#g)"/></svg>\n', f"the style of <rect> {LOADS}",
                 3),
    "svg-style": (f"<svg><style>rect {{ fill: url({TRACKER}) }}</style></svg>\n",
                  f"<style> {LOADS}", 3),
    "svg-set": (f'<svg><image><set attributeName="href" to="{TRACKER}"/></image></svg>\n',
                f"<set> {LOADS} '{TRACKER}'", 3),
    "math-glyph": (f'<math><mglyph src="{TRACKER}"/></math>\n', f"<mglyph src> {LOADS}", 3),
}
# Pictures of the project written every way a browser reads them, and what loads nothing:
# a page made of them must embed each picture and ask for nothing outside.
ACCEPTED = """Pictures every way a browser reads them.[^upper][^markdown]

<IMG SRC=../../images/alpha.svg ALT="Upper case, unquoted">

<img src = "  ../../images/alpha.svg\t" alt = 'Spaces around'>

<img alt="Entities" src="&#46;&#46;/&#46;&#46;/images/&#x61;lpha.svg">

<img
src="../../images/alpha.svg"
alt="Across lines">

![A title that only looks like CSS](../../images/alpha.svg "url(https://tracker.example.org/t.png)")

<svg><use href="#here"/><rect fill="url(#here)"/></svg>

<p style="color: red">Red.</p>

<style>p { color: blue }</style>

<a href="https://court.example.org/verdict">A link is followed only when clicked.</a>

[^upper]: A note: <IMG SRC="../../images/alpha.svg" ALT="In a note">
[^markdown]: ![Also in a note](../../images/alpha.svg)
"""


def write_section(project, text):
    (project.brief_dir("test-statement") / "body.en.md").write_text(text, encoding="utf-8")



@pytest.mark.parametrize("name", sorted(REFUSED))
def test_whatever_a_section_would_load_from_outside_is_refused_naming_it(project, capsys,
                                                                         tmp_path, name):
    payload, reason, line = REFUSED[name]
    write_section(project, "A paragraph.\n\n" + payload)
    where = "content/briefs/test-statement/body.en.md" + (f", line {line}" if line else "")
    for arguments in (["check"], ["brief", "test-statement", "--out", str(tmp_path / "out")]):
        err = refusal(project, capsys, *arguments)
        assert f"{where}: " in err and reason in err, err
    assert not (tmp_path / "out").exists()


def test_a_section_that_shows_its_pictures_every_way_embeds_each_of_them(project):
    write_section(project, ACCEPTED)
    html = render(project, "test-statement")
    logo = data_url(picture(project, project.content, "images/alpha.svg", "logo"))
    # five in the text, two in its notes, and the publisher's logo at the top
    assert html.count(f'src="{logo}"') == 8
    assert "../../images" not in html and "tracker" not in html.replace(
        'title="url(https://tracker.example.org/t.png)"', "")


def noise(path, width):
    """A PNG picture that does not compress: its clean bytes are about its file's."""
    Image.frombytes("RGB", (width, width), os.urandom(width * width * 3)).save(path)


def test_a_page_embeds_at_most_40_mb_of_pictures_each_counted_as_often_as_shown(project):
    noise(project.content / "images" / "noise.png", 320)
    clean = data_url(picture(project, project.content, "images/noise.png", "test"))
    size = len(clean.partition(",")[2]) * 3 // 4
    fits = PAGE_PICTURES // size - 1  # room left for the publisher's logo
    write_section(project, "Pictures.\n\n" + "![Noise](../../images/noise.png)\n" * fits)
    assert render(project, "test-statement").count(clean) == fits
    write_section(project, "Pictures.\n\n" + "![Noise](../../images/noise.png)\n" * (fits + 2))
    with pytest.raises(ContentErrors) as caught:  # with the other sections' mistakes
        render(project, "test-statement")
    [error] = caught.value.errors
    assert error.path.endswith("test-statement/body.en.md")
    assert ("with '../../images/noise.png', the pictures this edition shows come to more than "
            "40 MB (a picture counts each time it is shown)") == error.reason


def test_the_workflow_refuses_a_tracker_or_too_many_pictures_and_keeps_the_last_good_files(
        prebuilt):
    project = prebuilt
    folder = project.root / "build" / "test-statement"
    good = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    noise(project.content / "images" / "noise.png", 320)  # 300 KB, shown 300 times by 9 KB
    for text, said in [
            (REFUSED["footnote-upper-case"][0], f"body.en.md, line 3: {NOT_OURS}"),
            ("Pictures.\n\n" + "![Noise](../../images/noise.png)\n" * 300,
             "body.en.md: with '../../images/noise.png', the pictures this edition shows "
             "come to more than 40 MB")]:
        write_section(project, text)
        result = run_snakemake(project)
        message = result.stdout + result.stderr
        assert result.returncode != 0 and said in message, message[-3000:]
        assert "Traceback" not in message and "MemoryError" not in message
        assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == good


# What makes a browser load an address without a click, for reading built pages.
QUIET_LINKS = {"alternate", "canonical", "author", "license", "help", "next", "prev",
               "bookmark", "external", "nofollow", "noopener", "noreferrer", "tag", "me"}
LOADED = {"src", "poster", "data", "background", "lowsrc", "dynsrc", "codebase", "manifest"}


def loaded_addresses(html):
    """Every (element, address) a browser would load from a page without a click."""
    found = []
    for element in tinyhtml5.parse(html, namespace_html_elements=False).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2].lower()
        for name, value in element.attrib.items():
            name = name.rpartition("}")[2].lower()
            if name in LOADED:
                found.append((tag, value))
            elif name in ("srcset", "imagesrcset"):
                found += [(tag, value)] if value.strip().startswith("data:") else [
                    (tag, candidate.split()[0]) for candidate in value.split(",")
                    if candidate.strip()]
            elif name == "href" and tag not in ("a", "area", "link"):
                found.append((tag, value))
            elif name == "href" and tag == "link" and (
                    set(element.get("rel", "").lower().split()) - QUIET_LINKS):
                found.append((tag, value))
            elif name == "style" or "}" in element.tag:
                found += [(f"{tag} {name}", url) for url in css_urls(value)]
        if tag == "style":
            found += [("style", url) for url in css_urls("".join(element.itertext()))]
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found.append((tag, element.get("content", "").lower().partition("url=")[2] or "?"))
    return found


def css_urls(css):
    found, nodes = [], list(tinycss2.parse_component_value_list(css))
    while nodes:
        node = nodes.pop()
        if node.type == "url":
            found.append(node.value)
        elif node.type == "at-keyword" and node.lower_value == "import":
            found.append("@import")
        elif node.type == "function":
            if node.lower_name in ("url", "src") or "image" in node.lower_name:
                found += [part.value for part in node.arguments if part.type == "string"]
            nodes += node.arguments
        elif node.type.endswith("block"):
            nodes += node.content
    return found


def outside(page, address, build):
    """Whether an address of a page loads anything but a data: URL or a file of build's
    assets (the fonts)."""
    address = address.strip()
    if address.startswith("#") or address.lower().startswith("data:"):
        return False
    url = urlsplit(urljoin(page.as_uri(), address))
    path = Path(unquote(url.path)).resolve()
    return (url.scheme != "file" or not path.is_relative_to(build / "assets")
            or not path.is_file())


def built_pages(project):
    build = (project.root / "build").resolve()
    return build, [build / "index.html", *sorted(build.glob("*/*.html"))]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """The fixture content with every harmless attack and every accepted way of showing a
    picture as sections of the statement, built by the real workflow."""
    from conftest import make_project

    project = make_project(tmp_path_factory.mktemp("attacked"))
    secret = tmp_path_factory.mktemp("outside")
    (secret / "secret.txt").write_text("OUTSIDESECRET\n")
    plant_harmless(project, secret)
    folder = project.brief_dir("test-statement")
    (folder / "variants.en.md").write_text(ACCEPTED)
    (folder / "variants.ru.md").write_text("Текст.\n")
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text() + "  - variants\n")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_no_leaks(project.root / "build")
    return project


@pytest.mark.parametrize("which", ["attacked", "built", "examples"])
def test_every_built_page_loads_nothing_but_data_urls_and_files_of_the_build(request, which):
    build, pages = built_pages(request.getfixturevalue(which))
    fonts = 0
    for page in pages:
        addresses = loaded_addresses(page.read_text(encoding="utf-8"))
        assert addresses, page  # every page loads its fonts at least
        bad = [(what, address[:200]) for what, address in addresses
               if outside(page, address, build)]
        assert bad == [], page
        fonts += sum("assets/fonts/" in address for _, address in addresses)
    assert fonts >= 8 * len(pages)
    if which == "attacked":
        html = (build / "test-statement" / "test-statement.en.html").read_text()
        pictures = [a for _, a in loaded_addresses(html) if a.startswith("data:image/svg")]
        assert len(pictures) >= 10  # the accepted variants, their notes and the logos


@needs_chromium
def test_chromium_asks_for_nothing_but_data_urls_and_files_of_the_build(attacked, browser):
    build, pages = built_pages(attacked)
    addresses = {path.as_uri() for path in pages}
    requested = []
    page = browser.new_page()
    page.on("request", lambda request: requested.append(request.url))
    # what would leave the computer is stopped, but still seen as asked for
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:")) else route.abort())
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("networkidle")
    page.close()
    assert addresses <= set(requested)  # the listener heard every page
    assert any("/assets/fonts/" in url for url in requested)
    bad = [url[:200] for url in requested
           if url not in addresses and outside(build / "index.html", url, build)]
    assert bad == []


def test_a_job_that_runs_out_of_memory_says_so_without_a_traceback(project, tmp_path):
    """A job run as the Snakefile runs one when its server is gone, through the function
    that runs every job (briefs.workflow.jobs.run_request). A section cannot get there: its
    own budget stops it first (briefs.render.guard)."""
    result = subprocess.run(
        [sys.executable, "-P", "-m", "briefs.workflow.jobs", "--alone",
         str(project.root / ".cache" / "public"), '{"mem_mb": 100}',
         encode(project.root, BuildBrief("test-statement", str(tmp_path / "o"),
                                         Settings().with_cache(project.root)))],
        capture_output=True, text=True)
    assert result.returncode != 0 and not (tmp_path / "o").exists()
    assert result.stdout + result.stderr == ("This job needed more memory than the 100 MB its "
                                             "rule allows (mem_mb): nothing of it was kept.\n")
