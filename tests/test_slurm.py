"""The workflow on a real SLURM cluster of one node (tests/slurm_cluster.py), through
snakemake-executor-plugin-slurm and profiles/slurm as a user runs it: the same bytes as a
local build, briefs batched as the profile says, nothing left behind on the node."""

import math
import os
import subprocess
import sys
import uuid

import pytest
import yaml

import slurm_cluster
from conftest import REPO, make_project
from test_jobs import processes_marked, wait_for
from test_workflow import outputs


pytestmark = pytest.mark.skipif(bool(slurm_cluster.missing()), reason=slurm_cluster.missing())


@pytest.fixture
def cluster(tmp_path):
    cluster = slurm_cluster.Cluster(tmp_path / "slurm").start()
    yield cluster
    cluster.stop()


def batch_size():
    """How many briefs profiles/slurm puts in one cluster job."""
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    return int(dict(entry.split("=") for entry in profile["group-components"])["briefs"])


def test_the_workflow_on_a_slurm_cluster_builds_the_bytes_of_a_local_build(built, cluster,
                                                                          tmp_path):
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    marker = uuid.uuid4().hex
    # A submitting shell's XDG_RUNTIME_DIR, which the node lacks, goes into every job.
    env = {**os.environ, "BRIEFS_TEST_RUN": marker, "XDG_RUNTIME_DIR": str(tmp_path / "gone")}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--executor", "slurm", "--profile", "profiles/slurm",
         "--slurm-keep-successful-logs"],
        cwd=project.root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:] + "\n" + cluster.logs()

    # Every brief was printed by a cluster job, batched as the profile says, each job
    # asking for one processor; the rest ran on the submitting machine.
    briefs = len(list((project.root / "content" / "briefs").iterdir()))
    jobs = cluster.jobs()
    assert len(jobs) == math.ceil(briefs / batch_size()), jobs
    assert all(job["state"] == "COMPLETED" and job["comment"].startswith("rule_briefs")
               and job["cpus"] == "1" for job in jobs), jobs
    # Each printed its batch in the one Snakemake the job started, not one per brief.
    logs = list((project.root / ".snakemake" / "slurm_logs").glob("group_briefs*/*.log"))
    assert len(logs) == len(jobs)
    assert [log.read_text().count("Building DAG of jobs") for log in logs] == [1] * len(jobs)

    local, through_slurm = outputs(built), outputs(project)
    assert sorted(local) == sorted(through_slurm)
    for name in local:
        assert (built.root / "build" / name).read_bytes() == \
            (project.root / "build" / name).read_bytes(), name

    # Nothing of the build outlives it on the node: no Snakemake, job server or job, and
    # no temporary folder in the shared cache.
    wait_for(lambda: processes_marked(marker) == [], seconds=15)
    assert list((project.root / ".cache" / "public" / "tmp").iterdir()) == []
