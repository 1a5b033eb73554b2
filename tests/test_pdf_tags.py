"""The structure tree a screen reader reads, as pikepdf finds it in the printed PDFs."""

import datetime

import page
import pikepdf
from pypdf import PdfReader

from briefs.pdf import print_pdf


def elements(pdf):
    """Every structure element, parents before children, in reading order."""
    found, stack = [], list(reversed(list(pdf.Root.StructTreeRoot.K)))
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            found.append(element)
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            stack.extend(reversed([k for k in kids if isinstance(k, pikepdf.Dictionary)]))
    return found


def of_type(pdf, name):
    return [e for e in elements(pdf) if e.S == name]


def annotations(pdf):
    """Each link annotation with the structure element it belongs to."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    return [(annotation, parents[int(annotation.StructParent)])
            for pdf_page in pdf.pages for annotation in pdf_page.get("/Annots", [])]


def printed(project, html, tmp_path, name="page.pdf"):
    path = tmp_path / name
    data, *_ = print_pdf(html, project=project, day=datetime.date(2024, 1, 1), identifier=name)
    path.write_bytes(data)
    return path


def test_footnotes_are_notes_their_calls_link_to(built):
    with pikepdf.open(built.root / "build/test-report/test-report.en.pdf") as pdf:
        notes = {str(note.ID) for note in of_type(pdf, "/Note")}
        assert len(notes) >= 3
        calls = {str(a.Dest): str(a.Contents) for a, parent in annotations(pdf)
                 if str(a.get("/Dest", "")).startswith("note-")}
        assert set(calls) == notes
        assert all(text.startswith("Note ") for text in calls.values())


def test_every_link_annotation_sits_in_a_link_and_says_where_it_goes(built):
    with pikepdf.open(built.root / "build/test-report/test-report.en.pdf") as pdf:
        found = annotations(pdf)
        assert found and {parent.S for _, parent in found} == {"/Link"}
        for annotation, _ in found:
            description = str(annotation.Contents)
            assert description and description != str(annotation.get("/Dest", "")), description
        assert not [e for e in of_type(pdf, "/Link") if e.P.S == "/Link"]  # no link in a link
        described = {str(a.Contents) for a, _ in found}
        assert "1.1 Legal basis" in described  # a contents entry, by its words


def test_contents_are_a_toc_without_dots_of_text(built):
    path = built.root / "build/test-report/test-report.en.pdf"
    with pikepdf.open(path) as pdf:
        [toc] = of_type(pdf, "/TOC")
        entries = [kid for kid in toc.K if kid.S == "/TOCI"]
        assert len(entries) >= 6 and len(entries) == len(list(toc.K))
        assert {kid.S for entry in entries for kid in entry.K} == {"/Reference"}
    contents = PdfReader(path).pages[1].extract_text()
    assert "Legal basis" in contents and ".." not in contents


def test_header_cells_have_a_scope(built):
    with pikepdf.open(built.root / "build/test-report/test-report.en.pdf") as pdf:
        cells = of_type(pdf, "/TH")
        assert cells and all(cell.A.Scope in ("/Column", "/Row") for cell in cells)


def test_the_names_of_other_editions_say_their_language(built):
    with pikepdf.open(built.root / "build/test-column/test-column.kk.pdf") as pdf:
        named = {(str(e.S), str(e.Lang)) for e in elements(pdf) if "/Lang" in e}
    assert ("/Span", "en") in named  # the column's only other edition (a link with site_url)
    assert ("/Sect", "en") in named  # its untranslated section, given in English
    assert ("/P", "kk") in named  # the note saying so, in the edition's language


def test_a_header_repeated_on_later_pages_is_tagged_once(project, tmp_path):
    rows = "".join(f"<tr><td>Person {n}</td><td>held</td></tr>" for n in range(120))
    html = ("<html lang=en><head><title>Long</title></head><body><table><thead><tr>"
            "<th>Name</th><th>Status</th></tr></thead><tbody>" + rows + "</tbody></table>"
            "</body></html>")
    path = printed(project, html, tmp_path)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) >= 3
        assert len(of_type(pdf, "/THead")) == 1 and len(of_type(pdf, "/TH")) == 2
    assert page.validate_pdf(path, profile="ua1").is_compliant
    # The repeated header is still printed on every page.
    assert all("Name" in p.extract_text() for p in PdfReader(path).pages)


def test_blocks_inside_a_list_item_are_in_its_body(project, tmp_path):
    html = ("<html lang=en><head><title>List</title></head><body><ul><li>First"
            "<p>a second paragraph</p></li><li><a href='https://example.org'>Site</a>"
            "<span style='display: block'>example.org</span></li></ul></body></html>")
    path = printed(project, html, tmp_path)
    with pikepdf.open(path) as pdf:
        items = of_type(pdf, "/LI")
        assert len(items) == 2
        assert all(kid.S in ("/Lbl", "/LBody") for item in items for kid in item.K)
    assert page.validate_pdf(path, profile="ua1").is_compliant


def test_archival_metadata_is_plain_text(fixtures_archived):
    path = fixtures_archived.root / "build-pdfa/test-report/test-report.en.pdf"
    with pikepdf.open(path) as pdf:
        metadata = pdf.Root.Metadata
        assert "/Filter" not in metadata and b"pdfaid:part" in metadata.read_raw_bytes()
