"""Charts a reader can read on paper and on screen: each bar with its number, the title
apart from the note below, and the parties and movements named as the text names them.

Built by the real workflow; read in the PDF's text (pypdfium2) and in the web page.
"""

import re

import pypdfium2
import pytest

from conftest import make_project, run_snakemake

REPORT = "build/test-report/test-report.en"
CHARTS = ('\n{{ chart_by_affiliation(status="held") }}\n\n{{ chart_by_region() }}\n')


def pdf_text(project):
    pdf = pypdfium2.PdfDocument(project.root / f"{REPORT}.pdf")
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def web_charts(project):
    html = (project.root / f"{REPORT}.html").read_text(encoding="utf-8")
    return re.findall(r'<figure class="chart">.*?</figure>', html, re.S)


def bars(figure):
    """{label: number} of a bar chart's rows, as the web page shows them."""
    return {label: int(number) for label, number in re.findall(
        r'<th scope="row">([^<]*)</th><td><span class="bar[^"]*"></span>'
        r'<span class="bar-number">(\d+)</span>', figure)}


def add_to_report(project, text):
    section = project.brief_dir("test-report") / "background.en.md"
    section.write_text(section.read_text() + text)


@pytest.fixture(scope="module")
def charted(tmp_path_factory):
    """The test report with a chart by affiliation (Lamp Movement counting 2 people,
    Harbour Party 1) and one by region."""
    project = make_project(tmp_path_factory.mktemp("charted"))
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace("affiliations: [harbour-party]",
                                                 "affiliations: [harbour-party, lamp-movement]"))
    add_to_report(project, CHARTS)
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


def test_each_bar_carries_its_number_on_the_web_page_and_in_the_pdf(charted):
    by_affiliation, by_region = [bars(figure) for figure in web_charts(charted)[1:]]
    assert by_affiliation == {"Lamp Movement": 2, "Harbour Party": 1}
    assert by_region and all(number > 0 for number in by_region.values())
    text = pdf_text(charted)
    for label, number in {**by_affiliation, **by_region}.items():
        assert re.search(rf"{label}\s+{number}\b", text), (label, number)


def test_a_charts_title_and_its_note_are_apart_title_first(charted):
    figure = web_charts(charted)[1]
    assert "<figcaption>People by affiliation</figcaption>" in figure
    assert re.search(r'</table><p class="chart-note">\d+ people\.', figure)
    lines = [line.strip() for line in pdf_text(charted).splitlines()]
    title = lines.index("People by affiliation")
    note = next(index for index, line in enumerate(lines)
                if re.match(r"\d+ people\. Counted under each of their movements", line))
    bar = next(index for index, line in enumerate(lines) if line.startswith("Lamp Movement"))
    assert title < bar < note


def test_a_chart_names_a_movement_as_the_text_does(project):
    add_to_report(project, 'Many belong to the {{ affiliation("lamp-movement") }}.\n'
                  + CHARTS)
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    html = (project.root / f"{REPORT}.html").read_text(encoding="utf-8")
    [named] = re.findall(r"Many belong to the ([^<]*)\.", html)
    assert named in bars(web_charts(project)[1])
    assert f"Many belong to the {named}." in pdf_text(project)


def test_a_movement_the_catalogue_does_not_have_is_refused_with_the_ones_it_has(
        project, capsys):
    from conftest import refusal

    add_to_report(project, '{{ affiliation("lamp-movment") }}\n')
    err = refusal(project, capsys, "check")
    assert "unknown affiliation 'lamp-movment'" in err
    assert "did you mean 'lamp-movement'?" in err
