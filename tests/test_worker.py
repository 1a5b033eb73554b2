"""Jobs run through the long-lived worker exactly as they would on their own."""

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

from briefs.build import job, worker


def run_job(project, *arguments, worker=True):
    environment = {**os.environ}
    if not worker:
        environment["BRIEFS_NO_WORKER"] = "1"
    return subprocess.run([sys.executable, "-m", "briefs.build.job", "--root", str(project.root),
                           *arguments], cwd=project.root, env=environment,
                          capture_output=True, text=True)


def brief_files(project, folder, worker, brief="test-column"):
    out = project.root / folder
    result = run_job(project, "brief", brief, "--out", str(out), worker=worker)
    assert result.returncode == 0, result.stderr
    return {path.name: path.read_bytes() for path in out.iterdir()}


def test_a_job_in_the_worker_makes_the_same_bytes_as_on_its_own(project):
    alone = brief_files(project, "alone", worker=False)
    assert len(alone) == 9  # en and kk: page, PDF, record and picture each, and the kit
    assert alone == brief_files(project, "forked", worker=True)


def test_a_worker_serves_each_project_with_its_own_stylesheet(project):
    """A worker warmed up for one project keeps that project's parsed stylesheet; another
    project's jobs must print with theirs."""
    style = project.templates / "css" / "print.css"
    style.write_text(style.read_text() + "\nbody { font-size: 13pt; }\n")
    alone = brief_files(project, "alone", worker=False)
    assert alone == brief_files(project, "forked", worker=True)


def test_planning_starts_a_worker_without_waiting_for_it(project, tmp_path, monkeypatch):
    path = tmp_path / "worker.sock"
    monkeypatch.setattr(job, "socket_path", lambda: path)
    monkeypatch.setenv("BRIEFS_NO_WORKER", "1")
    job.start_worker(project.root)
    monkeypatch.delenv("BRIEFS_NO_WORKER")
    time.sleep(1)
    assert not path.exists()  # asked not to
    job.start_worker(project.root)
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.05)
    with job.connect(path):
        pass  # it listens


def test_errors_and_exit_status_come_back_from_the_worker(project):
    (project.brief_dir("test-report") / "summary.en.md").write_text("{{ nope }}\n")
    result = run_job(project, "brief", "test-report", "--out", "out")
    assert result.returncode == 1
    assert "summary.en.md, line 1: unknown name in a template" in result.stderr
    assert not list((project.root / "out").glob("*"))


def test_a_worker_serves_only_jobs_with_its_start_settings(monkeypatch):
    first = job.socket_path()
    monkeypatch.setenv("PYTHONHASHSEED", "12345")
    assert job.socket_path() != first


def test_installing_a_package_retires_the_running_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(job, "installed_packages", lambda: tmp_path)
    before = job.socket_path()
    (tmp_path / "newer_package-2.0.dist-info").mkdir()
    assert job.socket_path() != before


def test_planning_replaces_a_worker_that_was_killed(project, tmp_path, monkeypatch):
    """A killed worker leaves its socket file behind; planning must still start one, so that
    it warms up while Snakemake plans rather than when the first job asks."""
    path = tmp_path / "worker.sock"
    monkeypatch.setattr(job, "socket_path", lambda: path)
    job.start_worker(project.root)
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.05)
    subprocess.run(["pkill", "-KILL", "-f", f"briefs.build.worker {path}"], check=True)
    time.sleep(0.5)
    assert path.exists()  # left behind
    job.start_worker(project.root)
    deadline = time.monotonic() + 30
    while True:
        try:
            job.connect(path).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "no new worker listens"
            time.sleep(0.05)
    subprocess.run(["pkill", "-f", f"briefs.build.worker {path}"])


WORKER_WITH_A_SHORT_IDLE_TIME = """
import sys
import time
from briefs.build import worker
worker.IDLE_SECONDS = 0.3
worker.serve(sys.argv[1], sys.argv[2])
"""


def test_a_worker_stays_until_its_running_jobs_are_done(project, tmp_path, monkeypatch):
    rows = "".join(f"| {number} | a row of a long table |\n" for number in range(300))
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text("| a | b |\n|---|---|\n" + rows)  # prints in well over 0.3 s
    path = tmp_path / "worker.sock"
    worker = subprocess.Popen([sys.executable, "-c", WORKER_WITH_A_SHORT_IDLE_TIME, str(path),
                               str(project.root)])
    monkeypatch.setattr(job, "socket_path", lambda: path)
    monkeypatch.setattr(job.subprocess, "Popen", lambda *args, **kwargs: None)  # only ours
    try:
        with open(os.devnull, "r+b") as nothing:
            streams = (nothing.fileno(),) * 3
            status = job.run_in_worker(["--root", str(project.root), "brief", "test-statement",
                                        "--out", str(tmp_path / "out")], streams)
        assert status == 0
        assert (tmp_path / "out" / "test-statement.en.pdf").exists()
        assert worker.wait(timeout=30) == 0  # and then leaves, idle
    finally:
        worker.kill()


def test_a_client_that_leaves_without_asking_costs_the_worker_nothing(project, tmp_path):
    path = tmp_path / "worker.sock"
    worker = subprocess.Popen([sys.executable, "-c", WORKER_WITH_A_SHORT_IDLE_TIME, str(path),
                               str(project.root)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                job.connect(path).close()  # connects, then leaves without a request
                break
            except OSError:
                assert time.monotonic() < deadline, "the worker never listened"
                time.sleep(0.05)
        assert worker.wait(timeout=30) == 0  # idle again, so it leaves
    finally:
        worker.kill()


def test_charts_are_loaded_after_a_first_job_and_drawn_with_the_fonts_as_they_are(
        project, tmp_path, monkeypatch):
    path = tmp_path / "worker.sock"
    worker = subprocess.Popen([sys.executable, "-m", "briefs.build.worker", str(path),
                               str(project.root)])
    monkeypatch.setattr(job, "socket_path", lambda: path)
    monkeypatch.setattr(job.subprocess, "Popen", lambda *args, **kwargs: None)  # only ours
    loaded = Path(f"/proc/{worker.pid}/maps")  # matplotlib's font library, once loaded
    try:
        with open(os.devnull, "r+b") as nothing:
            streams = (nothing.fileno(),) * 3
            status = job.run_in_worker(["--root", str(project.root), "brief", "test-column",
                                        "--out", str(tmp_path / "column")], streams)
            assert status == 0  # the fixture's report draws a chart; the column does not
            deadline = time.monotonic() + 60
            while "ft2font" not in loaded.read_text():
                assert time.monotonic() < deadline, "matplotlib was not loaded"
                time.sleep(0.1)
            # A font replaced while the worker runs: its jobs must draw with the new one.
            fonts = project.templates / "fonts"
            serif = (fonts / "PTSerif-Regular.ttf").read_bytes()
            (fonts / "PTSans-Regular.ttf").write_bytes(serif)
            status = job.run_in_worker(["--root", str(project.root), "brief", "test-report",
                                        "--out", str(tmp_path / "forked")], streams)
        assert status == 0
    finally:
        worker.kill()
    monkeypatch.undo()
    forked = {p.name: p.read_bytes() for p in (tmp_path / "forked").iterdir()}
    assert forked == brief_files(project, "alone", worker=False, brief="test-report")


def test_a_job_collects_garbage_between_its_editions_and_not_after_the_last(project, tmp_path):
    """The garbage the last edition leaves goes with the job's process: collecting it
    takes half a second for a long annex (briefs.worker.run_job)."""
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the job's process, as the worker forks it
        try:
            os.close(reading)
            gc.callbacks.append(lambda phase, info: phase == "stop" and os.write(writing, b"."))
            environment = "\1".join(f"{k}={v}" for k, v in os.environ.items())
            with open(os.devnull, "r+b") as nothing:
                worker.run_job(str(project.root), 0o022, environment,
                               ["brief", "test-column", "--out", str(tmp_path / "out")],
                               [nothing.fileno()] * 3)
        finally:
            os._exit(1)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        collections = pipe.read()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(list((tmp_path / "out").glob("test-column.*.pdf"))) == 2  # en and kk
    assert collections == b"."  # once, between the two
