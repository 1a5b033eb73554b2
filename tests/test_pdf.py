"""The printed PDFs as officials receive them: fonts, structure, metadata, navigation."""

import re

from pypdf import PdfReader

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


def test_web_links_print_their_address_as_a_footnote(project):
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
