"""Checks an editor needs (issue 33): notes called and not defined, a case box shown twice,
a brief citing itself or a brief under another date; `briefs new` in each section's
language with a date to fill in; and a failed build that ends with what to do."""

import re
import shutil

import pytest

from briefs.cli import main
from conftest import REPO, make_project, refusal, run_snakemake

STATEMENT = "content/briefs/test-statement"
REPORT = "content/briefs/test-report"


def put_first(project, relative, text):
    """Put text at the head of a section file, as its own paragraph; return the file's
    lines."""
    path = project.root / relative
    path.write_text(f"{text}\n\n{path.read_text(encoding='utf-8')}", encoding="utf-8")
    return path.read_text(encoding="utf-8").splitlines()


def line_of(lines, written, start=0):
    """The number of the first line from start (counted from 0) where written is."""
    return next(number for number, line in enumerate(lines, 1)
                if number > start and written in line)


def last_lines(result, count=5):
    return "\n".join(result.stderr.strip().splitlines()[-count:])


# Notes called and never defined, wherever Markdown puts a call, each printed as written
# ("[^wgad]") before: (text, label, what the line of the call holds).
UNDEFINED = [
    ("The Working Group found the detention arbitrary.[^wgad]", "wgad", "arbitrary.[^"),
    ("- a list item that cites its opinion[^wgad]\n- another item", "wgad", "opinion[^"),
    ("| Body | Opinion |\n|---|---|\n| Working Group | arbitrary[^wgad] |", "wgad",
     "arbitrary[^"),
    ("> The Working Group said so.[^WGAD-2022]", "WGAD-2022", "said so."),
    ("**The opinion**[^wgad] of October 2022.", "wgad", "**[^"),
    ("See the opinion.[^opinion]\n\n[^opinion]: Working Group, opinion 2022.[^wgad]", "wgad",
     "2022.[^"),
]


@pytest.mark.parametrize("text, label, marker", UNDEFINED)
def test_a_note_called_and_not_defined_is_refused_by_check_with_file_and_line(
        project, capsys, text, label, marker):
    lines = put_first(project, f"{STATEMENT}/body.en.md", text)
    err = refusal(project, capsys, "check")
    assert (f"{STATEMENT}/body.en.md, line {line_of(lines, marker)}: the note [^{label}] is "
            "called but not defined") in err, err
    assert f"define it with `[^{label}]: ...`" in err and "or remove the reference" in err


# Text that only looks like a note's call: shown as written, and refused by nothing.
NOT_CALLS = ["Notes are written `[^wgad]` in the text.", "```\n[^wgad]\n```",
             "An escaped bracket: \\[^wgad].", "    [^wgad] in an indented code block"]


@pytest.mark.parametrize("text", NOT_CALLS)
def test_what_only_looks_like_a_note_call_is_not_refused(project, capsys, text):
    put_first(project, f"{STATEMENT}/body.en.md", text)
    assert main(["--root", str(project.root), "check"]) == 0, capsys.readouterr().err


def test_a_note_defined_and_never_called_is_a_warning_with_file_and_line(project, capsys):
    lines = put_first(project, f"{STATEMENT}/body.en.md", "[^spare]: A note nobody calls.")
    assert main(["--root", str(project.root), "check"]) == 0
    err = capsys.readouterr().err
    line = line_of(lines, "[^spare]:")
    assert (f"warning: {STATEMENT}/body.en.md, line {line}: the note [^spare] is defined but "
            "never called") in err, err


def test_a_note_called_and_not_defined_is_refused_by_the_build_which_ends_with_what_to_do(
        project):
    lines = put_first(project, f"{STATEMENT}/body.en.md",
                      "The Working Group found the detention arbitrary.[^wgad]")
    result = run_snakemake(project)
    assert result.returncode != 0
    end = last_lines(result)
    assert (f"{STATEMENT}/body.en.md, line {line_of(lines, '[^wgad]')}: the note [^wgad] is "
            "called but not defined") in end, result.stderr[-3000:]
    assert "What to do: define it with `[^wgad]: ...`" in end, end
    assert "WorkflowError in file" not in result.stderr and "Traceback" not in result.stderr
    assert not (project.root / "build" / "test-statement").exists()


def test_a_case_box_shown_twice_in_an_edition_is_refused_naming_both_places(project, capsys):
    first = line_of((project.root / REPORT / "background.en.md").read_text().splitlines(),
                    'case_box("keeper-one")')
    path = project.root / REPORT / "annex.en.md"
    path.write_text(path.read_text() + "\nAgain:\n\n{{ case_box('keeper-one') }}\n")
    second = line_of(path.read_text().splitlines(), "case_box('keeper-one')")
    err = refusal(project, capsys, "check")
    assert (f"{REPORT}/annex.en.md, line {second}: the case box of 'keeper-one' is shown "
            f"twice in this edition: first in {REPORT}/background.en.md, line {first}, then "
            "here") in err, err
    assert "What to do: show it once" in err


def test_a_case_box_shown_twice_on_one_line_is_refused(project, capsys):
    path = project.root / REPORT / "background.en.md"
    text = path.read_text()
    path.write_text(text.replace('{{ case_box("keeper-one") }}',
                                 '{{ case_box("keeper-one") }} {{ case_box("keeper-one") }}'))
    line = line_of(text.splitlines(), 'case_box("keeper-one")')
    err = refusal(project, capsys, "check")
    assert (f"{REPORT}/background.en.md, line {line}: the case box of 'keeper-one' is shown "
            f"twice in this edition: first in {REPORT}/background.en.md, line {line}") in err


def cite(project, record, source, event=0):
    """Add a source to a case record (a YAML flow mapping) and cite it from an event."""
    path = project.root / "content" / "cases" / f"{record}.yaml"
    text = path.read_text().replace("    sources: [court]", "    sources: [court, ours]", 1)
    if "sources: [court, ours]" not in text:
        raise AssertionError(f"{record} has no event citing 'court'")
    path.write_text(text.replace("sources:\n", f"sources:\n  - {source}\n", 1))
    return path


def test_a_brief_cited_by_a_record_it_shows_is_a_note_of_other_briefs_not_of_itself(
        project):
    """keeper-one cites the statement; the statement shows her box, and so does the
    column, published after it."""
    cite(project, "keeper-one", "{id: ours, brief: test-statement}")
    for lang in ("en", "ru"):  # one box in each edition: not a box shown twice
        put_first(project, f"{STATEMENT}/body.{lang}.md", '{{ case_box("keeper-one") }}')
    put_first(project, "content/briefs/test-column/body.en.md", '{{ case_box("keeper-one") }}')
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    build = project.root / "build"
    column = (build / "test-column" / "test-column.en.html").read_text()
    notes = re.search(r'<ol class="notes">.*?</ol>', column, re.S).group(0)
    notes = re.sub(r"</?span[^>]*>", "", notes).replace("&nbsp;", " ")  # as a reader sees it
    assert "ARC: Free the Lighthouse Keeper, 25 April 2023" in notes, notes
    for lang in ("en", "ru"):
        statement = (build / "test-statement" / f"test-statement.{lang}.html").read_text()
        notes = re.search(r'<ol class="notes">.*?</ol>', statement, re.S).group(0)
        assert "Testville court register" in notes  # the event's other source stays
        assert "Lighthouse Keeper, " not in notes and "маяка, " not in notes, notes


def test_a_brief_cited_under_another_date_than_its_cover_is_refused(project, capsys):
    path = cite(project, "keeper-one", "{id: ours, brief: test-report, date: 2020-11-30}")
    line = line_of(path.read_text().splitlines(), "brief: test-report")
    err = refusal(project, capsys, "check")
    assert (f"content/cases/keeper-one.yaml, line {line}, field 'date' of the 1st source") \
        in err, err
    assert "the brief 'test-report' is cited under its own date, that of its cover, not " \
           "2020-11-30" in err and "What to do: remove 'date:' from this source" in err


SELF = ["{id: ours, title: 'Beta Monitoring Network: report on keepers', "
        "url: 'https://beta.example.org/report', date: 2020-11-30}",
        "{id: ours, title: {en: 'Keepers in custody, by bmn'}, "
        "url: 'https://beta.example.org/r', date: 2020-11-30}"]


@pytest.mark.parametrize("source", SELF)
def test_a_source_that_looks_like_the_brief_itself_under_another_date_is_reported(
        project, capsys, source):
    cite(project, "keeper-one", source)
    assert main(["--root", str(project.root), "check"]) == 0
    err = capsys.readouterr().err
    assert "warning: content/cases/keeper-one.yaml, source 'ours': a text of " in err, err
    assert "is dated 2020-12-10 on its cover" in err
    assert "write the source as 'brief: test-report'" in err


def test_a_text_of_the_publisher_from_before_the_brief_is_cited_without_a_warning(
        project, capsys):
    cite(project, "keeper-one", "{id: ours, title: 'Beta Monitoring Network: an appeal', "
         "url: 'https://beta.example.org/appeal', date: 2020-06-05}")
    assert main(["--root", str(project.root), "check"]) == 0
    assert "warning: content/cases/keeper-one.yaml" not in capsys.readouterr().err


def test_the_example_content_passes_the_editors_checks(tmp_path, capsys):
    """The examples: no note called and undefined or defined and uncalled, no case box
    twice, no brief citing itself (the update's and the report's notes once did)."""
    project = make_project(tmp_path)
    shutil.rmtree(project.content)
    shutil.copytree(REPO / "content", project.content)
    assert main(["--root", str(project.root), "check"]) == 0
    err = capsys.readouterr().err
    for kind in ("never called", "shown twice", "on its cover", "not defined"):
        assert kind not in err, err


@pytest.mark.parametrize("right, wrong", [
    ("region: north", "region: nowhere"),
    ("- {date: 2020-10-01, type: house_arrest", "- {date: 2020-10-01, type: house-arrest"),
])
def test_a_mistake_in_a_case_record_ends_the_build_with_the_error_and_what_to_do(
        project, wrong, right):
    path = project.root / "content" / "cases" / "keeper-three.yaml"
    text = path.read_text()
    path.write_text(text.replace(right, wrong))
    line = line_of(text.splitlines(), right)
    result = run_snakemake(project)
    assert result.returncode != 0
    end = last_lines(result)
    assert f"content/cases/keeper-three.yaml, line {line}" in end, result.stderr[-3000:]
    assert "What to do: " in end and "Nothing was built." in result.stderr
    assert "WorkflowError" not in result.stderr and 'Snakefile", line' not in result.stderr
    assert not (project.root / "build").exists()


def fill_in_text(folder):
    """Replace what `briefs new` wrote in [[...]], as the editor does; leave the dates."""
    for path in folder.iterdir():
        path.write_text(re.sub(r"\[\[([^\]]*)\]\]", r"\1", path.read_text()))


@pytest.mark.parametrize("kind, stem, russian, kazakh", [
    ("statement", "calls", "# Наши призывы", "# Біздің үндеуіміз"),
    ("report", "summary", "# Резюме", "# Түйіндеме"),
    ("update", "peaceful-assembly", "# Свобода мирных собраний", "# Бейбіт жиналыс бостандығы"),
])
def test_new_writes_each_section_files_headings_in_its_language(project, kind, stem, russian,
                                                                 kazakh):
    assert main(["--root", str(project.root), "new", kind, "fresh", "--languages",
                 "en,ru,kk"]) == 0
    folder = project.brief_dir("fresh")
    assert (folder / f"{stem}.ru.md").read_text().splitlines()[0] == russian
    assert (folder / f"{stem}.kk.md").read_text().splitlines()[0] == kazakh
    for english in folder.glob("*.en.md"):
        heading = english.read_text().splitlines()[0]
        for lang in ("ru", "kk"):
            translated = (folder / english.name.replace(".en.", f".{lang}.")).read_text()
            first = translated.splitlines()[0]
            assert first.startswith("# ") == heading.startswith("# ")
            assert not first.startswith("# ") or (
                first != heading and re.search("[а-яәіңғүұқөһ]", first, re.I)), first


@pytest.mark.parametrize("kind, fields", [
    ("statement", ["date"]), ("column", ["date"]), ("report", ["date", "as_of"]),
    ("update", ["date", "period.start", "period.end"]),
])
def test_new_writes_a_date_placeholder_that_check_refuses_until_filled_in(project, capsys,
                                                                          kind, fields):
    assert main(["--root", str(project.root), "new", kind, "fresh", "--languages", "kk"]) == 0
    folder = project.brief_dir("fresh")
    fill_in_text(folder)
    lines = (folder / "brief.yaml").read_text().splitlines()
    err = refusal(project, capsys, "check")
    for field in fields:
        line = line_of(lines, f"{field.split('.')[-1]}: YYYY-MM-DD")
        assert (f"content/briefs/fresh/brief.yaml, line {line}, field '{field}': this still "
                "holds the placeholder YYYY-MM-DD that 'briefs new' wrote\n  What to do: "
                "replace YYYY-MM-DD with ") in err, err
    assert "Input should be" not in err and len(err.strip().splitlines()) == 2 * len(fields)
    assert "with the brief's date, e.g. 2024-05-14" in err
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text().replace("YYYY-MM-DD", "2024-05-14"))
    assert main(["--root", str(project.root), "check"]) == 0, capsys.readouterr().err


def test_the_build_refuses_a_new_brief_until_its_date_is_filled_in(project):
    assert main(["--root", str(project.root), "new", "statement", "fresh", "--languages",
                 "ru,kk"]) == 0
    fill_in_text(project.brief_dir("fresh"))
    result = run_snakemake(project)
    assert result.returncode != 0
    end = last_lines(result)
    assert "content/briefs/fresh/brief.yaml, line " in end and "field 'date'" in end, end
    assert "What to do: replace YYYY-MM-DD with the brief's date" in end
    assert "WorkflowError" not in result.stderr
    assert not (project.root / "build" / "fresh").exists()


def test_an_event_whose_sources_are_all_later_than_the_data_date_is_reported(project, capsys):
    """Its note was dropped without a word, and the event printed with no source."""
    path = project.root / "content" / "cases" / "keeper-one.yaml"
    path.write_text(path.read_text().replace("date: 2020-06-02}", "date: 2021-06-02}"))
    assert main(["--root", str(project.root), "check"]) == 0
    err = capsys.readouterr().err
    assert ("warning: content/cases/keeper-one.yaml, the event of 2020-06-01: printed without "
            "a note, as its sources (court) are dated after this brief's data date, ") in err, err
    assert "cite a source of that date or before" in err


def test_a_source_dated_before_the_event_it_reports_is_reported(project, capsys):
    path = project.root / "content" / "cases" / "keeper-one.yaml"
    path.write_text(path.read_text().replace("date: 2020-06-02}", "date: 2020-05-02}"))
    assert main(["--root", str(project.root), "check"]) == 0
    err = capsys.readouterr().err
    assert ("warning: content/cases/keeper-one.yaml, the event of 2020-06-01: its source "
            "'court' is dated 2020-05-02, before the event it reports") in err, err
