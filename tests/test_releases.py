"""Released editions: `briefs release` numbers and records what was sent, the build prints
it, refuses a silent change after it, prints a correction as the next version and serves
every released version byte for byte; a report continuing another says how its list
changed."""

import re
import hashlib
import json
import shutil
import subprocess
import sys

import pytest
import yaml
from pypdf import PdfReader

from briefs.cli import main

from conftest import make_project, refusal, run_snakemake

STATEMENT = "test-statement"
PATTERN = '  document_numbers: "ALPHA/{year}/{number:03}"\n'
NOTE = {"en": "An earlier version gave the sentence as nine years.",
        "ru": "В предыдущей версии срок был указан как девять лет."}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_text(path, page=None):
    pages = PdfReader(path).pages
    return " ".join(p.extract_text() for p in (pages if page is None else [pages[page]]))


def release(project, brief_id, at, capsys=None):
    assert main(["--root", str(project.root), "release", brief_id, "--at", at]) == 0
    return capsys.readouterr().out if capsys else None


def built(project, *args):
    result = run_snakemake(project, *args)
    assert result.returncode == 0, result.stderr
    return result


def outputs(project, brief_id):
    """{name: SHA-256} of the files of a brief's folder in build/, versions included."""
    folder = project.root / "build" / brief_id
    return {path.relative_to(folder).as_posix(): digest(path)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def sent(files):
    """Of a brief's files, those sent: all but the entries, which record what was read."""
    return {name: sha for name, sha in files.items() if not name.endswith(".json")}


def with_numbers(project):
    """Alpha numbers its documents; beta has no pattern."""
    path = project.content / "organisations.yaml"
    path.write_text(path.read_text().replace("alpha:\n", "alpha:\n" + PATTERN, 1))


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The fixture content built, then three of alpha's briefs released (two in 2024, one
    in 2023) and built again; the unreleased briefs' files as they were before."""
    project = make_project(tmp_path_factory.mktemp("released"))
    with_numbers(project)
    built(project)
    before = {brief: outputs(project, brief) for brief in ("test-report", STATEMENT)}
    printed = [release(project, STATEMENT, "2023-04-25T10:00+06:00"),
               release(project, "test-column", "2024-01-29T09:00+05:00"),
               release(project, "test-update", "2024-02-01T18:30+01:00")]
    built(project)
    return project, before, printed


@pytest.fixture
def statement_released(released, tmp_path):
    """A copy of the released project, for a test that changes it."""
    project = make_project(tmp_path)
    shutil.rmtree(project.content)
    shutil.copytree(released[0].content, project.content)
    built(project)
    return project


def test_a_release_is_numbered_by_the_publishers_pattern_per_year_and_printed(released):
    project, _, _ = released
    records = {brief: yaml.safe_load((project.brief_dir(brief) / "releases.yaml").read_text())
               ["releases"] for brief in (STATEMENT, "test-column", "test-update")}
    assert [r["number"] for r in records[STATEMENT]] == ["ALPHA/2023/001"]
    assert [r["number"] for r in records["test-column"]] == ["ALPHA/2024/001"]
    assert [r["number"] for r in records["test-update"]] == ["ALPHA/2024/002"]
    assert records[STATEMENT][0]["released_at"] == "2023-04-25T10:00:00+06:00"
    build = project.root / "build"
    for brief, lang, words in [
            (STATEMENT, "en", ["ALPHA/2023/001", "Version 1", "First published 25 April 2023"]),
            (STATEMENT, "ru", ["ALPHA/2023/001", "Версия 1",
                               "Впервые опубликовано 25 апреля 2023"]),
            ("test-column", "kk", ["ALPHA/2024/001", "1-нұсқа", "Алғаш жарияланған күні"]),
            ("test-update", "en", ["ALPHA/2024/002", "Version 1",
                                   "First published 1 February 2024"])]:
        text = " ".join(pdf_text(build / brief / f"{brief}.{lang}.pdf", 0).split())
        page = (build / brief / f"{brief}.{lang}.html").read_text().replace("\xa0", " ")
        for word in words:
            assert word in text, (brief, lang, word, text[:400])
            assert word in page, (brief, lang, word)
    # each released file is recorded with its hash, kept in the archive and served in v1/
    for name, sha in records[STATEMENT][0]["outputs"].items():
        assert digest(project.content / "releases" / STATEMENT / "v1" / name) == sha
        assert digest(build / STATEMENT / "v1" / name) == sha
        assert digest(build / STATEMENT / name) == sha  # the current version is the default
    assert set(records[STATEMENT][0]["outputs"]) == {
        f"{STATEMENT}.{lang}.{kind}" for lang in ("en", "ru")
        for kind in ("pdf", "html", "card.png")}
    # the PDF is dated by its release, not by the day it was built
    assert PdfReader(build / STATEMENT / f"{STATEMENT}.en.pdf").metadata[
        "/CreationDate"].startswith("D:20230425")


def test_the_release_command_says_what_it_gave(tmp_path, capsys):
    project = make_project(tmp_path)
    with_numbers(project)
    for brief in ("test-report", "test-column", "test-update"):
        shutil.rmtree(project.brief_dir(brief))
    assert main(["--root", str(project.root), "release", STATEMENT]) == 1
    assert "build first" in capsys.readouterr().err
    built(project)
    out = release(project, STATEMENT, "2023-04-25T10:00+06:00", capsys)
    assert "version 1 released as ALPHA/2023/001" in out
    err = refusal(project, capsys, "release", STATEMENT)
    assert "nothing was corrected since" in err and "version 1 (ALPHA/2023/001)" in err


def test_an_unreleased_brief_is_unchanged_by_releases_of_others(released):
    project, before, _ = released
    assert outputs(project, "test-report") == before["test-report"]
    assert outputs(project, STATEMENT) != before[STATEMENT]
    page = (project.root / "build/test-report/test-report.en.html").read_text()
    assert "release-notice" not in page and "First published" not in page


def test_an_edit_after_release_is_refused_naming_the_brief_the_release_and_what_to_do(
        statement_released):
    project = statement_released
    kept = outputs(project, STATEMENT)
    organisations = project.content / "organisations.yaml"  # an entry no brief prints
    organisations.write_text(organisations.read_text() + "gamma:\n  name: {en: Gamma}\n"
                             "  short_name: {en: G}\n")
    built(project)
    assert sent(outputs(project, STATEMENT)) == sent(kept)
    kept = outputs(project, STATEMENT)
    body = project.brief_dir(STATEMENT) / "body.en.md"
    body.write_text(body.read_text().replace("nine years", "ten years"))
    result = run_snakemake(project)
    assert result.returncode != 0
    log = (project.root / ".cache/public/logs" / f"{STATEMENT}.log").read_text()
    assert f"{STATEMENT} was released as version 1 (ALPHA/2023/001) of 25 April 2023" in log
    assert "corrections:" in log and "briefs release" in log and "Traceback" not in log
    assert outputs(project, STATEMENT) == kept  # the last good files stay


def test_a_publishers_text_in_one_language_changes_only_the_releases_that_print_it(
        statement_released):
    """Alpha publishes the statement (en, ru) and the column (en, kk), both released: an edit
    of alpha's Russian contact line is a change after release to the statement alone; the
    column, which prints none of alpha's Russian, is built again unchanged."""
    project = statement_released
    kept = {brief: outputs(project, brief) for brief in (STATEMENT, "test-column")}
    organisations = project.content / "organisations.yaml"
    line = '    ru: "Для прессы:'
    assert line in organisations.read_text()
    organisations.write_text(organisations.read_text().replace(line, line + " телефон,", 1))
    result = run_snakemake(project, "--keep-going")
    assert result.returncode != 0
    logs = project.root / ".cache/public/logs"
    assert f"{STATEMENT} was released as version 1" in (logs / f"{STATEMENT}.log").read_text()
    assert outputs(project, STATEMENT) == kept[STATEMENT]
    assert "was released as" not in (logs / "test-column.log").read_text()
    assert sent(outputs(project, "test-column")) == sent(kept["test-column"])


def add_correction(project, note=NOTE):
    path = project.brief_dir(STATEMENT) / "brief.yaml"
    path.write_text(path.read_text() + "corrections:\n  - date: 2023-05-02\n    note:\n"
                    + "".join(f"      {lang}: {text}\n" for lang, text in note.items()))


def test_a_correction_is_the_next_version_with_its_notice_and_v1_stays_as_released(
        statement_released, capsys):
    project = statement_released
    build = project.root / "build"
    v1 = {name: sha for name, sha in outputs(project, STATEMENT).items()
          if name.startswith("v1/")}
    body = project.brief_dir(STATEMENT) / "body.en.md"
    body.write_text(body.read_text().replace("nine years", "ten years"))
    add_correction(project)
    built(project)
    for lang, words in [("en", ["Version 2", "Correction of 2 May 2023:", NOTE["en"]]),
                        ("ru", ["Версия 2", "Исправление от 2 мая 2023", NOTE["ru"]])]:
        first_page = " ".join(pdf_text(build / STATEMENT / f"{STATEMENT}.{lang}.pdf", 0).split())
        for word in words:
            assert word in first_page, (lang, word, first_page[:400])
    page = (build / STATEMENT / f"{STATEMENT}.en.html").read_text()
    assert 'href="v1/test-statement.en.pdf"' in page and "not yet released" in page
    assert {n: s for n, s in outputs(project, STATEMENT).items() if n.startswith("v1/")} == v1
    err = refusal(project, capsys, "release", STATEMENT, "--at", "2023-04-24T12:00+06:00")
    assert "after the time given" in err
    out = release(project, STATEMENT, "2023-05-02T12:00+06:00", capsys)
    assert "version 2 released as ALPHA/2023/001" in out
    built(project)
    now = outputs(project, STATEMENT)
    assert {n: s for n, s in now.items() if n.startswith("v1/")} == v1
    assert now["v2/test-statement.en.pdf"] == now["test-statement.en.pdf"]
    assert "ten years" in pdf_text(build / STATEMENT / "v2/test-statement.en.pdf")
    assert "nine years" in pdf_text(build / STATEMENT / "v1/test-statement.en.pdf")
    manifest = json.loads((build / "manifest.json").read_text())
    versions = {(e["path"], e.get("version")) for e in manifest["outputs"]}
    assert ("test-statement/v1/test-statement.ru.pdf", 1) in versions
    assert ("test-statement/v2/test-statement.ru.pdf", 2) in versions
    catalogue = (build / "index.html").read_text()
    assert 'href="test-statement/v1/test-statement.en.pdf"' in catalogue
    assert 'href="test-statement/v2/test-statement.en.pdf"' in catalogue


def test_a_correction_needs_a_note_in_each_language_of_the_brief(project, capsys):
    add_correction(project, {"en": NOTE["en"]})
    err = refusal(project, capsys, "check")
    assert "brief.yaml, line" in err and "1st correction" in err and "'ru'" in err


def test_verify_names_a_changed_byte_in_a_released_file(statement_released):
    project = statement_released
    archived = project.content / "releases" / STATEMENT / "v1" / f"{STATEMENT}.ru.pdf"
    data = bytearray(archived.read_bytes())
    data[len(data) // 2] ^= 1
    archived.write_bytes(bytes(data))
    result = subprocess.run([sys.executable, "-m", "briefs", "--root", str(project.root),
                             "verify", "build/manifest.json"], cwd=project.root,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert (f"CHANGED in the archive: content/releases/{STATEMENT}/v1/{STATEMENT}.ru.pdf is "
            "not what version 1 of test-statement was released as") in result.stdout
    # and the build refuses to serve it as released
    failed = run_snakemake(project)
    assert failed.returncode != 0
    log = (project.root / ".cache/public/logs" / f"{STATEMENT}.log").read_text()
    assert "is not what version 1 of test-statement was released as" in log


@pytest.mark.parametrize("pattern, words", [
    ("{number.__class__.__init__}", "'{number.__class__.__init__}' is not allowed"),
    ("{year!r}/{number}", "'{year!r}' is not allowed"),
    ("{number:>1000}", "'{number:>1000}' is not allowed"),
    ("{0}", "'{0}' is not allowed"),
    ("ALPHA/{year}", "has no {number}"),
    ("{number}\\n{number}", "one line"),
    ("{", "cannot be read"),
])
def test_a_document_number_pattern_with_more_than_year_and_number_is_refused(
        project, capsys, pattern, words):
    path = project.content / "organisations.yaml"
    path.write_text(path.read_text().replace(
        "alpha:\n", f'alpha:\n  document_numbers: "{pattern}"\n', 1))
    err = refusal(project, capsys, "check")
    assert "organisations.yaml, line 3, field 'alpha.document_numbers'" in err
    assert words in err and "{number:03}" in err, err


def test_a_document_number_pattern_of_year_and_number_is_valid(project, capsys):
    with_numbers(project)
    assert main(["--root", str(project.root), "check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("record, words", [
    ("releases:\n  - version: 1\n    version: 2\n", "written twice"),
    ("releases:\n  - version: 1\n    released_at: 2023-04-25T10:00:00\n    sources: " + "a" * 64
     + "\n    outputs: {}\n", "time zone"),
    ("releases:\n  - version: 2\n    released_at: 2023-04-25T10:00:00+06:00\n    sources: "
     + "a" * 64 + "\n    outputs: {}\n", "1, 2, ..."),
    ("releases:\n  - version: 1\n    released_at: 2023-04-25T10:00:00+06:00\n    sources: "
     + "a" * 64 + "\n    outputs: {../../../etc/passwd: " + "b" * 64 + "}\n", "released file"),
])
def test_a_damaged_record_of_releases_is_refused_with_its_line(project, capsys, record, words):
    (project.brief_dir(STATEMENT) / "releases.yaml").write_text(record)
    result = run_snakemake(project)
    assert result.returncode != 0
    log = (project.root / ".cache/public/logs" / f"{STATEMENT}.log").read_text()
    assert "releases.yaml, line" in log and words in log and "Traceback" not in log, log


FOLLOWUP = """kind: report
languages: [en, ru, kk]
date: 2021-07-10
place: {en: Testville, ru: Тествиль, kk: Тествиль}
title: {en: Lighthouse Keepers Half a Year On, ru: Смотрители маяков полгода спустя,
        kk: Маяк күзетшілері жарты жылдан кейін}
organisations: [alpha]
as_of: 2021-06-30
continues: test-report
sections:
  - file: summary
    role: summary
  - background
"""
CASES = {
    # added to the list of people held: two
    "keeper-six": "{date: 2021-01-10, type: detained}",
    "keeper-eight": "{date: 2021-05-01, type: pretrial_detention}",
    # held on 30 November 2020, died since
    "keeper-seven": "{date: 2020-09-01, type: pretrial_detention}\n  - {date: 2021-04-01, "
                    "type: died}",
}
NUMBERS = {"keeper-six": ("Шесть", "Алты"), "keeper-eight": ("Восемь", "Сегіз"),
           "keeper-seven": ("Семь", "Жеті")}
HIDDEN = """id: zzyzx-second
name: {en: Zzyzx Second-Hidden}
visibility: restricted
events:
  - {date: 2021-02-01, type: detained}
"""


@pytest.fixture(scope="module")
def continued(tmp_path_factory):
    """A report continuing the test report's list, with people added, released (keeper
    one, on 1 March 2021) and dead since, and a restricted record that would be added."""
    project = make_project(tmp_path_factory.mktemp("continued"))
    for brief in ("test-column", "test-statement", "test-update"):
        shutil.rmtree(project.brief_dir(brief))
    folder = project.brief_dir("test-followup")
    folder.mkdir()
    (folder / "brief.yaml").write_text(FOLLOWUP)
    for stem in ("summary", "background"):
        text = (project.brief_dir("test-report") / f"{stem}.en.md").read_text()
        for lang in ("en", "ru", "kk"):
            (folder / f"{stem}.{lang}.md").write_text(text)
    for case_id, events in CASES.items():
        # names in the order editors write them, not sorted (en, ru, kk)
        (project.content / "cases" / f"{case_id}.yaml").write_text(
            f"id: {case_id}\nname: {{en: {case_id.replace('-', ' ').title()}, "
            f"ru: Смотритель {NUMBERS[case_id][0]}, kk: Күзетші {NUMBERS[case_id][1]}}}\n"
            f"events:\n  - {events}\n")
    (project.content / "cases" / "zzyzx-second.yaml").write_text(HIDDEN)
    built(project)
    return project


@pytest.mark.parametrize("lang, words", [
    ("en", ["Since the previous list", "2 new names, 1 released and 1 died",
            "Added to the list: Keeper Eight and Keeper Six", "Released: Keeper One",
            "Died: Keeper Seven", "facts as of 30 November 2020"]),
    ("ru", ["Изменения с предыдущего списка", "2 новых имени, 1 освобождён и 1 умер",
            "Добавлены в список: Смотритель Восемь и Смотритель Шесть",
            "Освобождены: Смотритель Один", "Умерли: Смотритель Семь"]),
    ("kk", ["Алдыңғы тізімнен бергі өзгерістер", "2 жаңа есім",
            "Тізімге қосылғандар: Күзетші Алты және Күзетші Сегіз",
            "Қайтыс болғандар: Күзетші Жеті"]),
])
def test_a_report_continuing_another_says_who_was_added_and_who_left(continued, lang, words):
    folder = continued.root / "build" / "test-followup"
    text = " ".join(pdf_text(folder / f"test-followup.{lang}.pdf").split())
    text = re.sub(r"(\w)[-\u00ad] (\w)", r"\1\2", text)  # a word hyphenated at a line's end
    page = " ".join((folder / f"test-followup.{lang}.html").read_text().split())
    for word in words:
        assert word in text, (lang, word, text[:1500])
    assert words[1] in page
    assert "Zzyzx" not in text and "Zzyzx" not in page and "zzyzx" not in page


def test_a_restricted_person_would_be_counted_in_the_internal_build_only(continued):
    built(continued, "--config", "audience=internal")
    text = " ".join(pdf_text(continued.root / "build-internal/test-followup/"
                             "test-followup.en.pdf").split())
    assert "3 new names" in text and "Zzyzx Second-Hidden" in text


def test_continuing_a_brief_that_is_not_there_is_refused(continued, capsys):
    path = continued.brief_dir("test-followup") / "brief.yaml"
    path.write_text(FOLLOWUP.replace("continues: test-report", "continues: test-reprot"))
    try:
        err = refusal(continued, capsys, "check")
    finally:
        path.write_text(FOLLOWUP)
    assert "brief.yaml, line 9, field 'continues'" in err and "test-reprot" in err


def test_a_brief_showing_case_records_is_released_without_number_by_a_publisher_without_one(
        continued, capsys):
    """Its case records' views are compared as the build saw them (the cached case book)."""
    out = release(continued, "test-followup", "2021-07-10T09:00+06:00", capsys)
    assert "version 1 released at" in out and " as " not in out
    record = yaml.safe_load((continued.brief_dir("test-followup") / "releases.yaml")
                            .read_text())
    assert record["releases"][0]["number"] is None
    text = pdf_text(continued.content / "releases/test-followup/v1/test-followup.en.pdf")
    assert "Version 1 · First published 10 July 2021" in " ".join(text.split())
    assert "Document" not in text
