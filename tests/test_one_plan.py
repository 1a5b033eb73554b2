"""One set of rules for what an edit rebuilds: after each edit, the preview builds again
the editions of exactly the briefs that the workflow's planning marks stale, and a file
saved with the same bytes rebuilds nothing in either.

Both decide from one real build of the workflow: the preview's folder is given that
build's editions (as its own build of them would have left it: the preview's pages are
byte for byte the workflow's, tests/test_preview.py), so that each side starts from what
the same build read."""

import shutil
from pathlib import Path

import pytest

from conftest import make_project, run_snakemake
from briefs.preview.builds import Builder
from briefs.project import Project
from briefs.settings import Settings
from briefs.workflow.plan import Plan

PICTURE = "\n![The court](../../images/court.svg)\n"
# keeper-one's detention cited to a brief of the project, and shown by the statement
CITATION = "{id: ours, brief: test-update}"


@pytest.fixture(scope="module")
def built_aside(tmp_path_factory):
    """The fixture content with a picture and a cited brief that only a build can know
    of (brief.yaml names neither), built once by the real workflow and moved aside."""
    home = tmp_path_factory.mktemp("one-plan") / "project"
    home.mkdir()
    project = make_project(home)
    shutil.copy(project.content / "images" / "alpha.svg", project.content / "images" / "court.svg")
    body = project.brief_dir("test-statement") / "body.en.md"
    body.write_text(body.read_text(encoding="utf-8") + PICTURE
                    + '\n{{ case_box("keeper-one") }}\n', encoding="utf-8")
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "sources: [court]", "sources: [court, ours]").replace(
        "sources:\n", f"sources:\n  - {CITATION}\n"), encoding="utf-8")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return home, home.rename(home.with_name("aside"))


@pytest.fixture
def both(built_aside, tmp_path, monkeypatch):
    """The built project put back where it was built, and a preview of it (its builder,
    not started: the test asks only what it would build) that has built every edition."""
    home, aside = built_aside
    shutil.copytree(aside, home, symlinks=True)
    project = Project(home)
    monkeypatch.chdir(home)  # the workflow's folders are relative, as in the Snakefile
    folder = tmp_path / "preview"
    for brief in (home / "build").iterdir():
        if brief.is_dir() and project.brief_dir(brief.name).is_dir():
            shutil.copytree(brief, folder / "editions" / brief.name)
    builder = Builder(project, Settings(cache=folder), folder, lost=None)
    builder.update()
    assert not Plan(project, Settings.from_config({}, home), words(home)).stale()
    yield project, builder
    shutil.rmtree(home)


def words(home):
    """What the Snakefile gives planning besides the settings (no signing certificate)."""
    return [(home / "Snakefile").read_text(encoding="utf-8"), ""]


def decisions(project, builder, saved):
    """(the briefs of the editions the preview builds again once the files saved were
    saved, the briefs the workflow's planning marks stale)."""
    before = {key: state.wanted for key, state in builder.states.items()}
    builder.update({str(path) for path in saved})
    preview = {key for key, state in builder.states.items() if state.wanted != before.get(key)}
    workflow = Plan(project, Settings.from_config({}, project.root), words(project.root))
    return preview, set(workflow.stale())


def edit(path, old, new):
    text = Path(path).read_text(encoding="utf-8")
    assert old in text
    Path(path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return [path]


def save_same(path):
    Path(path).write_bytes(Path(path).read_bytes())
    return [path]


def new_person(project):
    """A person held since before the report's count: newly among those it counts."""
    path = project.content / "cases" / "keeper-six.yaml"
    path.write_text("id: keeper-six\nname: {en: Keeper Six}\nregion: north\n"
                    "occupation: {en: lighthouse keeper}\ntags: [expression]\n"
                    "charges:\n  - {article: \"405\", part: 2, date: 2020-05-30}\n"
                    "events:\n  - date: 2020-06-01\n    type: pretrial_detention\n"
                    "    text: {en: Placed in pre-trial detention.}\n", encoding="utf-8")
    return [path]


def deleted(path):
    Path(path).unlink()
    return [path]


# Each edit: what it does, and the editions it must rebuild at least (those of the
# preview's own tests, and the one edition a file only a build knows of is read by).
EDITS = {
    "a section": (lambda p: edit(p.brief_dir("test-statement") / "body.ru.md", "девять",
                                 "десять"), {("test-statement", "ru")}),
    "a picture a section shows": (
        lambda p: edit(p.content / "images" / "court.svg", "</svg>",
                       '<rect width="3" height="3"/></svg>'), {("test-statement", "en")}),
    "the title of a brief cited as a source": (
        lambda p: edit(p.brief_dir("test-update") / "brief.yaml", "Quarterly Harbour Update",
                       "Quarterly Harbour Review"),
        {("test-statement", "en"), ("test-update", "en")}),
    "organisations.yaml": (lambda p: edit(p.content / "organisations.yaml", "\n", "\n\n"),
                           {("test-report", "en"), ("test-statement", "ru")}),
    "a template": (lambda p: edit(p.templates / "statement.html", "\n", "\n\n"),
                   {("test-statement", "en"), ("test-report", "en")}),
    "a case record shown": (
        lambda p: edit(p.content / "cases" / "keeper-two.yaml", "name: {en: Keeper Two}",
                       "name: {en: Keeper Deux}"),
        {("test-report", "en"), ("test-column", "kk"), ("test-update", "en")}),
    "a case record that newly answers a question": (new_person, {("test-report", "en")}),
    "a picture read at the last build, deleted": (
        lambda p: deleted(p.content / "images" / "court.svg"), {("test-statement", "en")}),
}


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_rebuilds_the_same_briefs_in_the_preview_and_the_workflow(both, name):
    project, builder = both
    change, least = EDITS[name]
    preview, workflow = decisions(project, builder, change(project))
    assert least <= preview
    assert {brief for brief, _ in preview} == workflow


@pytest.mark.parametrize("name", ["a section", "a template", "a case record shown",
                                  "organisations.yaml"])
def test_a_file_saved_with_the_same_bytes_rebuilds_nothing_in_either(both, name):
    project, builder = both
    path = {"a section": project.brief_dir("test-statement") / "body.en.md",
            "a template": project.templates / "base.html",
            "a case record shown": project.content / "cases" / "keeper-two.yaml",
            "organisations.yaml": project.content / "organisations.yaml"}[name]
    assert decisions(project, builder, save_same(path)) == (set(), set())
