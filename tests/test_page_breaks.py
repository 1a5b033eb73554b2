"""Pages that break well, on pages made to provoke each fault, read from the text layer."""

import datetime

from pypdf import PdfReader

from briefs.pdf import print_pdf
from briefs.render.html import stylesheet
from briefs.render.markdown_ext import EditionState, section_html

FILLER = "<p>" + "Words of a paragraph that fills the page. " * 12 + "</p>"


def pages(project, tmp_path, body, name="page"):
    """The text of each page of body, printed with the brief's print stylesheet."""
    html = (f'<html lang="en" class="kind-report medium-print"><head><title>T</title>'
            f"<style>{stylesheet(project, 'print')}</style></head><body><main>{body}</main>"
            "</body></html>")
    data, *_ = print_pdf(html, project=project, day=datetime.date(2024, 1, 1), identifier=name)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return [page.extract_text() for page in PdfReader(path).pages]


def table(rows):
    cells = "".join(f"<tr><td>Row {n} name</td><td>held</td></tr>" for n in range(1, rows + 1))
    return f"<table><thead><tr><th>Name</th><th>Status</th></tr></thead><tbody>{cells}</tbody></table>"


def rows_per_page(texts):
    return [sum(f"Row {n} name" in text for n in range(1, 100)) for text in texts]


def lines(count):
    """count one-line paragraphs: moves what follows down the page a line at a time."""
    return "<p>A line.</p>" * count


def test_a_small_table_stays_whole_and_a_long_one_leaves_three_rows(project, tmp_path):
    for fill in range(28, 44, 2):  # the table starts lower on the first page each time
        small = rows_per_page(pages(project, tmp_path, lines(fill) + table(5), "small"))
        assert max(small) == 5, (fill, small)
        long = [n for n in rows_per_page(pages(project, tmp_path, lines(fill) + table(9),
                                               "long")) if n]
        assert sum(long) == 9 and min(long) >= 3, (fill, long)


def case_box(events):
    items = "".join(f"<li><strong>Event {n}</strong>: what happened on that day, told in "
                    "a sentence long enough to wrap.</li>" for n in range(1, events + 1))
    return (f'<div class="case-box"><p class="case-name">Person</p><p class="case-role">'
            f'activist</p><p class="case-status">In detention</p><ul>{items}</ul></div>')


def test_a_long_case_box_splits_with_its_heading_and_a_short_one_does_not(project, tmp_path):
    split_seen = False
    for fill in range(11, 16):
        texts = pages(project, tmp_path, FILLER * fill + case_box(8), "long-box")
        [first] = [i for i, text in enumerate(texts) if "Event 1:" in text]
        assert "Person" in texts[first] and "Event 2:" in texts[first]
        last = [i for i, text in enumerate(texts) if "Event 8:" in text][0]
        assert "Event 7:" in texts[last]
        split_seen |= first != last
        short = pages(project, tmp_path, FILLER * fill + case_box(3), "short-box")
        assert len({i for i, text in enumerate(short) for n in (1, 2, 3)
                    if f"Event {n}:" in text}) == 1
    assert split_seen  # the long box did split rather than move whole to the next page


def test_no_line_starts_with_a_footnote_call(project, tmp_path):
    text = " ".join(f"A sentence says what the {'other ' * (n % 3)}source says.[^n{n}]"
                    for n in range(40))
    notes = "\n".join(f"[^n{n}]: Source {n}." for n in range(40))
    body, _ = section_html(f"{text}\n\n{notes}\n", EditionState(print_notes=True),
                           prefix="x-")
    for width in ("100%", "93%", "87%"):
        texts = pages(project, tmp_path, f'<div style="width: {width}">{body}</div>', "calls")
        lines = [line for page in texts for line in page.splitlines()]
        assert not [line for line in lines if line[:1].isdigit() and "Source" not in line], width


def test_an_address_in_a_footnote_never_breaks_after_its_scheme(project, tmp_path):
    seen = set()
    for words in range(0, 14):  # the address reaches the end of the line somewhere
        body, _ = section_html(f"A call.[^a]\n\n[^a]: An update on civic freedoms, "
                               f"{'more words ' * words}31 August 2022, "
                               "<https://monitor.example.org/updates/kazakhstan>\n",
                               EditionState(print_notes=True), prefix="x-")
        lines = pages(project, tmp_path, body, "url")[0].splitlines()
        assert not [line for line in lines if line.rstrip().endswith("https://")], words
        seen.add(next(line for line in lines if "https" in line).rstrip()[-6:])
    assert len(seen) > 2  # the line ended in several places


def test_a_number_in_a_table_cell_keeps_the_word_before_it():
    body, _ = section_html("| a | b |\n|---|---|\n| about 10,000 | over 900 people |\n",
                           EditionState(print_notes=True), prefix="x-")
    assert ('<td class="num">about\xa010,000</td>' in body
            and "<td>over\xa0900\xa0people</td>" in body)  # and the word it counts


def test_a_columns_bio_never_stands_alone_on_its_last_page(project, tmp_path):
    about = ('<section class="section role-about"><h2>About the desk</h2><p>The desk is a '
             'small team of lawyers.</p></section>')
    ending = ('<p class="bio">The author is a lawyer and a policy adviser.</p>'
              '<footer class="column-foot"><p class="publisher-line">Published by the desk'
              '</p></footer>')
    moved = set()
    for fill in range(18, 34):  # the text ends lower on the page each time
        texts = pages(project, tmp_path, lines(fill) + about + ending, "column")
        [last] = [text for text in texts if "policy adviser" in text]
        assert "About the desk" in last, fill
        moved.add(len(texts))
    assert moved == {1, 2}  # the ending did run onto a second page


def test_a_call_at_the_end_of_a_line_takes_its_word_along_not_the_whole_line(project,
                                                                           tmp_path):
    """The word before a call and the call are one piece; when it does not fit at the end
    of a line, that piece goes to the next line, not everything after the event's date."""
    event = ("- **June 2022**: IPHR, KIBHR and partner groups publicly urged the authorities "
             "to drop the charges and free him.[^a]\n")
    body, _ = section_html(f"{event * 2}\n[^a]: The source.\n", EditionState(print_notes=True),
                           prefix="x-")
    boxes = "".join(f'<div class="case-box" style="margin-right: {mm / 5}mm">{body}</div>'
                    for mm in range(21))  # the call reaches the end of a line somewhere
    lines = [line.strip() for page in pages(project, tmp_path, boxes, "dates")
             for line in page.splitlines()]
    assert sum(line.startswith("June 2022:") for line in lines) == 42
    assert "June 2022:" not in lines
