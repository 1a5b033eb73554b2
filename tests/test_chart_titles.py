"""A chart's title: the section's own where it gives one, else the chart's own in the
edition's language, measured in the built PDF; a title that is no line of text refused."""

import pytest

from conftest import make_project, refusal, run_snakemake
from test_typography import pdf_lines, write

TITLES = {"en": "Keepers held, by their union", "ru": "Смотрители под стражей, по союзам"}


@pytest.fixture(scope="module")
def charted(tmp_path_factory):
    """The fixture project with charts titled by the sections and charts left untitled."""
    project = make_project(tmp_path_factory.mktemp("charts"))
    write(project, "test-report", "background.en.md",
          f'{{{{ chart_by_affiliation(title="{TITLES["en"]}") }}}}\n\n'
          '{{ chart_by_region(title=" Keepers by their harbour ") }}\n\n'
          "{{ chart_detentions_per_month() }}\n")
    write(project, "test-statement", "body.ru.md",
          f'{{{{ chart_by_affiliation(title="{TITLES["ru"]}") }}}}\n\n'
          "{{ chart_by_region() }}\n")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


def lines_of(project, brief_id, lang):
    return [text for _, text, _, _ in
            pdf_lines(project.root / "build" / brief_id / f"{brief_id}.{lang}.pdf")]


def test_a_chart_prints_the_title_its_section_gives_it(charted):
    lines = lines_of(charted, "test-report", "en")
    assert TITLES["en"] in lines and "Keepers by their harbour" in lines
    assert "People by affiliation" not in lines and "People by region" not in lines
    assert "Detentions per month" in lines  # a chart without a title keeps its own
    assert TITLES["ru"] in lines_of(charted, "test-statement", "ru")


def test_a_chart_without_a_title_keeps_its_own_in_the_editions_language(charted):
    assert "Люди по регионам" in lines_of(charted, "test-statement", "ru")


@pytest.mark.parametrize("title, reason", [
    ("5", "a chart's title must be a line of text, not 5"),
    ('""', "a chart's title must be a line of text, not ''"),
    ('"   "', "a chart's title must be a line of text"),
    ('"Two\\nlines"', "a chart's title must be a line of text"),
    (f'"{"long " * 30}"', "this chart's title has 150 characters, more than 120"),
    ("brief", "a chart's title must be a line of text, not {"),
])
def test_a_chart_title_that_is_no_line_of_text_is_refused_with_its_line(project, capsys,
                                                                         title, reason):
    write(project, "test-report", "background.en.md",
          f"Text.\n\n{{{{ chart_by_affiliation(status=\"held\", title={title}) }}}}\n")
    err = refusal(project, capsys, "check")
    assert reason in err
    assert "content/briefs/test-report/background.en.md" in err
    lines = (project.brief_dir("test-report") / "background.en.md").read_text().splitlines()
    assert f"line {len(lines)}" in err  # the line of the call, the file's last
