"""Jobs run through the long-lived worker exactly as they would on their own."""

import os
import subprocess
import sys

from briefs import job


def run_job(project, *arguments, worker=True):
    environment = {**os.environ}
    if not worker:
        environment["BRIEFS_NO_WORKER"] = "1"
    return subprocess.run([sys.executable, "-m", "briefs.job", "--root", str(project.root),
                           *arguments], cwd=project.root, env=environment,
                          capture_output=True, text=True)


def edition(project, folder, worker):
    out = project.root / folder / "test-report.en"
    result = run_job(project, "edition", "test-report", "en", "--html", f"{out}.html",
                     "--pdf", f"{out}.pdf", "--record", f"{out}.json", worker=worker)
    assert result.returncode == 0, result.stderr
    return {suffix: out.with_name(f"{out.name}.{suffix}").read_bytes()
            for suffix in ("html", "pdf", "json", "card.png")}


def test_a_job_in_the_worker_makes_the_same_bytes_as_on_its_own(project):
    assert edition(project, "alone", worker=False) == edition(project, "forked", worker=True)


def test_errors_and_exit_status_come_back_from_the_worker(project):
    (project.brief_dir("test-report") / "summary.en.md").write_text("{{ nope }}\n")
    result = run_job(project, "edition", "test-report", "en", "--html", "a.html", "--pdf",
                     "a.pdf", "--record", "a.json")
    assert result.returncode == 1
    assert "summary.en.md, line 1: unknown name in a template" in result.stderr
    assert not (project.root / "a.pdf").exists()


def test_a_worker_serves_only_jobs_with_its_start_settings(monkeypatch):
    first = job.socket_path()
    monkeypatch.setenv("PYTHONHASHSEED", "12345")
    assert job.socket_path() != first
