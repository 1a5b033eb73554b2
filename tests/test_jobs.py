"""The build's job server: jobs forked warm make the bytes a process of their own makes,
every failure is explained, and nothing outlives the run."""

import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefs.settings import Settings
from briefs.workflow.jobs import JobServer, explain, run_alone
from briefs.workflow.requests import BuildBrief, encode
from briefs.workflow.warm import LIBRARY_ABI, libraries_from_linker_cache

from conftest import run_snakemake

SLOW = "| a | b |\n|---|---|\n" + "".join(f"| {n} | a row of a long table |\n"
                                         for n in range(600))


@pytest.fixture
def server(project):
    jobs = JobServer(project.root, project.root / ".cache" / "public", "public")
    jobs.start()
    yield jobs
    jobs.stop()


def brief_job(project, brief, out):
    return BuildBrief(brief, str(out), Settings().with_cache(project.root))


def files_of(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in Path(folder).rglob("*") if path.is_file()}


@pytest.mark.skipif(os.uname().machine not in LIBRARY_ABI, reason="ctypes' own lookups here")
def test_the_warm_up_finds_each_library_weasyprint_tries_as_ctypes_does():
    """The server's imports look C libraries up in ldconfig's cache alone, not by running gcc
    for every name that is not there, and leave ctypes as it was."""
    names = ["libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0",
             "pango-1.0", "harfbuzz", "harfbuzz-subset", "harfbuzz-vector", "fontconfig",
             "fontconfig-1", "pangoft2-1.0", "c", "z"]
    real = ctypes.util.find_library
    expected = {name: real(name) for name in names}
    assert expected["gobject-2.0"] and expected["harfbuzz"] and not expected["fontconfig-1"]
    with libraries_from_linker_cache():
        assert ctypes.util.find_library is not real
        assert {name: ctypes.util.find_library(name) for name in names} == expected
    assert ctypes.util.find_library is real


def test_a_job_in_the_server_makes_the_same_bytes_as_a_process_of_its_own(project, server,
                                                                         tmp_path):
    log = tmp_path / "job.log"
    assert server.run(brief_job(project, "test-report", tmp_path / "forked"), log, {}) == 0
    alone = subprocess.run([sys.executable, "-m", "briefs", "--root", str(project.root),
                            "brief", "test-report", "--out", str(tmp_path / "alone")],
                           capture_output=True, text=True)
    assert alone.returncode == 0, alone.stderr
    assert files_of(tmp_path / "forked") == files_of(tmp_path / "alone")
    assert "test-report.en: 5 pages" in log.read_text()


def test_a_bug_in_a_job_reaches_its_log_with_a_traceback(project, server, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    log = tmp_path / "job.log"
    assert server.run(brief_job(project, "test-statement", blocker / "out"), log, {}) == 1
    text = log.read_text()
    assert "Traceback" in text and "NotADirectoryError" in text


def children_of(server):
    """The jobs a server forked: its children that are copies of it and have made their
    temporary folder (not, say, a program a library runs while the server warms up, nor
    the fork that is about to become it)."""
    pid = server.process.pid
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if (Path(f"/proc/{child}/cmdline").read_bytes() == command
                        and any((server.cache / "tmp").glob(f"*-{pid}/{child}"))):
                    found.append(int(child))
            except OSError:
                pass
    return found


def run_in_thread(server, arguments, log, limits):
    result = {}
    thread = threading.Thread(target=lambda: result.update(
        status=server.run(arguments, log, limits)))
    thread.start()
    return thread, result


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


def test_a_job_killed_by_a_signal_says_so(project, server, tmp_path):
    # warm first: a child the warm-up forks looks like a job until it has exec'd
    warm_up = brief_job(project, "test-column", tmp_path / "warm")
    assert server.run(warm_up, tmp_path / "warm.log", {}) == 0
    (project.brief_dir("test-statement") / "body.en.md").write_text(SLOW)
    thread, result = run_in_thread(server, brief_job(project, "test-statement", tmp_path / "o"),
                                   tmp_path / "job.log", {"mem_mb": 1000})
    wait_for(lambda: children_of(server))
    [job] = children_of(server)
    os.kill(job, signal.SIGKILL)  # the job our server forked, by its PID
    thread.join(timeout=60)
    assert result["status"] == -9
    assert explain(-9, {"mem_mb": 1000}) == ("killed by signal 9 SIGKILL (out of memory?; its "
                                            "rule allows 1000 MB)")


def test_a_job_forked_after_a_ctrl_c_is_interrupted_too(project, tmp_path):
    """A Ctrl-C that reached the server before it forked a job (while it warms up, say) must
    stop that job too: the job never saw the signal, and Snakemake waits for it."""
    (project.brief_dir("test-statement") / "body.en.md").write_text(SLOW)
    jobs = JobServer(project.root, project.root / ".cache" / "public", "public")
    jobs.start()
    try:
        # its temporary folder is made once it has chosen what Ctrl-C does to it
        wait_for(lambda: list((jobs.cache / "tmp").glob(f"*-{jobs.process.pid}")))
        os.kill(jobs.process.pid, signal.SIGINT)  # as the terminal sends it, to our server
        status = jobs.run(brief_job(project, "test-statement", tmp_path / "o"),
                          tmp_path / "job.log", {})
    finally:
        jobs.stop()
    assert status == 130 and not (tmp_path / "o").exists()
    assert (tmp_path / "job.log").read_text() == ("Interrupted (Ctrl-C): nothing of this job "
                                                  "was kept.\n")


def test_a_job_that_runs_too_long_is_stopped_and_says_why(project, server, tmp_path):
    (project.brief_dir("test-statement") / "body.en.md").write_text(SLOW)
    limits = {"runtime": 0.3 / 60}  # minutes, as rules declare them
    status = server.run(brief_job(project, "test-statement", tmp_path / "o"),
                        tmp_path / "job.log", limits)
    assert status == -signal.SIGALRM and not (tmp_path / "o").exists()
    assert "longer than the 0.005 minutes it may take" in explain(status, limits)


def test_a_job_that_needs_more_memory_than_its_rule_allows_says_so(project, server, tmp_path):
    log = tmp_path / "job.log"
    assert server.run(brief_job(project, "test-column", tmp_path / "warm"), log, {}) == 0
    (project.brief_dir("test-statement") / "body.en.md").write_text(SLOW * 5)
    virtual = int(Path(f"/proc/{server.process.pid}/status").read_text()
                  .split("VmSize:")[1].split()[0]) // 1024
    status = server.run(brief_job(project, "test-statement", tmp_path / "o"), log,
                        {"mem_mb": virtual + 40})
    assert status != 0 and not (tmp_path / "o").exists()
    # Python says so; C libraries that cannot allocate may crash the job instead
    assert (f"needed more memory than the {virtual + 40} MB its rule allows" in log.read_text()
            or f"(out of memory?; its rule allows {virtual + 40} MB)" in explain(
                status, {"mem_mb": virtual + 40})), (status, log.read_text())


def test_a_job_whose_server_was_killed_runs_in_a_process_of_its_own(project, server,
                                                                     tmp_path):
    (project.brief_dir("test-statement") / "body.en.md").write_text(SLOW)
    log = tmp_path / "job.log"
    thread, result = run_in_thread(server, brief_job(project, "test-statement", tmp_path / "o"),
                                   log, {})
    wait_for(lambda: children_of(server))
    os.kill(server.process.pid, signal.SIGKILL)  # the server we started, by its PID
    thread.join(timeout=120)
    assert result["status"] == 0 and "runs in a process of its own" in log.read_text()
    assert (tmp_path / "o" / "test-statement.en.pdf").is_file()
    assert server.run(brief_job(project, "test-column", tmp_path / "p"), log, {}) == 0


def test_a_job_in_a_process_of_its_own_keeps_its_rules_limits(project, tmp_path):
    (project.brief_dir("test-statement") / "body.en.md").write_text(SLOW * 5)
    cache = project.root / ".cache" / "public"
    with open(tmp_path / "slow.log", "wb") as log:
        status = run_alone(encode(project.root, brief_job(project, "test-statement",
                                                          tmp_path / "o")), log, cache,
                           {"runtime": 2 / 60})
    assert status == -signal.SIGALRM and not (tmp_path / "o").exists()
    # and it leaves nothing in the private cache's temporary and scratch folders
    assert list((cache / "tmp").rglob("*")) == [] and list((cache / "scratch").rglob("*")) == []
    with open(tmp_path / "big.log", "wb") as log:
        status = run_alone(encode(project.root, brief_job(project, "test-statement",
                                                          tmp_path / "p")), log, cache,
                           {"mem_mb": 300})
    assert status != 0 and not (tmp_path / "p").exists()
    assert ("needed more memory than the 300 MB its rule allows" in
            (tmp_path / "big.log").read_text() or "out of memory?" in explain(
                status, {"mem_mb": 300})), (status, (tmp_path / "big.log").read_text())
    assert list((cache / "tmp").iterdir()) == []


def test_stopping_the_server_leaves_no_process_and_no_temporary_file(project, tmp_path):
    jobs = JobServer(project.root, project.root / ".cache" / "public", "public")
    jobs.start()
    pid = jobs.process.pid
    assert jobs.run(brief_job(project, "test-column", tmp_path / "o"), tmp_path / "log", {}) == 0
    jobs.stop()
    assert not Path(f"/proc/{pid}").exists()
    assert list((project.root / ".cache" / "public" / "tmp").iterdir()) == []


def test_a_server_forgets_its_own_dead_folders_never_another_machines(project, tmp_path):
    # On a cluster the cache is shared: a PID of another node says nothing here.
    tmp = project.root / ".cache" / "public" / "tmp"
    dead = _a_dead_pid()
    mine, theirs = tmp / f"{socket.gethostname()}-{dead}", tmp / f"node-elsewhere-{dead}"
    for folder in (mine, theirs):
        (folder / "job").mkdir(parents=True)
    jobs = JobServer(project.root, project.root / ".cache" / "public", "public")
    jobs.start()
    assert jobs.run(brief_job(project, "test-column", tmp_path / "o"), tmp_path / "log", {}) == 0
    jobs.stop()
    assert not mine.exists() and (theirs / "job").is_dir()


def _a_dead_pid():
    """The PID of a process that has ended (ours, reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_the_server_imports_this_package_whatever_its_working_folder_holds(project, tmp_path):
    decoy = project.root / "briefs" / "build"
    decoy.mkdir(parents=True)
    for name in ("__init__.py", "build/__init__.py"):
        (project.root / "briefs" / name).write_text("")
    (decoy / "jobs.py").write_text(f"open({str(tmp_path / 'decoy-ran')!r}, 'w')\n")
    jobs = JobServer(project.root, project.root / ".cache" / "public", "public")
    cwd = os.getcwd()
    os.chdir(project.root)  # as Snakemake runs it
    try:
        jobs.start()
        assert jobs.run(brief_job(project, "test-column", tmp_path / "o"), tmp_path / "l", {}) == 0
    finally:
        os.chdir(cwd)
        jobs.stop()
    assert not (tmp_path / "decoy-ran").exists()


def processes_marked(marker):
    """The PIDs of processes whose environment carries marker (those of one test run)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def snakemake_marked(project, marker, *args, tmpdir=None):
    """Snakemake in a process group of its own, as a terminal starts it; tmpdir: the
    system's temporary folder as it sees it, if not the machine's."""
    env = {**os.environ, "BRIEFS_TEST_RUN": marker, **({"TMPDIR": str(tmpdir)} if tmpdir
                                                         else {})}
    return subprocess.Popen([sys.executable, "-m", "snakemake", "--cores", "2", *args],
                            cwd=project.root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


@pytest.mark.parametrize("ending", ["success", "failure", "Ctrl-C", "SIGTERM"])
def test_nothing_outlives_snakemake(project, tmp_path_factory, ending):
    if ending == "failure":
        (project.brief_dir("test-report") / "summary.en.md").write_text("{{ 1 / 0 }}\n")
    if ending in ("Ctrl-C", "SIGTERM"):
        (project.brief_dir("test-report") / "summary.en.md").write_text(SLOW * 3)
    # A temporary folder of the run's own: the machine's /tmp has other people's files.
    system_tmp = tmp_path_factory.mktemp("system-tmp")
    marker = uuid.uuid4().hex
    run = snakemake_marked(project, marker, tmpdir=system_tmp)
    if ending in ("Ctrl-C", "SIGTERM"):
        wait_for(lambda: len(processes_marked(marker)) >= 3)  # snakemake, server, a job
        time.sleep(0.5)
        if ending == "Ctrl-C":  # the terminal signals the whole group we started
            os.killpg(run.pid, signal.SIGINT)
        else:
            os.kill(run.pid, signal.SIGTERM)  # the Snakemake we started, by its PID
    output, _ = run.communicate(timeout=300)
    assert (run.returncode == 0) == (ending == "success"), output[-3000:]
    wait_for(lambda: processes_marked(marker) == [], seconds=15)
    assert list(system_tmp.iterdir()) == []
    tmp = project.root / ".cache" / "public" / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []
    assert not list((project.root / "build").rglob(".*")) if (project.root / "build").exists() \
        else True
    assert "Traceback" not in output


def kill_a_build_mid_job(project):
    """Start a build and kill its Snakemake (by the PID we started) while a job runs."""
    marker = uuid.uuid4().hex
    run = snakemake_marked(project, marker)
    wait_for(lambda: len(processes_marked(marker)) >= 3)
    time.sleep(0.5)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    wait_for(lambda: processes_marked(marker) == [], seconds=15)


def test_a_killed_build_needs_one_instruction_and_then_builds(project):
    (project.brief_dir("test-report") / "summary.en.md").write_text(SLOW * 3)
    kill_a_build_mid_job(project)
    assert not [p for p in (project.root / "build").rglob("*") if p.name.startswith(".")]
    again = run_snakemake(project)
    if again.returncode != 0:
        assert "--unlock" in again.stdout + again.stderr
        assert run_snakemake(project, "--unlock").returncode == 0
        again = run_snakemake(project)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (project.root / "build/test-report/test-report.en.pdf").is_file()


def test_an_edit_whose_build_was_killed_is_built_by_the_next_run(prebuilt):
    """The killed run wrote the brief's new key; its outputs, older, still say to build."""
    project = prebuilt
    summary = project.brief_dir("test-report") / "summary.en.md"
    summary.write_text(SLOW * 3 + "\nA sentence the last good PDF lacks.\n")
    kill_a_build_mid_job(project)
    pdf = project.root / "build/test-report/test-report.en.pdf"
    assert "the last good PDF lacks" not in "".join(page.extract_text()
                                                   for page in PdfReader(pdf).pages)
    run_snakemake(project, "--unlock")
    again = run_snakemake(project)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "the last good PDF lacks" in "".join(page.extract_text()
                                               for page in PdfReader(pdf).pages)
