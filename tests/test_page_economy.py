"""The economy of a long brief's pages and the rules every title and date follows, measured
in the PDFs' text layer and the pages' HTML: an update's or report's single text column
spends no height it need not, a list of people keeps to its page, a title's last words stay
together wherever it is printed, and the catalogue writes dates as the pages do."""

import re

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from briefs.cli import main

from conftest import make_project, render, run_snakemake
from test_typography import PROSE, pdf_lines, printed

NAME = '<span class="title-end">Karim Massimov</span>'
# Titles whose last line, broken where the words fall, would hold the name's last word
# alone or split the name over two lines at one of the cover's widths.
TITLES = {"test-report": "Lighthouse keepers held on the northern coast and the trial of "
                         "Karim Massimov",
          "test-update": "Quarterly update on the harbour and the fishing union led by "
                         "Karim Massimov"}
STATEMENT, COLUMN = "test-statement", "test-column"


def built(project):
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr


def release(project, brief_id, at):
    assert main(["--root", str(project.root), "release", brief_id, "--at", at]) == 0


def set_title(project, brief_id, title):
    """The brief's title, printed in full in its running head too (no short title)."""
    path = project.brief_dir(brief_id) / "brief.yaml"
    text = re.sub(r"^short_title: .*\n", "", path.read_text(), flags=re.M)
    path.write_text(re.sub(r"^title: .*$", f"title: {{en: {title}}}", text, flags=re.M))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The fixture content with long titles, its statement (English and Russian) and column
    (English and Kazakh) released in two versions each, built."""
    project = make_project(tmp_path_factory.mktemp("economy"))
    for brief_id, title in TITLES.items():
        set_title(project, brief_id, title)
    built(project)
    release(project, STATEMENT, "2023-04-25T10:00+06:00")
    release(project, COLUMN, "2024-01-29T09:00+05:00")
    correct(project, STATEMENT, "2023-05-02", {"en": "The sentence was nine years.",
                                               "ru": "Срок был девять лет."})
    correct(project, COLUMN, "2024-02-03", {"en": "The harbour was named wrongly.",
                                            "kk": "Айлақтың аты қате жазылған."})
    built(project)
    release(project, STATEMENT, "2023-05-02T12:00+06:00")
    release(project, COLUMN, "2024-02-03T12:00+05:00")
    built(project)
    return project


def correct(project, brief_id, day, note):
    path = project.brief_dir(brief_id) / "brief.yaml"
    path.write_text(path.read_text() + f"corrections:\n  - date: {day}\n    note:\n"
                    + "".join(f"      {lang}: {text}\n" for lang, text in note.items()))


def output(project, brief_id, suffix):
    return project.root / "build" / brief_id / f"{brief_id}.{suffix}"


# Titles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("brief_id", TITLES)
def test_a_cover_title_never_leaves_its_last_word_alone_nor_breaks_a_name(project, brief_id):
    lines = [text for page, text, _, _ in pdf_lines(output(project, brief_id, "en.pdf"))
             if page == 0]
    last = next(text for text in lines if text.endswith("Massimov"))
    assert "Karim Massimov" in last, lines
    # the bound words keep their plain space in the PDF's bookmark, as written
    assert PdfReader(output(project, brief_id, "en.pdf")).outline[0].title == TITLES[brief_id]


@pytest.mark.parametrize("brief_id", TITLES)
def test_a_titles_last_two_words_are_bound_on_the_cover_running_head_and_web_page(
        project, brief_id):
    bound = TITLES[brief_id].replace("Karim Massimov", NAME)
    page = output(project, brief_id, "en.html").read_text()
    assert f'<h1 class="title">{bound}</h1>' in page
    page = render(project, brief_id, medium="print")
    assert f'<h1 class="title">{bound}</h1>' in page
    assert f'<span class="running-title">{bound}</span>' in page


@pytest.mark.parametrize("title, shown", [
    ('<b>Keepers</b> & the trial of "Karim Massimov"',
     "&lt;b&gt;Keepers&lt;/b&gt; &amp; the trial of "
     '<span class="title-end">&#34;Karim Massimov&#34;</span>'),
    ("Massimov", "Massimov"),  # a single word is left as it is
    ("A title ending in two long words Internationalisation Counterterrorism",
     "A title ending in two long words Internationalisation Counterterrorism")])
def test_a_cover_title_is_escaped_and_only_a_short_last_pair_is_bound(tmp_path, title, shown):
    """A pair of words longer than 24 letters together would make a line too long for a
    narrow screen: it may break."""
    project = make_project(tmp_path)
    set_title(project, "test-report", title.replace('"', '\\"').join('""'))
    page = render(project, "test-report", medium="print")
    assert f'<h1 class="title">{shown}</h1>' in page


def test_the_catalogue_binds_a_titles_last_two_words(project):
    catalogue = (project.root / "build" / "index.html").read_text()
    for brief_id in TITLES:
        assert f'{TITLES[brief_id].replace("Karim Massimov", NAME)}</a></h2>' in catalogue


# Dates -------------------------------------------------------------------------------------

def test_the_catalogue_writes_released_versions_dates_as_the_pages_do(project):
    """The catalogue is in English: every edition's versions are dated in English."""
    catalogue = (project.root / "build" / "index.html").read_text()
    versions = re.findall(r'<span class="edition-versions">.*?</span>', catalogue)
    assert len(versions) == 4  # the statement's English and Russian, the column's two
    dates = [re.findall(r'\(<time datetime="([-\d]+)">([^<]+)</time>\)', listed)
             for listed in versions]
    assert sorted(map(tuple, dates)) == [
        (("2023-04-25", "25 April 2023"), ("2023-05-02", "2 May 2023"))] * 2 + [
        (("2024-01-29", "29 January 2024"), ("2024-02-03", "3 February 2024"))] * 2


@pytest.mark.parametrize("brief_id, lang, first, second", [
    (STATEMENT, "en", "25\xa0April 2023", "2\xa0May 2023"),  # a day keeps its month
    (STATEMENT, "ru", "25\xa0апреля 2023\xa0г.", "2\xa0мая 2023\xa0г."),
    (COLUMN, "kk", "2024\xa0жылғы 29\xa0қаңтар", "2024\xa0жылғы 3\xa0ақпан")])
def test_a_web_pages_list_of_versions_writes_dates_in_its_language(project, brief_id, lang,
                                                                    first, second):
    page = output(project, brief_id, f"{lang}.html").read_text()
    versions = page[page.index('<ul class="versions"'):]
    versions = versions[:versions.index("</ul>")]
    days = re.findall(r'<time datetime="([-\d]+)">([^<]+)</time>', versions)
    assert [text for _, text in days] == [first, second]


# Page economy ------------------------------------------------------------------------------

def prose_page(project):
    """A report's page of prose, printed: its lines of text on its first page."""
    body = "".join(f"<p>{PROSE['en'] * 2}</p>" for _ in range(12))
    return [line for line in pdf_lines(printed(project, body)) if line[0] == 0]


def test_a_full_page_of_a_reports_prose_holds_at_least_50_lines(tmp_path):
    lines = prose_page(make_project(tmp_path))
    assert len(lines) >= 50, len(lines)
    assert max(len(text) for _, text, _, _ in lines) <= 75  # the measure is kept


def people_list(rows):
    cells = "".join(f"<tr><th>Person {number:02}</th><td>pre-trial detention</td>"
                    f"<td>by 30 November 2020</td></tr>" for number in range(rows))
    return ('<div class="case-table"><table><thead><tr><th>Name</th><th>Status</th>'
            f"<th>Since</th></tr></thead><tbody>{cells}</tbody></table></div>")


def test_a_reports_annex_of_thirty_names_keeps_to_its_page(tmp_path):
    """An annex's introduction, a list of thirty people and the two lines after it share
    one page: rows padded as the text's lines were pushed its last lines onto a page of
    their own."""
    annex = (f"<section class='section role-annex'><h2>Annex A: list of political prisoners"
             f"</h2><p>{PROSE['en'] * 2}</p>{people_list(30)}<p>{PROSE['en'][:150]}</p>"
             "</section>")
    lines = pdf_lines(printed(make_project(tmp_path), annex))
    assert {page for page, _, _, _ in lines} == {0}, [t for p, t, _, _ in lines if p]


def case_box(events, short=False):
    """A case box as helpers.case_box prints it, with events long enough to wrap."""
    items = "".join(f"<li><strong>Event {n}</strong>: what happened to the person on that "
                    "day, told in a sentence long enough to wrap over lines.</li>"
                    for n in range(1, events + 1))
    return (f'<div class="case-box{" case-box-short" if short else ""}"><p class="case-name">'
            'Person</p><p class="case-status">In detention</p><ul>' + items + "</ul></div>")


@pytest.mark.parametrize("events, short", [(5, False), (3, True), (2, True)])
def test_a_case_box_takes_the_full_width_its_events_in_two_columns(tmp_path, events, short):
    """A case box squeezed into the text column with the page's other third empty beside
    it was twice as tall as it need be."""
    project = make_project(tmp_path)
    lines = pdf_lines(printed(project, f"<p>{PROSE['en']}</p>{case_box(events, short)}"))
    text_right = max(right for _, text, _, right in lines if "investigation" in text
                     or "families" in text)
    starts = {left for _, text, left, _ in lines if "Event" in text}
    assert len({round(left) for left in starts}) == 2, lines  # two columns of events
    assert max(starts) > text_right - 100, lines  # the second beside the text's measure
    assert max(right for *_, right in lines) > text_right + 50  # past the text column
    assert max(len(text) for _, text, _, _ in lines) <= 75
    assert {page for page, *_ in lines} == {0}


def test_a_short_case_box_is_marked_so_as_the_build_prints_it(tmp_path):
    """The build marks a box of three events or fewer, which stays whole on its page and
    shares its events between the columns; a longer one may split between pages."""
    project = make_project(tmp_path)
    boxes = r'<div class="(case-box[^"]*)">(.*?)</div>'
    page = render(project, "test-report", medium="print")
    assert [(kind, body.count("<li>")) for kind, body in re.findall(boxes, page, re.S)] == [
        ("case-box case-box-short", 1)]
    record = project.content / "cases" / "keeper-one.yaml"
    more = "".join(f"  - date: 2020-06-{day}\n    type: other\n"
                   f"    text: {{en: Questioned again on day {day}.}}\n"
                   for day in (10, 15, 20))
    record.write_text(record.read_text().replace("    sources: [court]\n",
                                                  "    sources: [court]\n" + more, 1))
    page = render(project, "test-report", medium="print")
    assert [(kind, body.count("<li>")) for kind, body in re.findall(boxes, page, re.S)] == [
        ("case-box", 4)]


# The example briefs' pages ---------------------------------------------------------------

MM = 72 / 25.4
# What starts a page of its own, so that the page before it may end early.
OWN_PAGE = ("ANNEX", "Contents", "Summary")


def emptiness(page):
    """The share of a page's text area below its last line of text, and its first line."""
    width, height = page.get_size()
    text = page.get_textpage()
    rects = [text.get_rect(i) for i in range(text.count_rects())]
    body = [rect for rect in rects if 17 * MM < rect[1] and rect[3] < height - 19 * MM]
    first = max(body, key=lambda rect: rect[3])
    lowest = min(rect[1] for rect in body)
    return (lowest - 17 * MM) / (height - 36 * MM), text.get_text_bounded(*first).strip()


@pytest.mark.parametrize("brief_id", ["2022-q3-civic-space-update",
                                      "2020-12-persecution-before-elections"])
def test_no_page_of_a_long_example_is_more_than_half_empty(examples, brief_id):
    """Unless it is the last, or the next one starts a part that begins a page."""
    pages = [emptiness(page) for page in pdfium.PdfDocument(output(examples, brief_id,
                                                                   "en.pdf"))]
    empty = [(number + 1, round(share, 2)) for number, ((share, _), (_, after))
             in enumerate(zip(pages, pages[1:])) if share > 0.5
             and not after.startswith(OWN_PAGE)]
    assert empty == []
