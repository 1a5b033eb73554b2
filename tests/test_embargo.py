"""A brief under embargo: built apart from what is published, said on its pages, and
published only by a build told that the time is past."""

import json
import re
import zipfile

import pytest
from pypdf import PdfReader

from conftest import refusal, run_snakemake

EMBARGO = "2024-01-29T09:00+06:00"


def embargo(project, when=EMBARGO):
    path = project.brief_dir("test-statement") / "brief.yaml"
    path.write_text(path.read_text() + f"embargo: {when}\n", encoding="utf-8")


def published(project):
    """Every path under build/ and what the catalogue and manifest name."""
    build = project.root / "build"
    files = {str(path.relative_to(build)) for path in build.rglob("*") if path.is_file()}
    listed = {entry["path"] for entry in
              json.loads((build / "manifest.json").read_text())["outputs"]}
    return files, listed, (build / "index.html").read_text(encoding="utf-8")


def words(page):
    """A page's text without its tags (a title's last words are in a box of their own)."""
    return re.sub(r"<[^>]+>", "", page)


def test_a_brief_under_embargo_is_built_apart_and_absent_from_everything_published(project):
    embargo(project)
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    held = project.root / "build-embargoed" / "test-statement"
    assert {path.name for path in held.iterdir()} >= {
        "test-statement.en.pdf", "test-statement.ru.pdf", "test-statement.en.html",
        "test-statement-press-kit.zip"}
    files, listed, catalogue = published(project)
    assert not any(path.startswith("test-statement/") for path in files | listed)
    assert 'href="test-statement/' not in catalogue
    assert "Free the Lighthouse Keeper" not in words(catalogue)
    assert "test-column" in catalogue  # the others are published as before
    page = (held / "test-statement.en.html").read_text(encoding="utf-8")
    assert "Embargoed until 29 January 2024, 09:00 (UTC+06:00)" in page
    text = PdfReader(held / "test-statement.ru.pdf").pages[0].extract_text()
    assert "ЭМБАРГО: НЕ ПУБЛИКОВАТЬ ДО 29 ЯНВАРЯ 2024" in text.upper().replace("\n", " ")
    again = run_snakemake(project)
    assert "Nothing to be done" in again.stdout + again.stderr


def test_a_build_told_the_time_is_past_publishes_it_without_the_notice(project):
    embargo(project)
    assert run_snakemake(project).returncode == 0
    before = run_snakemake(project, "--config", "now=2024-01-29T08:59+06:00")
    assert before.returncode == 0 and not (project.root / "build" / "test-statement").exists()
    result = run_snakemake(project, "--config", "now=2024-01-29T04:05+01:00")  # 09:05 Almaty
    assert result.returncode == 0, result.stderr
    files, listed, catalogue = published(project)
    assert "test-statement/test-statement.en.pdf" in files & listed
    assert "Free the Lighthouse Keeper" in words(catalogue)
    page = (project.root / "build/test-statement/test-statement.en.html").read_text()
    assert "Embargoed until" not in page and 'class="embargo-notice"' not in page


@pytest.mark.parametrize("when", ["2024-01-29T09:00", "soon", "2024-01-29"])
def test_an_embargo_the_build_cannot_read_is_refused_and_publishes_nothing(project, capsys,
                                                                           when):
    embargo(project, when)
    err = refusal(project, capsys, "check")
    assert "content/briefs/test-statement/brief.yaml" in err and "time zone" in err, err
    result = run_snakemake(project, "--config", "now=2030-01-01T00:00+00:00")
    assert result.returncode != 0
    assert not (project.root / "build" / "test-statement").exists()
    assert "time zone" in result.stderr


def test_a_time_given_as_now_must_say_its_time_zone(project):
    result = run_snakemake(project, "--config", "now=2024-01-29 09:05")
    assert result.returncode != 0
    assert "now must be a date and time with its time zone" in result.stderr


def test_the_press_kits_notes_carry_the_embargo_and_the_press_officer(project):
    embargo(project)
    organisations = project.content / "organisations.yaml"
    organisations.write_text(organisations.read_text().replace(
        "  website: https://alpha.example.org\n", "  website: https://alpha.example.org\n"
        "  press: {name: {en: Dana Example, ru: Дана Пример, kk: Дана Үлгі}, "
        "telephone: +7 727 000 00 00}\n", 1), encoding="utf-8")
    assert run_snakemake(project).returncode == 0
    kit = project.root / "build-embargoed/test-statement/test-statement-press-kit.zip"
    with zipfile.ZipFile(kit) as archive:
        notes = archive.read("notes-to-editors.en.txt").decode("utf-8")
        russian = archive.read("notes-to-editors.ru.txt").decode("utf-8")
    assert "EMBARGOED UNTIL 29 JANUARY 2024, 09:00 (UTC+06:00)" in notes
    assert "ЭМБАРГО: НЕ ПУБЛИКОВАТЬ ДО 29 ЯНВАРЯ 2024" in russian
    assert "Dana Example, +7 727 000 00 00" in notes and "Дана Пример" in russian
