"""The printed PDFs as officials receive them: fonts, structure, metadata, navigation."""

import datetime
import gc
import hashlib
import re
import subprocess
import sys

import pytest
import weasyprint
import weasyprint.text.ffi
from pypdf import PdfReader

from briefs.content.load import load_brief, load_organisations
from briefs.pdf import (OpenArrays, ProjectFetcher, lift_styles, parsed_stylesheets,
                        print_pdf, source_date)

import conftest
from conftest import run_snakemake

OUR_FONTS = re.compile(r"^PT-(Serif|Sans)(-Bold)?(-Italic)?$")  # templates/fonts, as embedded


def embedded_fonts(reader):
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                names.add(descendant.get_object()["/BaseFont"].split("+")[-1])
    return names


def every_pdf(project):
    return sorted((project.root / "build").rglob("*.pdf"))


def test_every_pdf_embeds_only_the_projects_fonts(built):
    for path in every_pdf(built):
        fonts = embedded_fonts(PdfReader(path))
        assert fonts and all(OUR_FONTS.match(name) for name in fonts), (path.name, fonts)


def test_pdfs_are_tagged_with_their_language_and_title_shown(built):
    for path in every_pdf(built):
        root = PdfReader(path).trailer["/Root"]
        lang = path.name.split(".")[-2]
        assert root["/Lang"] == lang
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def structure_elements(node):
    """Every element of a PDF's structure tree under node, depth first."""
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "get") and "/S" in kid:
            yield kid
            yield from structure_elements(kid)


def test_each_case_table_cell_is_tagged_with_its_persons_name(built):
    reader = PdfReader(built.root / "build/test-report/test-report.en.pdf")
    elements = list(structure_elements(reader.trailer["/Root"]["/StructTreeRoot"]))
    headers = {str(e["/ID"]): e for e in elements if e["/S"] == "/TH"}
    cells = [e for e in elements if e["/S"] == "/TD"]
    assert cells
    for cell in cells:
        row_header, column_header = (headers[str(key)] for key in cell["/A"]["/Headers"])
        row = cell.raw_get("/P").idnum
        assert row_header.raw_get("/P").idnum == row != column_header.raw_get("/P").idnum

def test_metadata_names_the_organisations_and_no_local_paths(built):
    reader = PdfReader(built.root / "build/test-update/test-update.en.pdf")
    info = reader.metadata
    assert info.title == "Quarterly Harbour Update"
    assert info.author == "Alpha Rights Centre; Beta Monitoring Network"
    assert info["/Keywords"] == "Monitoring update, ARC, BMN"
    assert info["/CreationDate"].startswith("D:20220930") and info["/ModDate"] == info["/CreationDate"]
    for path in every_pdf(built):
        data = path.read_bytes()
        assert str(built.root).encode() not in data and b"/root/" not in data
        for page in PdfReader(path).pages:  # link targets sit in compressed objects
            for annotation in page.get("/Annots", []):
                annotation = annotation.get_object()
                target = str(annotation.get("/A", {}).get("/URI", "")) + str(
                    annotation.get("/Contents", ""))
                assert "file:" not in target and str(built.root) not in target, target


def test_bookmarks_follow_the_headings(built):
    reader = PdfReader(built.root / "build/test-report/test-report.en.pdf")

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    found = list(titles(reader.outline))
    assert "Persecution of Lighthouse Keepers" in found
    assert {"Summary", "1 Background", "1.1 Legal basis", "2 Recommendations"} <= set(found)


def test_contents_give_the_page_where_each_section_starts(built):
    pages = [p.extract_text() for p in PdfReader(built.root / "build/test-report/test-report.en.pdf").pages]
    contents = pages[1]
    for heading in ("Summary", "Recommendations"):
        number = int(re.search(rf"{heading}\W*?\.*\s*(\d+)", contents).group(1))
        assert heading in pages[number - 1], heading


def test_web_links_print_their_address_as_a_footnote(prebuilt):
    project = prebuilt  # its edit is built by an incremental run
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text("Read [the verdict](https://court.example.org/verdict-text).\n")
    assert run_snakemake(project).returncode == 0
    [page] = [p.extract_text() for p in
              PdfReader(project.root / "build/test-statement/test-statement.en.pdf").pages]
    assert "https://court.example.org/verdict-text" in page


def test_an_archival_variant_is_one_switch_away(built):
    result = run_snakemake(built, "--config", "pdf_variant=pdf/a-3u", "out=build-archive")
    assert result.returncode == 0, result.stderr
    reader = PdfReader(built.root / "build-archive/test-statement/test-statement.en.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part\W+3", xmp) and re.search(r"pdfaid:conformance\W+U", xmp)


def test_a_statement_is_small_enough_to_email(built):
    for path in (built.root / "build/test-statement").glob("*.pdf"):
        assert path.stat().st_size < 200_000


# WeasyPrint on its own, in a process that imports of briefs only the tagging it adds
# (briefs.pdf_tags): the HTML as written, with its <style> elements, and WeasyPrint's own
# cffi interface.
WEASYPRINT_ALONE = """
import sys
from weasyprint import HTML
from briefs import pdf_tags
pdf_tags.install()
html, target, identifier, variant = sys.argv[1:5]
HTML(filename=html).write_pdf(target, pdf_variant=variant, pdf_tags=True,
                              optimize_images=True, pdf_identifier=identifier.encode(),
                              finisher=pdf_tags.finish)
"""


@pytest.mark.parametrize("internal", [False, True])
def test_printing_gives_the_bytes_weasyprint_gives_on_its_own(project, tmp_path, internal):
    brief = load_brief(project, "test-report", load_organisations(project))
    html = conftest.render(project, "test-report", medium="print",
                           audience="internal" if internal else "public")
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(print_pdf(html, project=project, day=brief.date,
                               identifier="report.en")[0])
    page, alone = tmp_path / "page.html", tmp_path / "alone.pdf"
    page.write_text(html, encoding="utf-8")
    with source_date(brief.date):
        identifier = hashlib.sha256(b"report.en").hexdigest()[:32]
        subprocess.run([sys.executable, "-c", WEASYPRINT_ALONE, str(page), str(alone),
                        identifier, "pdf/ua-1"], check=True, cwd=tmp_path)
    assert ours.read_bytes() == alone.read_bytes()


def test_printing_pauses_the_garbage_collector_and_restores_it(project, tmp_path, monkeypatch):
    seen = []
    render = weasyprint.HTML.render
    monkeypatch.setattr(weasyprint.HTML, "render", lambda self, **options: (
        seen.append(gc.isenabled()) or render(self, **options)))
    html, day = "<html lang=en><title>T</title><p>Text</p></html>", datetime.date(2024, 1, 1)
    print_pdf(html, project=project, day=day, identifier="on")
    gc.disable()
    try:
        print_pdf(html, project=project, day=day, identifier="off")
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()
    assert seen == [False, False] and gc.isenabled()


def test_a_stylesheet_is_parsed_again_when_a_file_it_loads_changes(project):
    font = project.templates / "fonts" / "PTSans-Bold.ttf"
    text = f'@font-face {{ font-family: x; src: url("{font.as_uri()}") }}'
    fetcher = ProjectFetcher(project)
    first = parsed_stylesheets((text, "p { color: red }"), fetcher)
    assert parsed_stylesheets((text, "p { color: red }"), fetcher) == first
    font.write_bytes((project.templates / "fonts" / "PTSerif-Bold.ttf").read_bytes())
    fonts, [faces, plain] = parsed_stylesheets((text, "p { color: red }"), fetcher)
    assert fonts is not first[0] and faces is not first[1][0] and plain is first[1][1]


def test_lifting_styles_takes_only_the_heads_style_elements():
    html = ("<html><head><title>&lt;style&gt;</title><style>\nh1 { x: y }\n</style>"
            "<style>p { z: w }</style></head><body><style>em {}</style></body></html>")
    page, texts = lift_styles(html)
    assert texts == ["h1 { x: y }", "p { z: w }"]
    assert page == ("<html><head><title>&lt;style&gt;</title></head>"
                    "<body><style>em {}</style></body></html>")


class RecordingFfi:
    def __init__(self):
        self.asked = []

    def new(self, cdecl, init=None):
        self.asked.append(cdecl)
        return init

    NULL = "null"


def test_sized_arrays_with_values_are_asked_for_as_open_arrays():
    ffi = RecordingFfi()
    arrays = OpenArrays(ffi)
    arrays.new("hb_codepoint_t[3]", [5, 1, 2])
    arrays.new("hb_tag_t[100]")  # no values: the size matters
    arrays.new("char[4]", b"ab")  # fewer values than places: the size matters
    arrays.new("unsigned int *", 100)
    assert ffi.asked == ["hb_codepoint_t[]", "hb_tag_t[100]", "char[4]", "unsigned int *"]
    assert arrays.NULL == "null"
    values = OpenArrays(weasyprint.text.ffi.ffi).new("hb_codepoint_t[3]", [5, 1, 2])
    assert list(values) == [5, 1, 2]
