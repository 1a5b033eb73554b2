"""The people a brief counts or lists, as data for journalists (briefs/publish/data_package.py),
and the press kit that sends them with notes to editors and pictures
(briefs/publish/press_kit.py), through the real workflow."""

import base64
import csv
import datetime
import hashlib
import json
import zipfile

import frictionless
import pytest

from briefs.cli import main
from conftest import make_project, run_snakemake
from test_attacks import DATA_URL, MARKERS, plant_restricted, public_bytes

LANGUAGES = {"test-column": ["en", "kk"], "test-report": ["en"],
             "test-statement": ["en", "ru"], "test-update": ["en"]}
DATES = {"test-column": "2024-01-29", "test-report": "2020-12-10",
         "test-statement": "2023-04-25", "test-update": "2022-09-30"}
DATA = sorted([f"{brief}/data/datapackage.json" for brief in LANGUAGES]
              + [f"{brief}/data/{brief}.{lang}.csv" for brief, langs in LANGUAGES.items()
                 for lang in langs])
# Beyond test_attacks' restricted parts (a record, events, a release, a charge, a source,
# fields, notes): a restricted sentence citing a restricted source, on a record the
# Kazakh column lists.
KEEPER_FIVE_RESTRICTED = (
    "  - {date: 2022-07-05, type: convicted, visibility: restricted}\n"
    "  - {date: 2022-07-05, type: sentenced, sentence: {kind: prison, years: 2},"
    " text: {en: Qvxtestimony sentence.}, visibility: restricted, sources: [leak]}\n"
    "sources:\n"
    '  - {id: leak, title: Zzyzx leak, url: "https://leak.example.org/qvx",'
    " visibility: restricted}\n")


@pytest.fixture(scope="module")
def with_and_without(tmp_path_factory):
    """The same records built twice by the workflow: with restricted data planted, and
    with all of it deleted."""
    builds = {}
    for restricted in (True, False):
        project = make_project(tmp_path_factory.mktemp("planted" if restricted else "clean"))
        plant_restricted(project, restricted)
        summary = project.brief_dir("test-report") / "summary.en.md"  # named, not yet held
        summary.write_text(summary.read_text() + '\n{{ name("keeper-five") }} is named.\n')
        if restricted:
            record = project.content / "cases" / "keeper-five.yaml"
            record.write_text(record.read_text() + KEEPER_FIVE_RESTRICTED)
        result = run_snakemake(project)
        assert result.returncode == 0, result.stderr
        builds[restricted] = project.root / "build"
    return builds


def data_files(build):
    return {path.relative_to(build).as_posix(): path.read_bytes()
            for path in sorted(build.glob("*/data/*"))}


def rows(path):
    with open(path, encoding="utf-8", newline="") as table:
        return {row["id"]: row for row in csv.DictReader(table)}


def test_data_packages_validate_and_are_the_same_without_restricted_data(with_and_without):
    planted, clean = with_and_without[True], with_and_without[False]
    assert sorted(data_files(planted)) == DATA
    assert data_files(planted) == data_files(clean)
    for brief in LANGUAGES:
        report = frictionless.validate(planted / brief / "data" / "datapackage.json")
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        # and the press kit that carries them is the same too, byte for byte
        kit = f"{brief}/{brief}-press-kit.zip"
        assert (planted / kit).read_bytes() == (clean / kit).read_bytes()
    secrets = [marker.encode() for marker in MARKERS + ("tips.example.org", "leak.example")]
    for where, data in public_bytes(planted):
        if "/data/" in where or "press-kit.zip: data/" in where:
            assert not [secret for secret in secrets if secret in data], where
    # what the planted sections ask for is there: the public people they count
    report = rows(planted / "test-report" / "data" / "test-report.en.csv")
    assert {"keeper-one", "keeper-two", "keeper-three"} <= set(report)
    # neither a restricted record nor one whose only detention is restricted
    assert not {"planted-witness", "zzyzx-witness", "keeper-seven"} & set(report)
    assert report["keeper-one"]["released"] == ""  # its release is restricted
    # named in 2020, on record only from 2022: no status is claimed for her
    assert report["keeper-five"] == {**dict.fromkeys(report["keeper-five"], ""),
                                     "id": "keeper-five", "name": "Keeper Five"}


def test_a_table_gives_each_person_as_the_edition_shows_them(built):
    build = built.root / "build"
    report = rows(build / "test-report" / "data" / "test-report.en.csv")
    entry = json.loads((build / "test-report" / "test-report.en.json").read_text())
    assert sorted(report) == sorted(entry["case_records"])  # whom it counted or showed
    assert report["keeper-one"] == {
        "id": "keeper-one", "name": "Keeper One", "status": "pretrial_detention",
        "status_label": "pre-trial detention", "status_since": "2020-06-01",
        "detained": "2020-06-01", "sentenced": "", "released": "",  # released after as_of
        "charges": "CC art. 405 (part 2), taking part in a banned association",
        "region": "North Province", "sources": "https://court.example.org/one"}
    assert report["keeper-two"]["region"] == ""  # a restricted field
    assert report["keeper-two"]["sentenced"] == "2019-03-01"
    column = rows(build / "test-column" / "data" / "test-column.kk.csv")
    assert column["keeper-five"]["name"] == "Бесінші Смотритель"
    assert column["keeper-five"]["status"] == "released"
    assert column["keeper-five"]["status_label"] != "released"  # in Kazakh
    statement = (build / "test-statement" / "data" / "test-statement.en.csv").read_bytes()
    assert statement == (b"id,name,status,status_label,status_since,detained,sentenced,"
                         b"released,charges,region,sources\r\n")  # it counts nobody
    package = json.loads((build / "test-column" / "data" / "datapackage.json").read_text())
    assert [(r["name"], r["path"]) for r in package["resources"]] == [
        ("people-en", "test-column.en.csv"), ("people-kk", "test-column.kk.csv")]
    assert package["as_of"] == "2024-01-29"


def test_the_manifest_lists_the_data_and_verify_rebuilds_it(built, capsys):
    build = built.root / "build"
    manifest = json.loads((build / "manifest.json").read_text())
    listed = {entry["path"]: entry for entry in manifest["outputs"]}
    for name in DATA:
        assert listed[name]["sha256"] == hashlib.sha256((build / name).read_bytes()).hexdigest()
    assert listed["test-report/data/test-report.en.csv"]["case_records"] == [
        "keeper-four", "keeper-one", "keeper-three", "keeper-two"]
    assert main(["--root", str(built.root), "verify", str(build / "manifest.json")]) == 0
    out = capsys.readouterr().out
    assert "DIFFERS" not in out and "NOT" not in out


def kit(build, brief):
    with zipfile.ZipFile(build / brief / f"{brief}-press-kit.zip") as archive:
        return archive.infolist(), {name: archive.read(name) for name in archive.namelist()}


def test_a_press_kit_has_notes_to_editors_pictures_data_and_logos(built):
    build = built.root / "build"
    for brief, langs in LANGUAGES.items():
        infos, members = kit(build, brief)
        for lang in langs:
            assert f"notes-to-editors.{lang}.txt" in members
            card = build / brief / f"{brief}.{lang}.card.png"
            assert members[f"{brief}.{lang}.card.png"] == card.read_bytes()
        for name in DATA:
            if name.startswith(f"{brief}/"):
                assert members[name.split("/", 1)[1]] == (build / name).read_bytes()
        day = datetime.date.fromisoformat(DATES[brief])
        assert {info.date_time for info in infos} == {(day.year, day.month, day.day, 12, 0, 0)}
        listed = json.loads(members["manifest.json"])["files"]
        assert [entry["path"] for entry in listed] == [i.filename for i in infos][:-1]
        for entry in listed:
            assert hashlib.sha256(members[entry["path"]]).hexdigest() == entry["sha256"]
    _, column = kit(build, "test-column")
    page = (build / "test-column" / "test-column.kk.html").read_bytes()
    embedded = [base64.b64decode(data) for data in DATA_URL.findall(page)]
    assert column["logos/alpha.svg"] in embedded  # clean, as the pages embed it
    notes = column["notes-to-editors.kk.txt"].decode()
    assert notes.startswith("Редакцияларға ақпарат\n")
    assert "Баспасөз үшін: press@alpha.example.org" in notes  # the contact, in Kazakh
    assert "Айлақтағы кешіктірілген әділдік" in notes
    assert "test-column.kk.card.png" in notes and "logos/" in notes
    _, statement = kit(build, "test-statement")
    notes = statement["notes-to-editors.ru.txt"].decode()
    assert "Для прессы: press@alpha.example.org" in notes and "https://alpha.example.org" in notes
    assert "data/" not in notes  # the statement counts nobody
    _, update = kit(build, "test-update")
    notes = update["notes-to-editors.en.txt"].decode()
    # a joint update: both organisations' contacts, the publisher's first
    assert notes.index("Press enquiries: press@alpha.example.org") < notes.index(
        "Write to info@beta.example.org")
    assert "logos/beta" not in "".join(update)  # beta has no logo
    _, report = kit(build, "test-report")
    notes = report["notes-to-editors.en.txt"].decode()
    # keeper-one in pre-trial detention and keeper-two in prison; keeper-three under house
    # arrest and keeper-four dead are counted, not held
    assert "People the brief counts or lists: 4; held on 30 November 2020: 2" in notes
    assert "Write to info@beta.example.org" in notes

