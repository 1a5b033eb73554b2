import dataclasses
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from briefs.edition import editions
from briefs.project import Project
from briefs.settings import Settings

REPO = Path(__file__).resolve().parent.parent
# A suite started in the background of a shell without job control (`pytest &`, nohup)
# inherits Ctrl-C ignored, and so would every program the tests start; the tests send
# Ctrl-C as a terminal does, so the suite takes it back (programs it starts get the default).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
# The browser tests use Debian's chromium (Playwright cannot download one here), started
# so that it reaches for nothing on the network.
CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium: install Debian's package with "
    "'apt-get install chromium' (.ci/run does) to run the browser tests")


def make_project(folder):
    """A project of the tests' own: the real Snakefile and templates, the fixture content."""
    for name in ("Snakefile", "templates", "profiles"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    shutil.copytree(FIXTURE_CONTENT, folder / "content")
    return Project(folder)


def refusal(project, capsys, *arguments):
    """The error a briefs command prints as it fails cleanly: a message saying what to do,
    never a traceback."""
    from briefs.cli import main

    assert main(["--root", str(project.root), *arguments]) == 1
    return _refused(capsys)


def job_refusal(project, capsys, request):
    """The error a job request (briefs.workflow.requests) prints as it fails cleanly."""
    from briefs.workflow.requests import encode, run

    assert run(encode(project.root, request)) == 1
    return _refused(capsys)


def _refused(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err and "What to do:" in err, err
    return err


def run_snakemake(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=project.root, capture_output=True, text=True,
    )


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


@pytest.fixture(scope="session")
def _built_aside(tmp_path_factory):
    """The fixture content built once by the real workflow in a folder of its own, then
    moved aside for prebuilt to copy back there."""
    home = tmp_path_factory.mktemp("prebuilt") / "project"
    home.mkdir()
    result = run_snakemake(make_project(home))
    assert result.returncode == 0, result.stderr
    return home, home.rename(home.with_name("built-aside"))


@pytest.fixture
def prebuilt(_built_aside):
    """A project as make_project and one whole build leave it, for a test that starts from
    a built project: a copy of one build, far quicker than a build of its own. It is put
    where it was built, as Snakemake's records of a build name the project's own paths."""
    home, aside = _built_aside
    shutil.copytree(aside, home, symlinks=True)
    yield Project(home)
    shutil.rmtree(home)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The fixture content built once by the real workflow."""
    project = make_project(tmp_path_factory.mktemp("built"))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


# The archival variant, written beside build/.
ARCHIVE = ("--config", "pdf_variant=pdf/a-3u", "out=build-pdfa")


@pytest.fixture(scope="session")
def examples(tmp_path_factory):
    """The example content of content/, built once in both variants."""
    project = make_project(tmp_path_factory.mktemp("examples"))
    shutil.rmtree(project.content)
    shutil.copytree(REPO / "content", project.content)
    for args in ((), ARCHIVE):
        result = run_snakemake(project, *args)
        assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def fixtures_archived(built):
    result = run_snakemake(built, *ARCHIVE)
    assert result.returncode == 0, result.stderr
    return built


def edition(project, brief_id, lang="en", audience="public", site_url=""):
    """One edition of a brief of the project, as the build makes it (in any language)."""
    settings = Settings(audience=audience, cache=project.root / ".cache" / audience,
                        site_url=site_url)
    return dataclasses.replace(editions(project, brief_id, settings)[0], lang=lang)


def helpers(project, brief_id, lang="en", audience="public", site_url=""):
    from briefs.render.helpers import CaseHelpers

    return CaseHelpers(edition(project, brief_id, lang, audience, site_url))


def render(project, brief_id, lang="en", medium="web", audience="public", published=None,
           site_url=""):
    """An edition's page, rendered as the build renders it, without printing."""
    from briefs.render.html import render_edition, render_sections

    case_helpers = helpers(project, brief_id, lang, audience, site_url)
    sections = render_sections(case_helpers.edition, case_helpers)
    return render_edition(case_helpers.edition, medium, sections, published)
