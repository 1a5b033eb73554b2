"""What is published is readable by all whatever the umask, while the private cache stays
private."""

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from conftest import run_snakemake


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
def test_published_files_are_readable_by_all_whatever_the_umask(project, umask_077, where):
    out = other_file_system(project) if where == "another file system" else project.root / where
    config = {"build": [], "build-internal": ["--config", "audience=internal"]}.get(
        where, ["--config", f"out={out}"])
    try:
        result = run_snakemake(project, *config)
        assert result.returncode == 0, result.stderr[-2000:]
        modes = {path.relative_to(out).as_posix(): stat.S_IMODE(path.stat().st_mode)
                 for path in [out, *out.rglob("*")]}
        assert len(modes) > 30 and "index.html" in modes
        assert {name: mode for name, mode in modes.items()
                if mode != (0o755 if (out / name).is_dir() else 0o644)} == {}
    finally:
        if where == "another file system":
            shutil.rmtree(out)
    cache = project.root / ".cache"
    shared = [p for p in [cache, *cache.rglob("*")] if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert shared == [] and len(list(cache.rglob("*"))) > 10
