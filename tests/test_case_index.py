"""The case book kept between processes: keyed by the bytes it was read from."""

import os

import pytest

from briefs.cases import cache
from briefs.cases.cache import casebook
from briefs.errors import ContentError, ContentErrors

from conftest import run_snakemake


def no_parsing(*args, **kwargs):
    raise AssertionError("the case files were parsed although a copy has their key")


@pytest.fixture(autouse=True)
def nothing_kept_in_memory():
    cache._kept.clear()  # each test starts as a new process would


def test_a_saved_copy_is_read_instead_of_the_files(project, tmp_path, monkeypatch):
    first = casebook(project, "public", tmp_path)
    cache._kept.clear()
    monkeypatch.setattr(cache, "read_case", no_parsing)
    again = casebook(project, "public", tmp_path)
    assert again == first and "keeper-one" in again.cases


def test_a_same_size_edit_with_its_time_put_back_is_read(project, tmp_path):
    """The fault of a cache keyed by name, size and time: the edit was never printed."""
    assert casebook(project, "public", tmp_path).cases["keeper-one"].name["en"] == "Keeper One"
    record = project.content / "cases" / "keeper-one.yaml"
    before = os.stat(record)
    record.write_text(record.read_text().replace("Keeper One", "Keeper Uno"))
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(record).st_size == before.st_size
    assert casebook(project, "public", tmp_path).cases["keeper-one"].name["en"] == "Keeper Uno"
    cache._kept.clear()  # and in a new process, from the saved copy's key
    assert casebook(project, "public", tmp_path).cases["keeper-one"].name["en"] == "Keeper Uno"


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"key": "x"}', None])
def test_a_damaged_copy_is_read_again_from_the_files_and_written_anew(project, tmp_path,
                                                                       damage):
    casebook(project, "public", tmp_path)
    saved = tmp_path / "case-records"
    good = saved.read_bytes()
    cache._kept.clear()
    saved.write_bytes(good[: len(good) // 2] if damage is None else damage)
    assert "keeper-one" in casebook(project, "public", tmp_path).cases
    assert saved.read_bytes() == good


def test_the_public_copy_holds_nothing_restricted(project, tmp_path):
    casebook(project, "public", tmp_path / "public")
    saved = (tmp_path / "public" / "case-records").read_bytes()
    for planted in (b"Zzyzx", b"Qvxtestimony", b"zzyzx"):
        assert planted not in saved
    casebook(project, "internal", tmp_path / "internal")
    assert b"Zzyzx" in (tmp_path / "internal" / "case-records").read_bytes()


def test_a_mistake_in_a_record_is_named_with_its_line(project, tmp_path):
    (project.content / "cases" / "keeper-two.yaml").write_text("id: keeper-two\nname: [\n")
    with pytest.raises((ContentError, ContentErrors)) as caught:
        casebook(project, "public", tmp_path)
    assert "keeper-two.yaml, line 3: this is not valid YAML" in str(caught.value)


def test_a_mistake_in_a_case_record_stops_the_build_before_anything_runs(project):
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace("region:", "regoin:"))
    result = run_snakemake(project)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "content/cases/keeper-one.yaml" in message and "regoin" in message
    assert "Nothing was built." in message and "Traceback" not in message
    assert not (project.root / "build").exists()
