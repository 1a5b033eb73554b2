"""Safety: hostile or broken input gives a content error, and nothing leaks or is fetched."""

import base64
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from briefs.content.load import load_brief, load_organisations
from briefs.errors import ContentError, ContentErrors
from briefs.pdf import ProjectFetcher, Refused
from briefs.render.markdown_ext import EditionState, section_html
from briefs.render.sanitize import clean_html

import conftest


def render(project, brief_id="test-column", lang="en", medium="web"):
    return conftest.render(project, brief_id, lang, medium)


def write_body(project, text):
    (project.brief_dir("test-column") / "body.en.md").write_text(text, encoding="utf-8")


def test_raw_html_loses_scripts_handlers_frames_and_javascript_links(project):
    write_body(project, "\n".join([
        "Text <b onclick=\"steal()\">bold</b>.",
        "",
        "<script>alert(1)</script>",
        "",
        '<iframe name="frame"></iframe>',  # with an address it is refused
        "",
        "[click](javascript:alert(2)) and <a href=\"javascript:alert(3)\">this</a>",
    ]))
    html = render(project)
    main = html[html.index("<main"):]
    for bad in ("<script", "onclick", "<iframe", "javascript:", "steal()"):
        assert bad not in main
    assert "<b>bold</b>" in main


@pytest.mark.parametrize("reference, reason", [
    ("https://evil.example.org/track.png", "is not a file of the project"),
    ("file:///etc/passwd", "is not a file of the project"),
    ("../../../../etc/hostname", "is outside content/"),
    ("nowhere.png", "does not exist"),
])
def test_pictures_must_be_files_under_content(project, reference, reason):
    write_body(project, f"Intro.\n\n![A picture]({reference})\n")
    with pytest.raises(ContentErrors) as caught:
        render(project)
    [error] = caught.value.errors
    assert error.path.endswith("test-column/body.en.md")
    assert error.line == 3 and reason in error.reason


def test_an_svg_with_text_is_refused_as_machine_dependent(project):
    (project.content / "images" / "words.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><text>Hi</text></svg>')
    write_body(project, "![A word](../../images/words.svg)\n")
    with pytest.raises(ContentErrors, match="contains text"):
        render(project)


def test_a_picture_without_alt_text_is_refused(project):
    write_body(project, "![](../../images/alpha.svg)\n")
    with pytest.raises(ContentErrors, match="has no alternative text"):
        render(project)


def test_photos_lose_exif_and_gps_metadata(project):
    photo = Image.new("RGB", (40, 30), "#336699")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {2: (43.0, 15.0, 0.0), 1: "N"}  # GPS position
    photo.save(project.brief_dir("test-column") / "photo.jpg", exif=exif.tobytes())
    assert b"PhoneMaker" in (project.brief_dir("test-column") / "photo.jpg").read_bytes()
    write_body(project, "A scene.\n\n![The harbour at dusk](photo.jpg)\n")
    for medium in ("web", "print"):
        html = render(project, medium=medium)
        [data] = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', html)
        clean = base64.b64decode(data)
        assert b"PhoneMaker" not in clean and b"Exif" not in clean
        assert not Image.open(io.BytesIO(clean)).getexif()


def test_the_fetcher_reads_only_project_files(project, tmp_path):
    fetcher = ProjectFetcher(project)
    font = (project.templates / "fonts" / "PTSans-Regular.ttf").as_uri()
    assert fetcher.fetch(font)
    assert fetcher.fetch("data:text/plain;base64,aGk=")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in ("https://example.org/x.css", outside.as_uri(),
                (project.content / ".." / ".." / "secret.txt").as_uri()):
        with pytest.raises(Refused, match="refused to load"):
            fetcher.fetch(url)


def test_a_jinja_syntax_error_names_file_and_line(project):
    write_body(project, "Fine line.\n\nBroken {{ name( }} here.\n")
    with pytest.raises(ContentErrors) as caught:
        render(project)
    [error] = caught.value.errors
    assert error.line == 3 and "template syntax error" in error.reason


MARKDOWN_BITS = st.sampled_from([
    "# Title\n", "## Sub\n", "- item\n", "  - nested\n", "1. one\n", "| a | b |\n|---|---|\n",
    "text[^n]\n", "[^n]: note\n", "{: .cases }\n", "<div>", "</div>", "<script>x</script>",
    "{{ brief.date | date }}", "{{ name('keeper-one') }}", "{{ nope }}", "{% if %}", "{{",
    "**bold** _it_", "![alt](missing.png)", "[link](https://x.example.org)", "\n\n", "> quote\n",
    "`code`", "<b onmouseover=x>", "&amp; &lt;", "\x00", "ә ғ қ",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=20)), max_size=12))
def test_any_markdown_gives_html_or_a_content_error(project, parts):
    write_body(project, "".join(parts))
    try:
        html = render(project)
    except (ContentError, ContentErrors):
        return
    assert "<script" not in html[html.index("<main"):]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(["kind: column\n", "languages: [en]\n", "date: 2024-02-30\n",
                              "title: {en: T}\n", "- x\n", "sections: [body]\n", ": :\n",
                              "place: [\n", "organisations: [alpha]\n", "author: 3\n",
                              "  nested: x\n", "date: 2024-01-29\n", "kind: [x]\n"]),
             max_size=10).map("".join)))
def test_any_brief_yaml_gives_a_brief_or_a_content_error(project, text):
    (project.brief_dir("test-column") / "brief.yaml").write_text(text, encoding="utf-8")
    try:
        load_brief(project, "test-column", load_organisations(project))
    except (ContentError, ContentErrors):
        pass


def test_sanitiser_keeps_what_markdown_makes():
    body, _ = section_html("# T\n\n| a |\n|:-:|\n| 1 |\n\nx[^1]\n\n[^1]: n\n",
                           EditionState(print_notes=True), prefix="p-")
    assert clean_html(body) == body.replace('style="text-align: center;"',
                                            'style="text-align:center"')
