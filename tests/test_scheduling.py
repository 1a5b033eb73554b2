"""Snakemake's own work in a build: its scheduler's rounds (docs/performance.md)."""

import re
import shutil

from conftest import make_project, run_snakemake

ROUND = "Resources before job selection"  # what Snakemake logs once a round, with --verbose


def test_the_scheduler_runs_one_round_per_job_and_no_more(tmp_path):
    """Snakemake's job-rate limiter started a timer for one more round after every round,
    and each such round started another: a 100-brief build ran 2,790 rounds for 103 jobs,
    each going over every waiting job. A round follows each job that ends, and the first."""
    project = make_project(tmp_path)
    for number in range(8):  # jobs that wait while others run, as in any large build
        shutil.copytree(project.brief_dir("test-statement"),
                        project.content / "briefs" / f"copy-{number}")
    result = run_snakemake(project, "--verbose")
    assert result.returncode == 0, result.stderr[-2000:]
    log = result.stdout + result.stderr
    jobs = int(re.findall(r"\d+ of (\d+) steps", log)[-1])
    rounds = log.count(ROUND)
    assert jobs >= 14 and 0 < rounds <= jobs + 1, (rounds, jobs)
