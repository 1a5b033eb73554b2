import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefs.project import Project

REPO = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


def make_project(folder):
    """A project of the tests' own: the real Snakefile and templates, the fixture content."""
    for name in ("Snakefile", "templates", "profiles"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    shutil.copytree(FIXTURE_CONTENT, folder / "content")
    return Project(folder)


def run_snakemake(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=project.root, capture_output=True, text=True,
    )


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The fixture content built once by the real workflow."""
    project = make_project(tmp_path_factory.mktemp("built"))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project
