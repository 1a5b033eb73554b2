"""Where lines and pages may break, measured in the PDFs' text layer and in Chromium: a number
keeps the word it counts, a day its month and an honorific its name in all three languages;
a month's name is never hyphenated; a footnote prints on the page of its call; a column of
identifiers reads from the left; a press kit writes dates in the brief's date style; a
column's byline stands apart from its lead on the web."""

import re
import zipfile

import pytest
from pypdf import PdfReader

from conftest import make_project, needs_chromium, run_snakemake
from test_typography import PROSE, pdf_lines

WORDS = PROSE["en"].split()
MONTHS = {"en": "January February March April May June July August September October "
                "November December".split(),
          "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября "
                "декабря".split(),
          "kk": "қаңтарда ақпанда наурызда сәуірде мамырда маусымда шілдеде тамызда "
                "қыркүйекте қазанда қарашада желтоқсанда".split()}
NEVER = re.compile(r"(?!)")
# A line must not end with a number whose word starts the next line, nor with an honorific.
NUMBER_END = re.compile(r"(?:^|\s)\d[\d,]*$")
HONORIFIC_END = {"en": re.compile(r"(?:^|\s)(?:Mr|Ms|Dr)$"),
                 "ru": re.compile(r"(?:^|\s)(?:г-н|г-жа)$"), "kk": NEVER}
COUNTED = {"en": {"years", "people"}, "ru": {"лет", "человек", "г."},
           "kk": {"жылғы", "жылға", "адамның"}}
HONORIFIC_START = {"en": NEVER, "ru": NEVER,
                   "kk": re.compile(r"^(?:мырза|ханым)\b")}


def sentences(lang, count=30):
    """Sentences whose numbers, dates and names fall at every place of a line: each starts
    with a few more words of filler than the one before."""
    out = []
    for index in range(count):
        filler = " ".join(WORDS[:index % 11]) if lang == "en" else ""
        day, month, years = 1 + index * 7 % 28, MONTHS[lang][index % 12], 10 + index
        if lang == "en":
            out.append(f"{filler} On {day} {month} 2022 Mr Testov was given {years} years, "
                       f"and Dr Alma spoke for {20 + index} people.")
        elif lang == "ru":
            pad = " ".join(PROSE["ru"].split()[:index % 9])
            out.append(f"{pad} С {day} {month} 2022 г. г-н Тестов получил {years} лет, а "
                       f"г-жа Алма говорила от имени {20 + index} человек.")
        else:
            pad = " ".join(["айлақ", "түні", "туралы", "сот", "шешімі"][:index % 5])
            out.append(f"{pad} 2022 жылғы {day} {month} Тестов мырза {years} жылға сотталды, "
                       f"ал Алма ханым {20 + index} адамның атынан сөйледі.")
    months = MONTHS[lang]
    for index in range(count):  # months, most of them long enough to be hyphenated
        listed = ", ".join(months[(index + step * 5) % 12] for step in range(6))
        out.append(f"{' '.join(WORDS[:index % 7]) if lang == 'en' else ''} {listed}.")
    return " ".join(out)


ARTICLES = ("| Article of the Criminal Code | Offence |\n|---|---|\n"
            "| 174 | inciting social discord |\n| 405 | taking part in the activity of a "
            "banned organisation |\n\n"
            "| Region | People held |\n|---|---|\n| North | 1,204 |\n| South | 87 |\n\n")


def notes_near_the_foot(count=40):
    """Paragraphs of growing length, each with a long note, so that some call falls on a
    page's last lines."""
    parts, notes = [], []
    for index in range(count):
        parts.append(" ".join(WORDS[:8 + index * 5 % 50]) + f" call {index}.[^n{index}]")
        notes.append(f"[^n{index}]: Note {index}: " + " ".join(WORDS[:30 + index % 20]) + ".")
    return "\n\n".join(parts + notes) + "\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The fixture content with text full of numbers, dates and names in all three
    languages, a table of articles, a section of many notes, a statement in the plain date
    style and a column without a photo, built."""
    project = make_project(tmp_path_factory.mktemp("breaks"))
    briefs = project.content / "briefs"
    background = briefs / "test-report" / "background.en.md"
    background.write_text(background.read_text().replace(
        "{{ chart_held_over_time", ARTICLES + sentences("en") + " {{ brief.date | date }} "
        "and `18 years` in code.\n{: title=\"18 years\" }\n\n{{ chart_held_over_time"))
    notes = briefs / "test-update" / "expression.en.md"
    notes.write_text(notes.read_text() + "\n" + notes_near_the_foot())
    for brief, lang in (("test-statement", "ru"), ("test-column", "kk")):
        body = briefs / brief / f"body.{lang}.md"
        body.write_text(body.read_text() + "\n\n" + sentences(lang, 14) + "\n")
    statement = briefs / "test-statement" / "brief.yaml"
    statement.write_text(statement.read_text() + "date_style: plain\n")
    column = briefs / "test-column" / "brief.yaml"
    column.write_text(re.sub(r"photo:\n(  .*\n)+", "", column.read_text()))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


def pdf(project, brief, lang):
    return project.root / "build" / brief / f"{brief}.{lang}.pdf"


@pytest.mark.parametrize("brief, lang", [("test-report", "en"), ("test-statement", "ru"),
                                         ("test-column", "kk")])
def test_no_line_parts_a_number_from_its_word_or_a_title_from_its_name(project, brief, lang):
    lines = [text for _, text, *_ in pdf_lines(pdf(project, brief, lang))]
    assert sum("Тестов" in line or "Testov" in line for line in lines) >= 10
    followers = COUNTED[lang] | set(MONTHS[lang])
    for line, after in zip(lines, lines[1:] + [""]):
        first = (after.split() or [""])[0].rstrip(",.")
        assert not (NUMBER_END.search(line) and first in followers), (line, after)
        assert not HONORIFIC_END[lang].search(line), (line, after)
        assert not HONORIFIC_START[lang].search(after), (line, after)


@pytest.mark.parametrize("brief, lang", [("test-report", "en"), ("test-statement", "ru")])
def test_a_month_is_never_hyphenated(project, brief, lang):
    lines = [text for _, text, *_ in pdf_lines(pdf(project, brief, lang))]
    stems = {month[:4].lower() for month in MONTHS[lang]}
    for line, after in zip(lines, lines[1:]):
        fragment = line.rsplit(" ", 1)[-1]
        if fragment.endswith("-") and after:
            word = (fragment[:-1] + after.split()[0]).lower()
            assert word[:4] not in stems, (line, after)


def html(project, brief, lang):
    """An edition's web page, its no-break spaces as characters."""
    page = project.root / "build" / brief / f"{brief}.{lang}.html"
    return page.read_text().replace("&nbsp;", "\xa0").replace("&#160;", "\xa0")


def test_dates_and_counts_keep_together_but_never_in_code_or_attributes(project):
    page = html(project, "test-report", "en")
    assert "10\xa0December 2020" in page  # {{ brief.date | date }} in a section
    assert "Mr\xa0Testov" in page and "Testov was given 10\xa0years" in page
    assert "<code>18 years</code>" in page and 'title="18 years"' in page
    russian = html(project, "test-statement", "ru")
    assert "г-н\xa0Тестов" in russian and "2022\xa0г." in russian
    assert "Тестов\xa0мырза" in html(project, "test-column", "kk")


def test_a_press_kit_writes_dates_in_the_briefs_date_style(project):
    kit = project.root / "build/test-statement/test-statement-press-kit.zip"
    with zipfile.ZipFile(kit) as files:
        notes = files.read("notes-to-editors.ru.txt").decode().replace("\xa0", " ")
    assert "25 апреля 2023" in notes
    assert "2023 г." not in notes  # the statement's date style is plain
    printed = "".join(page.extract_text() for page in PdfReader(pdf(project, "test-statement",
                                                                     "ru")).pages)
    assert "25 апреля 2023" in printed.replace("\xa0", " ")
    assert "2023 г." not in printed.replace("\xa0", " ")


def test_identifiers_read_from_the_left_and_quantities_from_the_right(project):
    lines = pdf_lines(pdf(project, "test-report", "en"))
    left = {text: (page, start, end) for page, text, start, end in lines}
    heading, article = left["Article of the Criminal Code"], left["174"]
    assert article[0] == heading[0] and abs(article[1] - heading[1]) < 3, (heading, article)
    assert abs(left["405"][1] - heading[1]) < 3
    held = left["People held"]
    for figure in ("1,204", "87"):
        assert abs(left[figure][2] - held[2]) < 3, (held, left[figure])


def note_pages(path):
    """{note number: (page of its first call, page of the note)} in a printed brief."""
    reader = PdfReader(path)
    notes = {name: reader.get_destination_page_number(destination)
             for name, destination in reader.named_destinations.items()
             if name.startswith("note-") and not name.startswith("note-ref")}
    calls = {}
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            target = str(annotation.get_object().get("/Dest", ""))
            if target in notes:
                calls.setdefault(target, number)
    assert set(calls) == set(notes), path
    return {name: (calls[name], notes[name]) for name in notes}


def test_a_note_prints_on_the_page_of_its_call(project):
    pages = note_pages(pdf(project, "test-update", "en"))
    assert len(pages) >= 40 and len({note for _, note in pages.values()}) >= 4
    assert {name: where for name, where in pages.items() if where[0] != where[1]} == {}


def test_every_example_note_prints_on_the_page_of_its_call(examples):
    paths = sorted((examples.root / "build").glob("*/*.pdf"))
    assert len(paths) >= 8
    for path in paths:
        misplaced = {name: where for name, where in note_pages(path).items()
                     if where[0] != where[1]}
        assert misplaced == {}, path.name


def test_no_example_line_holds_one_short_word_of_a_sentence_that_goes_on(examples):
    """A day bound to its month's span made WeasyPrint set the words before it on lines
    of their own ("The / police / responded ... 25 September" in the report)."""
    paths = sorted((examples.root / "build").glob("*/*.pdf"))
    assert len(paths) >= 8
    for path in paths:
        lines = pdf_lines(path)
        alone = [(page + 1, text, after) for (page, text, left, right), (on, after, start, _)
                 in zip(lines, lines[1:]) if on == page and len(text.split()) == 1
                 and after[:1].islower() and abs(left - start) < 2 and right - left < 60]
        assert alone == [], path.name


@needs_chromium
@pytest.mark.parametrize("width", [390, 1280])
def test_a_columns_byline_stands_apart_from_its_lead(project, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto((project.root / "build/test-column/test-column.en.html").as_uri())
        gap, line = page.evaluate("""() => {
            const byline = document.querySelector('.byline').getBoundingClientRect();
            const lead = document.querySelector('main .section p');
            const height = parseFloat(getComputedStyle(lead).lineHeight);
            return [lead.getBoundingClientRect().top - byline.bottom, height];
        }""")
    finally:
        page.close()
    assert gap >= 0.5 * line, (gap, line)
