"""Pictures fitted to the text: never wider than its column on paper or on a phone, at the
size an editor chooses, with a warning where a photo would print too coarse.

Built once by the real workflow; widths are measured in the PDF (pypdfium2: where each
picture and each character is placed) and in Chromium.
"""

import re

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from conftest import make_project, needs_chromium, refusal, run_snakemake

STATEMENT = "build/test-statement/test-statement.en"
UPDATE = "build/test-update/test-update.en"
COLUMN = "build/test-column/test-column.en"
TOLERANCE = 1.5  # points: what a picture's edge may differ from the size it is given


def photo(path, width, height):
    """A JPEG photo of this many pixels: a gradient, so that it is small on disk."""
    gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    gradient.save(path, "JPEG", quality=80)


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    """The fixture briefs with pictures: a 2000 px photo in the one-page statement, the
    update's photos at each size (and a small one at the text's width), a column's 3:2
    photo given no size."""
    project = make_project(tmp_path_factory.mktemp("pictured"))
    statement = project.brief_dir("test-statement")
    photo(statement / "court.jpg", 2000, 1333)
    body = statement / "body.en.md"
    body.write_text(body.read_text() + "\n![The court building in Testville](court.jpg)\n")
    update = project.brief_dir("test-update")
    photo(update / "wide.jpg", 2000, 1333)
    photo(update / "small.jpg", 300, 200)
    introduction = update / "introduction.en.md"
    introduction.write_text(introduction.read_text() + (
        "\n![Sailors at the quay](wide.jpg)\n\n"
        "![Sailors at the quay, half](wide.jpg){: .half }\n\n"
        "![Sailors at the quay, a third](wide.jpg){: .third }\n\n"
        "![The quay at night](small.jpg){: .full }\n"))
    photo(project.content / "images" / "harbour.jpg", 1800, 1200)
    column = project.brief_dir("test-column") / "brief.yaml"
    column.write_text(column.read_text().replace("file: images/alpha.svg",
                                                 "file: images/harbour.jpg"))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project, result.stderr


def first_page(project, name):
    pdf = pypdfium2.PdfDocument(project.root / f"{name}.pdf")
    return pdf, pdf[0]


def placed_pictures(page):
    """(left, bottom, right, top) in points of each raster picture on a page, top first."""
    found = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE],
                                                       max_depth=8)]
    return sorted(found, key=lambda box: -box[3])


def text_column(page):
    """The left and right edges of the text column, in points: those of the widest of its
    rules and boxes (the letterhead's rule, the contact line's)."""
    drawn = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH],
                                                          max_depth=8)]
    left, _, right, _ = max(drawn, key=lambda box: box[2] - box[0])
    return left, right


def text_left(page):
    """Where the page's text starts, in points."""
    text = page.get_textpage()
    return min(text.get_charbox(index)[0] for index in range(text.count_chars()))


def page_texts(project, name):
    pdf = pypdfium2.PdfDocument(project.root / f"{name}.pdf")
    return [page.get_textpage().get_text_range() for page in pdf]


def test_a_photo_wider_than_the_page_is_printed_within_the_text_column(pictured):
    project, _ = pictured
    pdf, page = first_page(project, STATEMENT)
    [(left, _, right, _)] = [box for box in placed_pictures(page) if box[2] - box[0] > 100]
    area_left, area_right = text_column(page)
    # within the text, and within its column of the statement's two
    assert area_left - TOLERANCE < left and right < area_right + TOLERANCE
    assert right - left < (area_right - area_left) / 2 + TOLERANCE
    assert abs(left - text_left(page)) < TOLERANCE


def test_the_statement_with_its_photo_stays_on_one_page_with_its_contact_line(pictured):
    project, _ = pictured
    texts = page_texts(project, STATEMENT)
    assert len(texts) == 1
    assert "Press enquiries: press@alpha.example.org" in texts[0]


def test_the_size_an_editor_gives_sets_the_printed_width(pictured):
    project, _ = pictured
    pdf = pypdfium2.PdfDocument(project.root / f"{UPDATE}.pdf")
    widths = [right - left for page in pdf for left, _, right, _ in placed_pictures(page)]
    assert len(widths) == 4, widths
    own, half, third, small = widths
    area_left, area_right = text_column(pdf[1])
    assert own < area_right - area_left + TOLERANCE  # 2000 px (21 inches): the column's width
    assert abs(half - own / 2) < TOLERANCE and abs(third - own / 3) < TOLERANCE
    assert abs(small - own) < TOLERANCE  # .full: the text's width, whatever its pixels


def test_a_columns_photo_given_no_size_takes_half_the_width(pictured):
    project, _ = pictured
    pdf, page = first_page(project, COLUMN)
    column_left, column_right = text_column(page)
    [(left, bottom, right, top)] = placed_pictures(page)
    assert abs((right - left) - (column_right - column_left) / 2) < TOLERANCE
    assert top - bottom < page.get_size()[1] / 4


def test_a_photo_that_would_print_coarse_is_named_with_its_line_and_what_to_do(pictured):
    project, stderr = pictured
    warnings = [line for line in stderr.splitlines() if "dpi" in line]
    # 300 pixels over the text column's width, about 4.4 inches
    found = re.search(r"warning: content/briefs/test-update/introduction\.en\.md, line 17: "
                      r"small\.jpg would print at (\d+) dpi at its size \(150 at least\)",
                      stderr)
    assert found and int(found[1]) < 150, stderr
    assert "give a larger picture (more pixels across) or a smaller size" in stderr
    assert not any("wide.jpg" in line or "court.jpg" in line or "harbour.jpg" in line
                   for line in warnings), warnings


def test_briefs_check_with_pages_warns_of_a_coarse_photo(project, capsys):
    from briefs.cli import main

    statement = project.brief_dir("test-statement")
    photo(statement / "court.jpg", 400, 300)
    body = statement / "body.en.md"
    body.write_text(body.read_text() + "\n![The court building](court.jpg)\n")
    assert main(["--root", str(project.root), "check", "--pages"]) == 0
    err = capsys.readouterr().err
    # 400 pixels over a column of the statement's two, about 3 inches
    found = re.search(r"test-statement/body\.en\.md, line 5: court\.jpg would print at "
                      r"(\d+) dpi", err)
    assert found and 96 < int(found[1]) < 150, err


@pytest.mark.parametrize("written, said", [
    ("![The court](court.jpg){: .halve }", "'halve' is not a size of picture"),
    ("![The court](court.jpg){: .half .third }", "the picture 'court.jpg' is given 2 sizes"),
    ('<img src="court.jpg" alt="The court" class="huge">', "'huge' is not a size"),
])
def test_a_size_that_is_not_one_is_refused_with_the_sizes_there_are(project, capsys,
                                                                     written, said):
    statement = project.brief_dir("test-statement")
    photo(statement / "court.jpg", 400, 300)
    body = statement / "body.en.md"
    body.write_text(body.read_text() + f"\n{written}\n")
    err = refusal(project, capsys, "check")
    assert "body.en.md, line 5: " + said in err
    assert "{: .full }, {: .half } or {: .third }" in err


@needs_chromium
def test_the_web_page_with_a_wide_photo_fits_a_phone(pictured, browser):
    project, _ = pictured
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto((project.root / f"{STATEMENT}.html").as_uri())
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    picture, text = page.evaluate("""[document.querySelector('.section img'),
        document.querySelector('.section p')].map(e => e.getBoundingClientRect().right)""")
    assert picture <= text + 0.5
