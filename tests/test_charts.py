"""Charts from the case records: data in the brief's language, same SVG every time."""

import base64
import re

import pytest

import conftest


@pytest.fixture
def helpers(project):
    return lambda brief_id, lang="en": conftest.helpers(project, brief_id, lang)


def chart(helpers, name, **arguments):
    """Draw a chart as a section would call it."""
    return helpers.functions()[name](**arguments)


def test_people_held_over_time_with_alt_text_from_the_data(helpers):
    report = helpers("test-report")
    figure = chart(report, "chart_held_over_time", since="2020-01-01")
    [svg] = report.generated.values()
    assert ('<figure class="chart"><figcaption>People deprived of liberty, month by month'
            '</figcaption><img src="generated-chart-1.svg"') in figure
    # Keeper Two in prison all along, Keeper One held from June 2020
    assert ("from January 2020 to November 2020: 1 at the start and 2 at the end." in figure)
    assert b"<text" not in svg and b"dc:date" not in svg  # outlines, no date
    again = helpers("test-report")
    chart(again, "chart_held_over_time", since="2020-01-01")
    assert list(again.generated.values()) == [svg]


def test_detentions_per_month_and_cases_by_region_in_russian(helpers):
    update = helpers("test-update", "ru")
    figure = chart(update, "chart_detentions_per_month")
    assert "<figcaption>Задержания по месяцам</figcaption>" in figure
    assert re.search(r'<th scope="row">июль 2022</th><td><span class="bar bar-\d+"></span>'
                     r'<span class="bar-number">1</span>', figure, re.I)
    by_region = chart(helpers("test-report", "ru"), "chart_by_region", status="held")
    assert '<th scope="row">Северная область</th>' in by_region
    assert "Не показаны люди, чей регион неизвестен: 1 человек." in by_region
    by_party = chart(helpers("test-report"), "chart_by_affiliation", status="held")
    assert re.findall(r'<th scope="row">(.*?)</th>', by_party) == ["Harbour Party",
                                                                    "Lamp Movement"]


def test_a_chart_that_counts_someone_twice_says_so_beside_the_total(project, helpers):
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace("affiliations: [harbour-party]",
                                                 "affiliations: [harbour-party, lamp-movement]"))
    figure = chart(helpers("test-report"), "chart_by_affiliation", status="held")
    assert ('</table><p class="chart-note">2 people. Counted under each of their movements, '
            'as they belong to several: 1 person.</p></figure>') in figure
    # the bars add up to 3 for the 2 people
    assert re.search(r'Lamp Movement</th><td><span class="bar bar-80"></span>'
                     r'<span class="bar-number">2</span>', figure)


def test_the_same_chart_goes_to_the_web_page_and_the_pdf(project):
    pages = {medium: conftest.render(project, "test-report", medium=medium)
             for medium in ("web", "print")}
    charts = {m: re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
              for m, html in pages.items()}
    assert charts["web"] == charts["print"] and len(charts["web"]) == 1
    assert base64.b64decode(charts["web"][0]).startswith(b"<?xml")


def test_a_bad_date_for_a_chart_is_a_content_error(helpers):
    from briefs.cases.queries import CaseQueryError

    with pytest.raises(CaseQueryError, match="is not a date"):
        chart(helpers("test-report"), "chart_held_over_time", since="last spring")
