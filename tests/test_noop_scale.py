"""A no-op at scale: the records' memo (briefs.cases.digests) is trusted only while lstat
gives what it remembers, whatever records came, went or traded places, so that every
change of bytes is still seen; and a run with nothing to build starts no job server."""

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest

from briefs.cases import digests
from briefs.cases.sources import case_sources

from conftest import run_snakemake
from test_case_scale import case_reads, settled  # case_reads: a fixture

needs_trusted_filesystem = pytest.mark.skipif(
    not digests.trusted(Path(tempfile.gettempdir())),
    reason="the temporary folder's filesystem is not one the memo trusts")


def through_memo(project, cache):
    """{path: SHA-256} of the records, as planning takes them (through the memo)."""
    folder = os.path.join(project.content, "cases", "")
    return {path: digest for path, digest in case_sources(project, cache).digests.items()
            if path.startswith(folder)}


def afresh(project):
    """{path: SHA-256} of the records, each read from its bytes."""
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((project.content / "cases").glob("*.yaml"))}


def remembered(project, cache, case_reads):
    """Read the records twice, the second time old enough to be remembered; then nothing
    is read."""
    through_memo(project, cache)
    settled()
    through_memo(project, cache)
    case_reads.clear()
    assert through_memo(project, cache) == afresh(project) and case_reads == []


def trade_places(first, second):
    """Give two records each other's file (as a careless script or a sync tool might): the
    folder lists the same names, with other bytes behind two of them."""
    parked = first.with_suffix(".parked")
    first.rename(parked)
    second.rename(first)
    parked.rename(second)


def new_record(project, case_id, name):
    """A record like keeper-two, under another id and name."""
    text = (project.content / "cases" / "keeper-two.yaml").read_text(encoding="utf-8")
    path = project.content / "cases" / f"{case_id}.yaml"
    path.write_text(text.replace("keeper-two", case_id).replace("Keeper Two", name),
                    encoding="utf-8")
    return path


def same_size_edit(path, old, new):
    """Edit a file keeping its size and putting its times back, as lstat gave them."""
    before = path.stat()
    assert len(old.encode()) == len(new.encode())
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


@needs_trusted_filesystem
def test_records_that_traded_places_are_read_though_the_folder_lists_the_same_names(
        project, tmp_path, case_reads):
    cache = tmp_path / "cache"
    remembered(project, cache, case_reads)
    cases = project.content / "cases"
    trade_places(cases / "keeper-one.yaml", cases / "keeper-two.yaml")
    assert through_memo(project, cache) == afresh(project)
    assert sorted(case_reads) == ["keeper-one.yaml", "keeper-two.yaml"]


@needs_trusted_filesystem
def test_records_that_came_went_and_traded_places_are_hashed_from_their_bytes(
        project, tmp_path, case_reads):
    """A record that sorts first moves every other one a place down the memo's list."""
    cache = tmp_path / "cache"
    remembered(project, cache, case_reads)
    cases = project.content / "cases"
    new_record(project, "aaa-first", "Aaa First")
    (cases / "keeper-five.yaml").unlink()
    trade_places(cases / "keeper-one.yaml", cases / "keeper-two.yaml")
    same_size_edit(cases / "keeper-four.yaml", "keeper-four", "keeper-fuor")
    assert through_memo(project, cache) == afresh(project)
    assert sorted(case_reads) == ["aaa-first.yaml", "keeper-four.yaml", "keeper-one.yaml",
                                  "keeper-two.yaml"]
    case_reads.clear()
    settled()
    through_memo(project, cache)
    case_reads.clear()
    assert through_memo(project, cache) == afresh(project) and case_reads == []


@needs_trusted_filesystem
@pytest.mark.parametrize("damage", [
    b"", b"[]", b"{}", b'{"listing": 1, "identities": "", "digests": "", "keys": ""}',
    b'{"listing": "x", "identities": "", "digests": "' + b"0" * 64 + b'", "keys": ""}',
    b'{"listing": "x", "identities": "a\\nb", "digests": "' + b"0" * 64
    + b'", "keys": "' + b"0" * 64 + b'"}',
])
def test_a_damaged_memo_is_not_used(project, tmp_path, case_reads, damage):
    cache = tmp_path / "cache"
    remembered(project, cache, case_reads)
    (cache / digests.MEMO).write_bytes(damage)
    assert through_memo(project, cache) == afresh(project)
    assert len(case_reads) == len(afresh(project))


@needs_trusted_filesystem
def test_an_edited_record_is_hashed_from_its_bytes_whatever_the_memo_says(
        project, tmp_path, case_reads):
    """The memo says only what a file held while lstat gives what it gave: a record whose
    lstat changed is read, even where the memo holds a wrong SHA-256 for it."""
    cache = tmp_path / "cache"
    remembered(project, cache, case_reads)
    path = cache / digests.MEMO
    memo = json.loads(path.read_text())
    place = sorted(afresh(project)).index(str(project.content / "cases/keeper-three.yaml"))
    memo["digests"] = (memo["digests"][:64 * place] + "0" * 64
                       + memo["digests"][64 * place + 64:])
    path.write_text(json.dumps(memo))
    record = project.content / "cases" / "keeper-three.yaml"
    record.write_bytes(record.read_bytes() + b"# an edit\n")
    assert through_memo(project, cache) == afresh(project)
    assert case_reads == ["keeper-three.yaml"]


@needs_trusted_filesystem
def test_a_no_op_starts_no_job_server_and_an_edit_among_moved_records_is_built(project):
    """Through Snakemake: with every record remembered, a run with nothing to build starts
    no job server (its warm-up took a core from planning); then a record comes that moves
    every other one a place down the memo, and a record the report shows is edited to its
    size and time: the report is built again, with the new name."""
    assert run_snakemake(project).returncode == 0
    settled()
    assert run_snakemake(project).returncode == 0
    log = project.root / ".cache/public/logs/job-server.log"
    log.unlink()
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    assert "Nothing to be done" in result.stdout + result.stderr
    assert not log.exists()
    new_record(project, "aaa-first", "Aaa First")
    same_size_edit(project.content / "cases" / "keeper-one.yaml", "Keeper One", "Keeper Uno")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    page = (project.root / "build/test-report/test-report.en.html").read_text()
    assert "Keeper Uno" in page and "Keeper One" not in page
    assert log.exists()
