"""The parsed case book kept for planning and jobs: used only while it matches the files."""

import datetime

import pytest

from briefs.cases import cache as case_index
from briefs.cases.cache import current_casebook, refresh_index
from briefs.cases.book import load_casebook
from briefs.errors import ContentError, ContentErrors

from conftest import run_snakemake


def no_parsing(*args, **kwargs):
    raise AssertionError("the case files were parsed although the index matches them")


def test_a_matching_index_is_read_instead_of_the_files(project, tmp_path, monkeypatch):
    index = tmp_path / "cache" / "casebook.pickle"
    refresh_index(project, index)
    monkeypatch.setattr(case_index, "load_casebook", no_parsing)
    book = current_casebook(project, index, internal=True)
    assert book.cases.keys() == load_casebook(project).cases.keys() and book.internal
    refresh_index(project, index)  # still matching: nothing to parse


def test_an_edited_record_is_read_from_the_files_until_the_index_is_refreshed(project, tmp_path):
    index = tmp_path / "casebook.pickle"
    refresh_index(project, index)
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace("Keeper One", "Keeper Uno"))
    assert current_casebook(project, index).cases["keeper-one"].name["en"] == "Keeper Uno"
    refresh_index(project, index)
    assert case_index._saved_fingerprint(index) == case_index.fingerprint(project)


def test_a_rewritten_index_is_read_again_not_remembered(project, tmp_path, monkeypatch):
    index = tmp_path / "casebook.pickle"
    refresh_index(project, index)
    assert current_casebook(project, index).cases["keeper-one"].name["en"] == "Keeper One"
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace("Keeper One", "Keeper Uno"))
    refresh_index(project, index)
    monkeypatch.setattr(case_index, "load_casebook", no_parsing)
    assert current_casebook(project, index).cases["keeper-one"].name["en"] == "Keeper Uno"


def test_a_damaged_index_is_ignored(project, tmp_path):
    index = tmp_path / "casebook.pickle"
    index.write_bytes(b"not a pickle")
    assert "keeper-one" in current_casebook(project, index).cases


def test_a_mistake_in_a_record_leaves_the_old_index_and_names_the_line(project, tmp_path):
    index = tmp_path / "casebook.pickle"
    refresh_index(project, index)
    saved = index.read_bytes()
    (project.content / "cases" / "keeper-two.yaml").write_text("id: keeper-two\nname: [\n")
    with pytest.raises((ContentError, ContentErrors)) as caught:
        refresh_index(project, index)
    assert "keeper-two.yaml, line 3: this is not valid YAML" in str(caught.value)
    assert index.read_bytes() == saved


def test_each_edition_keeps_its_own_account_of_the_cases_it_used(project):
    book = load_casebook(project)
    first, second = book.for_edition(), book.for_edition()
    first.case("keeper-one")
    first.select(datetime.date(2021, 1, 1), status="held")
    assert second.used == set() and second.queries == []
    assert first.cases is second.cases  # the records themselves are shared, not copied


def test_a_mistake_in_a_case_record_stops_the_build_before_anything_runs(project):
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace("region:", "regoin:"))
    result = run_snakemake(project)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "content/cases/keeper-one.yaml" in message and "regoin" in message
    assert "Nothing was built." in message and "Traceback" not in message
    assert not (project.root / "build").exists()
