"""What a killed run leaves is removed by the next run, and only that; what is published is
readable by all whatever the umask, while the private cache stays private; a damaged record
of Snakemake's is removed with a warning, not a traceback."""

import base64
import os
import shutil
import signal
import socket
import stat
import tempfile
import uuid
from pathlib import Path

import pytest

from briefs.files import process_folder
from conftest import run_snakemake
from test_jobs import (SLOW, _a_dead_pid, brief_job, children_of, processes_marked,
                       run_in_thread, snakemake_marked, wait_for)
from test_jobs import server  # a fixture, named by the tests that use it

HOST = socket.gethostname()


def names(folder):
    return {path.name for path in folder.iterdir()} if folder.is_dir() else set()


def test_what_a_killed_run_left_goes_with_the_next_run_and_a_live_ones_stays(
        prebuilt, tmp_path_factory, monkeypatch):
    project = prebuilt  # last good files, backed up when rebuilt
    cache, backups = project.root / ".cache" / "public", project.root / ".snakemake" / "backups"
    system_tmp = tmp_path_factory.mktemp("system-tmp")
    monkeypatch.setenv("TMPDIR", str(system_tmp))  # where Snakemake would make its own
    (project.brief_dir("test-report") / "summary.en.md").write_text(SLOW * 3)
    marker = uuid.uuid4().hex
    killed = snakemake_marked(project, marker)
    wait_for(lambda: len(processes_marked(marker)) >= 3)  # snakemake, server, a job
    wait_for(lambda: list((cache / "scratch").rglob("job-*")))
    left = {"scratch": names(cache / "scratch"), "tmp": names(cache / "tmp"),
            "backups": {p for p in backups.rglob("*") if p.is_file()}}
    assert all(left.values()), left

    # a second run meanwhile (another output folder, or a dry run) leaves a live run's be
    dry = run_snakemake(project, "--dry-run")
    assert dry.returncode == 0 and "Traceback" not in dry.stderr, dry.stderr[-2000:]
    assert names(cache / "scratch") >= left["scratch"] and names(cache / "tmp") >= left["tmp"]
    assert all(path.is_file() for path in left["backups"])

    os.kill(killed.pid, signal.SIGKILL)  # the Snakemake we started, by its PID
    killed.wait()
    wait_for(lambda: processes_marked(marker) == [], seconds=15)
    assert list(system_tmp.iterdir()) == []
    assert all(path.is_file() for path in left["backups"])
    live, elsewhere = f"{HOST}-{os.getpid()}", f"node-elsewhere-{_a_dead_pid()}"
    for folder in (cache / "tmp" / live, cache / "scratch" / live / "job-x",
                   cache / "tmp" / elsewhere):
        folder.mkdir(parents=True)

    unlock = run_snakemake(project, "--unlock")  # what README says to run after a kill
    assert unlock.returncode == 0, unlock.stderr[-2000:]
    assert names(cache / "tmp") == {live, elsewhere}
    assert names(cache / "scratch") == {live}
    assert not (backups / "build").exists()
    again = run_snakemake(project)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (project.root / "build/test-report/test-report.en.pdf").is_file()
    assert names(cache / "tmp") == {live, elsewhere} and names(cache / "scratch") == {live}
    assert list(system_tmp.iterdir()) == []


def test_a_job_killed_by_a_signal_leaves_nothing_in_scratch(project, server, tmp_path):
    scratch = server.cache / "scratch"
    assert server.run(brief_job(project, "test-column", tmp_path / "warm"), tmp_path / "l", {}) == 0
    (project.brief_dir("test-statement") / "body.en.md").write_text(SLOW)
    thread, result = run_in_thread(server, brief_job(project, "test-statement", tmp_path / "o"),
                                   tmp_path / "job.log", {})
    wait_for(lambda: children_of(server) and list(scratch.rglob("job-*")))
    [job] = children_of(server)
    os.kill(job, signal.SIGKILL)  # the job our server forked, by its PID
    thread.join(timeout=60)
    assert result["status"] == -9
    assert not process_folder(scratch, job).exists()
    # what stays is the server's own folder (it writes the case book's store), and empty
    assert all(path == process_folder(scratch, server.process.pid) for path in scratch.iterdir())
    assert [path for path in scratch.rglob("*") if path.is_file()] == []


@pytest.fixture
def umask_077():
    before = os.umask(0o077)  # the build's processes inherit it
    yield
    os.umask(before)


def other_file_system(project):
    """A folder of ours on another file system than the project's, where outputs are
    copied from the cache rather than renamed."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == project.root.stat().st_dev:
        pytest.skip("no /dev/shm on another file system than the tests' folder")
    return Path(tempfile.mkdtemp(dir=shm, prefix="briefs-test-"))


@pytest.mark.parametrize("where", ["build", "build-internal", "another file system"])
def test_published_files_are_readable_by_all_whatever_the_umask_and_internal_ones_never(
        project, umask_077, where):
    out = other_file_system(project) if where == "another file system" else project.root / where
    config = {"build": [], "build-internal": ["--config", "audience=internal"]}.get(
        where, ["--config", f"out={out}"])
    try:
        result = run_snakemake(project, *config)
        assert result.returncode == 0, result.stderr[-2000:]
        modes = {path.relative_to(out).as_posix(): stat.S_IMODE(path.stat().st_mode)
                 for path in [out, *out.rglob("*")]}
        assert len(modes) > 30 and "index.html" in modes
        # The internal audience's pages hold restricted records: as private as the umask.
        private = where == "build-internal"
        assert {name: mode for name, mode in modes.items() if mode != (
            (0o700 if private else 0o755) if (out / name).is_dir()
            else (0o600 if private else 0o644))} == {}
    finally:
        if where == "another file system":
            shutil.rmtree(out)
    cache = project.root / ".cache"
    shared = [p for p in [cache, *cache.rglob("*")] if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert shared == [] and len(list(cache.rglob("*"))) > 10


def record_of(project, output):
    """Where Snakemake keeps its record of how an output was made."""
    name = base64.urlsafe_b64encode(output.encode()).decode()
    return project.root / ".snakemake" / "metadata" / name


# Bytes that are not text, and JSON that is not an object as every record is.
DAMAGE = [b"\xff\xfe\x00not text\x80", b"{\"rule\": \"\xe9\"}", b"[1, 2]", b"7", b"\"a\""]


def test_a_damaged_record_of_snakemakes_is_removed_with_a_warning(prebuilt):
    project = prebuilt
    for damage in DAMAGE:
        catalogue, pdf = (record_of(project, name) for name in
                          ("build/index.html", "build/test-report/test-report.en.pdf"))
        for record in (catalogue, pdf):  # one that a no-op reads, one that it does not
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_bytes(damage)
        result = run_snakemake(project)
        assert result.returncode == 0, (damage, result.stderr[-3000:])
        assert "Traceback" not in result.stderr + result.stdout
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
        assert len(warnings) == 2, warnings
        assert any(f".snakemake/metadata/{catalogue.name}: " in line
                   and "record of how build/index.html was made" in line for line in warnings)
        assert not pdf.exists()
        assert not catalogue.exists() or catalogue.read_bytes() != damage
