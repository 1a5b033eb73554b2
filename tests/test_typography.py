"""Typography measured in the PDFs' text layer and in Chromium: the measure of body text,
hyphenation limits, tables of figures, the page budget's warning, the web page's contents
and its way back to the catalogue."""

import datetime
import re

import pypdfium2 as pdfium
import pytest

from briefs.pdf import print_pdf
from briefs.render.html import stylesheet
from briefs.render.markdown_ext import EditionState, section_html

from conftest import make_project, needs_chromium, render, run_snakemake

MEASURE = 75  # characters a line of body text holds at most

PROSE = {
    "en": ("The investigation was closed before the families of the victims could see its "
           "files, and the officers who gave the orders were never questioned by the "
           "prosecutors in charge of the case. Independent lawyers documented the "
           "testimony of the detainees, who described beatings, threats and interrogations "
           "at night, and asked for an international inquiry into what happened in the "
           "cells of the city police station during those days. "),
    "ru": ("Расследование закрыли прежде, чем семьи погибших смогли ознакомиться с его "
           "материалами, а сотрудников, отдававших приказы, следователи так и не допросили. "
           "Независимые юристы записали показания задержанных, которые рассказали об "
           "избиениях, угрозах и ночных допросах, и потребовали международного "
           "расследования событий в изоляторе городского отдела полиции. "),
}


def pdf_lines(source):
    """Each line of text in a PDF's text layer: (page, text, left, right), page from 0.
    Pieces of text on one line closer than 5 pt are joined: table cells and the columns of
    a page, further apart, are lines of their own. A hyphen ending a line reads '-'.
    Pieces are put in rows by their overlap first and then read from the left, as the top
    of "(see" and of an italic "Expression" beside it may differ by a point."""
    lines = []
    for number, page in enumerate(pdfium.PdfDocument(source)):
        text = page.get_textpage()
        rows = []
        for rect in sorted((text.get_rect(i) for i in range(text.count_rects())),
                           key=lambda rect: -rect[3]):
            row = next((row for row in rows if _overlaps(row[0], rect)), None)
            if row is None:
                rows.append([rect])
            else:
                row.append(rect)
        for row in rows:
            on_row = []
            for left, bottom, right, top in sorted(row):
                piece = (text.get_text_bounded(left, bottom, right, top).replace("\x02", "-")
                         .replace("\xa0", " "))
                if on_row and 0 <= left - on_row[-1][3] < 5:
                    on_row[-1][1] += piece
                    on_row[-1][3] = right
                else:
                    on_row.append([number, piece, left, right])
            lines += [(page, text.strip(), left, right) for page, text, left, right in on_row]
    return lines


def _overlaps(first, rect):
    overlap = min(first[3], rect[3]) - max(first[1], rect[1])
    return overlap > 0.5 * min(first[3] - first[1], rect[3] - rect[1])


def printed(project, body, lang="en", kind="report"):
    """The PDF of body (HTML) printed with the briefs' print stylesheet, as a kind's page."""
    html = (f'<html lang="{lang}" class="kind-{kind} medium-print"><head><title>T</title>'
            f"<style>{stylesheet(project, 'print')}</style></head><body><main>{body}</main>"
            "</body></html>")
    data, *_ = print_pdf(html, project=project, day=datetime.date(2024, 1, 1),
                         identifier="typography")
    return data


def markdown(text):
    """A section's Markdown as the build makes it for print."""
    return section_html(text, EditionState(print_notes=True), prefix="t-")[0]


def write(project, brief_id, name, text, append=True):
    path = project.brief_dir(brief_id) / name
    path.write_text((path.read_text() + "\n\n" if append else "") + text, encoding="utf-8")


# The measure -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def long_texts(tmp_path_factory):
    """The fixture briefs of every kind with long paragraphs and lists, built."""
    project = make_project(tmp_path_factory.mktemp("long"))
    paragraphs = "\n\n".join(PROSE["en"] * 2 for _ in range(3))
    items = "\n".join(f"- {PROSE['en']}" for _ in range(2))
    for brief_id, name in (("test-statement", "body.en.md"), ("test-report", "background.en.md"),
                           ("test-update", "introduction.en.md"),
                           ("test-column", "body.en.md")):
        write(project, brief_id, name, f"{paragraphs}\n\n{items}\n")
    write(project, "test-statement", "body.ru.md", "\n\n".join(PROSE["ru"] * 2 for _ in range(3)))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize("edition", ["test-statement.en", "test-statement.ru", "test-report.en",
                                     "test-update.en", "test-column.en"])
def test_a_printed_line_of_body_text_holds_at_most_75_characters(long_texts, edition):
    pdf = long_texts.root / "build" / edition.split(".")[0] / f"{edition}.pdf"
    lines = [text for _, text, _, _ in pdf_lines(pdf)]
    long = [text for text in lines if len(text) > MEASURE]
    assert long == [], edition
    assert sum(len(text) >= 50 for text in lines) >= 20  # the prose was measured, in full lines


MEASURE_SCRIPT = """() => {
  const range = document.createRange();
  let longest = 0;
  for (const block of document.querySelectorAll("main p, main li")) {
    const lines = new Map();
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (box) lines.set(Math.round(box.bottom), (lines.get(Math.round(box.bottom)) || 0) + 1);
      }
    }
    longest = Math.max(longest, ...lines.values());
  }
  return longest;
}"""


@needs_chromium
def test_on_screen_a_line_of_body_text_holds_at_most_75_characters(long_texts, browser):
    width = 1280
    page = browser.new_page(viewport={"width": width, "height": 900})
    for edition in ("test-statement.en", "test-statement.ru", "test-report.en"):
        path = long_texts.root / "build" / edition.split(".")[0] / f"{edition}.html"
        page.goto(path.as_uri())
        longest = page.evaluate(MEASURE_SCRIPT)
        assert 30 <= longest <= MEASURE + 1, (edition, width, longest)  # + the final space


# Hyphenation -----------------------------------------------------------------------------

LAST_WORDS = {"en": ["unpunished.", "accountability;", "investigation.", "signature."],
              "ru": ["деятельность;", "ответственности.", "расследования.", "подписание."]}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_fragment_of_a_word_stands_alone_on_a_paragraphs_last_line(project, lang):
    words = PROSE[lang].split()
    paragraphs = "\n\n".join(" ".join(words[:n]) + " " + LAST_WORDS[lang][n % 4]
                             for n in range(12, 40))
    items = "\n".join(f"- {' '.join(words[:n])} {LAST_WORDS[lang][n % 4]}"
                      for n in range(12, 40, 3))
    body = markdown(f"{paragraphs}\n\n{items}\n")
    fragments, hyphenated = [], 0
    for width in range(22, 34):  # the last word reaches the end of a line here and there
        lines = [text for _, text, _, _ in pdf_lines(printed(
            project, f'<div style="width: {width}em">{body}</div>', lang))]
        hyphenated += sum(text.endswith("-") for text in lines)
        fragments += [(width, text) for text in lines
                      for word in LAST_WORDS[lang] if text != word and word.endswith(text)]
    assert fragments == []
    assert hyphenated > 20  # the text is hyphenated, but never so


def test_a_paragraph_ending_in_emphasis_leaves_no_word_alone_on_a_line_above(project):
    """WeasyPrint 70 left 'while' alone on a line when the emphasis that ends this paragraph
    did not fit at the end of the line before it, with a space before the emphasis."""
    body = markdown("People who, as far as is known, used no violence but were picked up "
                    "while protesting peacefully, some of them well-known activists (see "
                    "*Expression*).\n")
    lines = [text for _, text, _, _ in pdf_lines(printed(project, "".join(
        f'<div style="width: {width / 10}em">{body}</div>' for width in range(250, 350))))]
    assert len(lines) >= 300 and [text for text in lines if len(text.split()) == 1
                                  and text != "Expression)."] == []


LONG_NAME = "Bakhytzhamal Nurmagambetova"
CELL_WORDS = ["Accountability", "International", "Investigation", "Alliance", "Torture"]


def test_no_word_is_hyphenated_or_broken_in_a_heading_a_table_cell_or_a_persons_name(project):
    (project.content / "cases" / "long-name.yaml").write_text(
        "id: long-name\nname: {en: " + LONG_NAME + "}\ntags: [assembly]\nevents:\n"
        "  - {date: 2022-07-01, type: detained, text: {en: Detained at a picket.}}\n")
    filler = "word " * 40
    names = "\n\n".join(f"{filler[:5 * n]}{{{{ name('long-name') }}}} was detained."
                        for n in range(40))
    headings = "\n\n".join(f"## {filler[:5 * n]}International Accountability Investigation\n\n"
                           "Text." for n in range(0, 12))
    rows = "\n".join(f"| {filler[:5 * (n % 6)]}{' '.join(CELL_WORDS[n % 5:] + CELL_WORDS)} | "
                     f"{PROSE['en'][:120]} |" for n in range(12))
    write(project, "test-statement", "body.en.md",
          f"{names}\n\n| Who | What |\n|---|---|\n{rows}\n\n{headings}\n")
    assert run_snakemake(project).returncode == 0
    lines = [text for _, text, _, _ in
             pdf_lines(project.root / "build/test-statement/test-statement.en.pdf")]
    broken = [text for text in lines if text.endswith("-") and any(
        word.startswith(text.split()[-1][:-1]) for word in CELL_WORDS + LONG_NAME.split())]
    assert broken == []
    assert sum(LONG_NAME in text for text in lines) == 40  # each name whole, on one line


# Tables ----------------------------------------------------------------------------------

FIGURES = [("People killed", "238"), ("of whom died in custody", "6"),
           ("People detained", "about 10,000"), ("Detainees who reported torture", "over 70%"),
           ("Complaints of torture", "over 170"), ("People convicted", "1,400"),
           ("Protesters detained since May 2018", "more than 7,000")]


def test_the_figures_of_a_table_are_aligned_right(project):
    rows = "\n".join(f"| {what} | {figure} | the authorities |" for what, figure in FIGURES)
    write(project, "test-statement", "body.en.md",
          f"| Indicator | Figure | Source |\n|---|---|---|\n{rows}\n")
    assert run_snakemake(project).returncode == 0
    lines = pdf_lines(project.root / "build/test-statement/test-statement.en.pdf")
    cells = [(left, right) for _, text, left, right in lines
             for _, figure in FIGURES if text == figure]
    assert len(cells) == len(FIGURES)
    rights = [right for _, right in cells]
    assert max(rights) - min(rights) < 0.5, cells  # flush right, each under the other
    assert max(left for left, _ in cells) - min(left for left, _ in cells) > 20


def table(rows, header="Name"):
    cells = "".join(f"<tr><td>Row {n} name</td><td>{n * 7}</td></tr>" for n in range(1, rows + 1))
    return (f"<table><thead><tr><th>{header}</th><th>Count</th></tr></thead>"
            f"<tbody>{cells}</tbody></table>")


def test_a_table_of_seven_rows_is_never_split_and_a_long_one_repeats_its_header(project):
    split = set()
    for fill in range(26, 46):  # the table starts lower on the first page each time
        body = "<p>A line.</p>" * fill
        lines = pdf_lines(printed(project, body + table(7)))
        pages = {page for page, text, _, _ in lines if re.fullmatch(r"Row \d name", text)}
        assert len(pages) == 1, (fill, pages)
        lines = pdf_lines(printed(project, body + table(30, "Names")))
        pages = {page for page, text, _, _ in lines if re.fullmatch(r"Row \d+ name", text)}
        headers = {page for page, text, _, _ in lines if text == "Names"}
        assert headers == pages, fill
        split.add(len(pages))
    assert split == {1, 2}  # the long table did split


# The page budget -------------------------------------------------------------------------

def statement_with(project, sentences):
    write(project, "test-statement", "body.en.md",
          "The keeper of the lighthouse was sentenced to **nine years**.\n\n"
          + "\n\n".join(PROSE["en"] for _ in range(sentences // 5))
          + "\n\n" + " ".join(PROSE["en"].split(". ")[:sentences % 5]) + ".\n", append=False)


def printed_statement(project, sentences):
    """The PDF of the test statement with that many sentences more, and its pages."""
    statement_with(project, sentences)
    data, pages, *_ = print_pdf(render(project, "test-statement", medium="print"),
                                project=project, day=datetime.date(2023, 4, 25),
                                identifier="budget")
    return data, pages


def first_on_two_pages(project):
    """The fewest sentences that take the test statement onto a second page."""
    low, high = 10, 200
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if printed_statement(project, middle)[1] > 1 else (middle + 1,
                                                                                   high)
    return low


def test_a_statement_a_few_lines_too_long_is_told_by_how_many_lines_and_what_moved(project):
    statement_with(project, first_on_two_pages(project) + 3)
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    pdf = project.root / "build/test-statement/test-statement.en.pdf"
    second = [text for page, text, _, _ in pdf_lines(pdf) if page == 1
              and text not in ("Page 2 of 2", "•")]  # a list's bullets stand apart
    warning = re.search(r"warning: content/briefs/test-statement: test-statement\.en\.pdf has 2 "
                        r"pages, 1 more than a statement should have \(1\): (\d+) lines? of "
                        r"text run past page 1 \((.*)\); shorten its sections by as much, or "
                        r"make it a report", result.stderr)
    assert warning, result.stderr
    assert int(warning[1]) == len(second) < 15, second  # a few lines, as the PDF has them
    assert "the contact line" in warning[2] and "Press enquiries" in " ".join(second)


def test_the_contact_line_never_stands_alone_on_a_statements_second_page(project):
    first = first_on_two_pages(project)
    for sentences in range(first, first + 8):  # the text ends lower on page 2 each time
        data, pages = printed_statement(project, sentences)
        second = [text for page, text, _, _ in pdf_lines(data) if page == 1
                  and text != "Page 2 of 2"]
        assert [text for text in second if "Press enquiries" not in text], sentences


# The web page ----------------------------------------------------------------------------

HANGING_SCRIPT = """() => {
  const out = [];
  for (const text of document.querySelectorAll(".toc-text")) {
    const range = document.createRange();
    range.selectNodeContents(text);
    const boxes = [...range.getClientRects()];
    if (boxes.length > 1) {
      const entry = text.closest("a").getBoundingClientRect();
      out.push([boxes[0].left - entry.left, boxes[boxes.length - 1].left - entry.left]);
    }
  }
  return out;
}"""


@needs_chromium
def test_on_a_phone_a_contents_entry_that_wraps_hangs_under_its_first_line(project, browser):
    write(project, "test-report", "background.en.md",
          "## A heading long enough to wrap on a phone, about the harbour and its keepers\n\n"
          "Text.\n")
    write(project, "test-update", "expression.en.md",
          "# A heading long enough to wrap on a phone, about the harbour and its keepers\n\n"
          "Text.\n")
    assert run_snakemake(project).returncode == 0
    page = browser.new_page(viewport={"width": 390, "height": 800})
    for brief_id in ("test-report", "test-update"):
        page.goto((project.root / f"build/{brief_id}/{brief_id}.en.html").as_uri())
        wrapped = page.evaluate(HANGING_SCRIPT)
        assert wrapped, brief_id
        for _, last in wrapped:  # the wrapped line starts right of the entry's start
            assert last >= 10, (brief_id, wrapped)


@needs_chromium
@pytest.mark.parametrize("lang, words", [("en", "All publications"),
                                         ("ru", "Все публикации")])
def test_a_briefs_web_page_links_back_to_the_catalogue(built, browser, lang, words):
    page = browser.new_page()
    page.goto((built.root / f"build/test-statement/test-statement.{lang}.html").as_uri())
    link = page.locator('a[href="../index.html"]')
    assert link.inner_text() == words
    link.click()
    assert page.url == (built.root / "build/index.html").as_uri()
    assert page.locator(".entry").count() >= 4
