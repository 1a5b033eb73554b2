"""Attacks from someone who can write content/: each is refused with a clear error, or has
no effect on any public output.

The corpus is in tests/attacks: sections that must be refused (refused/), sections that
must build but change nothing a reader gets (harmless/), pictures and YAML files. Public
outputs are read as a reader could read them: every file's bytes, every PDF's streams,
text, metadata and links, every member of every press kit and every data: URL, decoded.
"""

import base64
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest


from conftest import refusal, run_snakemake

ATTACKS = Path(__file__).parent / "attacks"
# What must never reach a public output: an outside file, /etc/passwd, what cleaned SVG
# pictures hide, the fixture's restricted record, event, source and notes, a draft.
MARKERS = ("OUTSIDESECRET", "root:x:0:0", "SVGSECRET", "Zzyzx", "Qvxtestimony",
           "DRAFTSECRET", "uid=0(")
DATA_URL = re.compile(rb"data:[\w/+.-]+;base64,([A-Za-z0-9+/=]+)")

REFUSED = {
    "ssti-cycler-popen": "calling this is not allowed in a section",
    "ssti-string-mro": "calling this is not allowed in a section",
    "ssti-brief-class": "a name that starts with '_' is not allowed in a section",
    "ssti-function-globals": "calling this is not allowed in a section",
    "ssti-attr-filter": "the filter 'attr' is not allowed in a section",
    "ssti-format-string": "calling this is not allowed in a section",
    "ssti-getitem-dunder": "a name that starts with '_' is not allowed in a section",
    "ssti-method-call": "calling this is not allowed in a section",
    "ssti-dict-method": "calling this is not allowed in a section",
    "ssti-self-reference": "a name that starts with '_' is not allowed in a section",
    "ssti-lipsum": "calling this is not allowed in a section",
    "ssti-namespace": "a name that starts with '_' is not allowed in a section",
    "ssti-config": "calling this is not allowed in a section",
    "ssti-loop-call": "calling this is not allowed in a section",
    "include-restricted-record": "{% include %} is not allowed in a section",
    "include-relative": "{% include %} is not allowed in a section",
    "include-outside": "{% include %} is not allowed in a section",
    "import-macros": "{% import %} is not allowed in a section",
    "from-import": "{% from ... import %} is not allowed in a section",
    "extends-base": "{% extends %} is not allowed in a section",
    "macro": "{% macro %} is not allowed in a section",
    "call-block": "{% call %} is not allowed in a section",
    "loop-bomb": "{% for %} is not allowed in a section",
    "nested-loops": "{% for %} is not allowed in a section",
    "set-variable": "{% set %} is not allowed in a section",
    "with-block": "{% with %} is not allowed in a section",
    "filter-block": "{% filter %} is not allowed in a section",
    "multiply-text": "'*' works on numbers only here",
    "power-bomb": "too large",
    "format-width": "'%' works on numbers only here",
    "division-by-zero": "line 3: a division by zero",
    "helper-no-arguments": "name() was called with the wrong arguments",
    "helper-too-many": "case_box() was called with the wrong arguments",
    "helper-star-args": "calling this is not allowed in a section",
    "unknown-filter-argument": "unknown filter 'colour'",
    "text-minus-number": "this expression cannot be worked out",
    "restricted-record-by-id": "there is no public case record 'zzyzx-witness'",
    "restricted-record-name": "there is no public case record 'zzyzx-witness'",
    "unknown-filter": "the filter 'pprint' is not allowed in a section",
    "unknown-name": "unknown name in a template: 'prisoner' is undefined",
    "unknown-field": "unknown name in a template",
    "date-of-text": "'date' needs a date, not 'yesterday'",
    "plural-of-text": "plural() needs a number first",
    "picture-absolute": "the picture '/etc/passwd' is not a file of the project",
    "picture-traversal": "is outside content/",
    "picture-file-url": "the picture 'file:///etc/passwd' is not a file of the project",
    "picture-web": "is not a file of the project",
    "picture-data-url": "is not a file of the project",
    "picture-raw-html": "the picture '/etc/passwd' is not a file of the project",
    "picture-case-record": "is not a JPEG, PNG or SVG picture",
    "picture-template": "is outside content/",
    "picture-no-alt": "has no alternative text",
    "deep-expression": "nested too deeply",
    "output-bomb": "this section's text grows past 5 million characters",
    "oversized-section": "the file is larger than 512 KB, the most a section file may be",
}
PICTURES = {
    "svg-external-entity.svg": "entity declarations and document types are not allowed",
    "svg-billion-laughs.svg": "entity declarations and document types are not allowed",
    "svg-with-text.svg": "contains text, which would be drawn with whatever fonts",
    "svg-named-png.png": "is named as a PNG picture but its content is a SVG picture",
    "text-named-png.png": "is named as a PNG picture but its content is no picture we use",
    "html-named-svg.svg": "is named as a SVG picture but its content is no picture we use",
    "decompression-bomb.png": "has 12000 x 12000 pixels, more than the 25 million",
}
GENERATED = {  # too large to keep in the repository
    "output-bomb": "{{ case_table() }}\n" * 10_000,
    "oversized-section": "x" * 600_000 + "\n",
}


def attack_text(name):
    return GENERATED.get(name) or (ATTACKS / "refused" / f"{name}.md").read_text()


def test_the_corpus_and_the_expectations_name_the_same_attacks():
    files = [p.stem for p in (ATTACKS / "refused").glob("*.md")]
    assert sorted(files + list(GENERATED)) == sorted(REFUSED)
    assert sorted(p.name for p in (ATTACKS / "pictures").iterdir()) == sorted(
        [*PICTURES, "svg-everything.svg"])



@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_section_is_refused_by_check_and_by_the_build(project, capsys, tmp_path,
                                                                 name):
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(attack_text(name), encoding="utf-8")
    for arguments in (["check"], ["brief", "test-statement", "--out", str(tmp_path / "out")]):
        err = refusal(project, capsys, *arguments)
        assert "content/briefs/test-statement/body.en.md" in err and REFUSED[name] in err, err
        assert len(err) < 2000  # no unbounded echo of the input
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_a_hostile_picture_is_refused_by_check_and_by_the_build(project, capsys, tmp_path,
                                                                 name):
    shutil.copy(ATTACKS / "pictures" / name, project.content / "images" / name)
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(f"A picture:\n\n![What it shows](../../images/{name})\n")
    for arguments in (["check"], ["brief", "test-statement", "--out", str(tmp_path / "out")]):
        err = refusal(project, capsys, *arguments)
        assert "body.en.md, line 3" in err and PICTURES[name] in err, err
    assert not (tmp_path / "out").exists()


def test_a_section_with_a_byte_order_mark_keeps_its_heading(project):
    from conftest import render

    section = project.brief_dir("test-report") / "summary.en.md"
    section.write_bytes(b"\xef\xbb\xbf" + section.read_bytes())
    assert '<h2 id="summary-summary">Summary</h2>' in render(project, "test-report")


def link(path, target):
    path.unlink(missing_ok=True) if path.is_symlink() or path.is_file() else None
    if path.is_dir():
        shutil.rmtree(path)
    os.symlink(target, path)


@pytest.fixture
def outside(tmp_path):
    """A folder outside the project with a secret file and a copy of a brief."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("OUTSIDESECRET\n")
    return folder


SYMLINKS = {  # where the link is, what it points to, who names it
    "section-to-passwd": ("briefs/test-statement/body.en.md", "/etc/passwd", "build"),
    "section-to-outside": ("briefs/test-statement/body.en.md", "{outside}/secret.txt", "build"),
    "section-to-restricted-record": ("briefs/test-statement/body.en.md",
                                     "../../cases/zzyzx-witness.yaml", "build"),
    "brief-folder": ("briefs/test-linked", "{outside}/brief", "planning"),
    "cases-folder": ("cases", "{outside}/cases", "planning"),
    "case-record": ("cases/keeper-six.yaml", "{outside}/secret.txt", "planning"),
    "organisations": ("organisations.yaml", "{outside}/organisations.yaml", "planning"),
    "images-folder": ("images", "{outside}/images", "build"),
    "legal-code": ("legal/criminal-code.yaml", "{outside}/criminal-code.yaml", "planning"),
}


def plant_link(project, outside, name):
    where, target, _ = SYMLINKS[name]
    shutil.copytree(project.brief_dir("test-statement"), outside / "brief")
    shutil.copytree(project.content / "cases", outside / "cases")
    shutil.copytree(project.content / "images", outside / "images")
    for copied in ("organisations.yaml", "legal/criminal-code.yaml"):
        shutil.copy(project.content / copied, outside / Path(copied).name)
    path = project.content / where
    link(path, target.format(outside=outside))
    return path


@pytest.mark.parametrize("name", sorted(SYMLINKS))
def test_a_symbolic_link_is_refused_naming_it(project, outside, capsys, name):
    path = plant_link(project, outside, name)
    err = refusal(project, capsys, "check")
    relative = path.relative_to(project.root).as_posix()
    assert f"{relative}: this is a symbolic link" in err or (
        f"{relative}" in err and "symbolic link" in err), err


@pytest.mark.parametrize("name", ["section-to-passwd", "brief-folder", "images-folder"])
def test_the_build_refuses_a_symbolic_link_and_publishes_nothing_of_it(project, outside, name):
    path = plant_link(project, outside, name)
    result = run_snakemake(project, "--keep-going")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    logs = "".join(p.read_text() for p in (project.root / ".cache").rglob("*.log"))
    assert "symbolic link" in message + logs and path.name in message + logs
    if SYMLINKS[name][2] == "planning":
        assert "Nothing was built." in message and not (project.root / "build").exists()
    assert_no_leaks(project.root / "build")


def test_a_symbolic_link_among_the_templates_stops_the_build_before_anything_runs(project):
    link(project.templates / "partials" / "extra.html", "/etc/passwd")
    result = run_snakemake(project)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "templates/partials/extra.html: this is a symbolic link" in message
    assert "Nothing was built." in message and not (project.root / "build").exists()


YAML_ATTACKS = {  # where it goes, what is said; planning reads all but the last fully
    "alias-bomb-brief.yaml": ("briefs/test-statement/brief.yaml", "a YAML alias (*name)"),
    "alias-bomb-case.yaml": ("cases/planted-bomb.yaml", "a YAML alias (*name)"),
    "merge-key-case.yaml": ("cases/planted-merge.yaml", "a YAML alias (*name)"),
    "python-tag-brief.yaml": ("briefs/test-statement/brief.yaml", "this is not valid YAML"),
    "deep-nesting": ("cases/planted-deep.yaml", "lists or fields are nested too deeply"),
    "flow-nesting": ("briefs/test-statement/brief.yaml", "lists or fields are nested too deeply"),
    "oversized-record": ("cases/planted-huge.yaml", "larger than 256 KB"),
    "long-value": ("briefs/test-statement/brief.yaml", "found 'AAAAAAAAAAAAAAAAA"),
}
YAML_GENERATED = {
    "deep-nesting": "id: planted-deep\nname: {en: Deep}\ntags:\n  " + "- " * 100_000 + "x\n",
    "flow-nesting": "kind: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "long-value": "kind: " + "A" * 100_000 + "\nlanguages: [en]\n",
    "oversized-record": "id: planted-huge\nname: {en: Huge}\nnotes: " + "x" * 300_000 + "\n",
}


@pytest.mark.parametrize("name", sorted(YAML_ATTACKS))
def test_a_hostile_yaml_file_is_refused_before_anything_runs(project, capsys, name):
    where, reason = YAML_ATTACKS[name]
    text = YAML_GENERATED.get(name) or (ATTACKS / "yaml" / name).read_text()
    (project.content / where).write_text(text)
    err = refusal(project, capsys, "check")
    assert f"content/{where}" in err and reason in err and len(err) < 2000, err
    if name == "long-value":  # planning reads only its languages; the job refuses it
        err = refusal(project, capsys, "brief", "test-statement", "--out", "out")
        assert reason in err and len(err) < 2000
        return
    result = run_snakemake(project, "--dry-run")
    message = result.stdout + result.stderr
    assert result.returncode != 0 and reason in message
    assert "Nothing was built." in message and len(message) < 5000
    assert not Path("/tmp/briefs-owned").exists()


def plant_harmless(project, outside):
    """Every harmless attack as a section of the statement, a draft beside them, and the
    SVG picture that hides secrets everywhere a drawing program can."""
    shutil.copy(ATTACKS / "pictures" / "svg-everything.svg", project.content / "images")
    folder = project.brief_dir("test-statement")
    names = sorted(p.stem for p in (ATTACKS / "harmless").glob("*.md"))
    for name in names:
        text = (ATTACKS / "harmless" / f"{name}.md").read_text()
        (folder / f"{name}.en.md").write_text(text.replace("{OUTSIDE}",
                                                            (outside / "secret.txt").as_uri()))
        (folder / f"{name}.ru.md").write_text("Текст.\n")
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text() + "".join(f"  - {name}\n" for name in names))
    (folder / "draft.en.md").write_text("DRAFTSECRET: a draft that sections do not list.\n")
    (folder / "notes.txt").write_text("DRAFTSECRET in a file of the brief's folder.\n")


def test_harmless_attacks_change_nothing_a_reader_gets(project, outside):
    plant_harmless(project, outside)
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    build = project.root / "build"
    assert_no_leaks(build)
    html = (build / "test-statement/test-statement.en.html").read_text()
    assert "A styled paragraph." in html and "Visible text." in html  # they did build
    svgs = [base64.b64decode(d) for d in DATA_URL.findall(html.encode())]
    cleaned = next(svg for svg in svgs if b"<circle" in svg)
    assert b'href="#kept"' in cleaned and b'fill="url(#g)"' in cleaned  # what draws stays
    for gone in (b"<script", b"onload", b"foreignObject", b"<!--", b"<metadata", b"<title",
                 b"<image", b"evil.example.org", b"file:", b"javascript:", b"sodipodi"):
        assert gone not in cleaned, gone
    manifest = (build / "manifest.json").read_text()
    assert "draft.en.md" not in manifest and "notes.txt" not in manifest


def assert_no_leaks(build):
    for where, data in public_bytes(build):
        found = [marker for marker in MARKERS if marker.encode() in data]
        assert not found, (where, found)


def public_bytes(build):
    """(where, bytes) of everything a reader of a build folder can get at."""
    for path in sorted(build.rglob("*")) if build.exists() else []:
        if path.is_file():
            assert not any(marker in path.name for marker in MARKERS), path
            yield from readable(path.relative_to(build).as_posix(), path.read_bytes())


def readable(where, data):
    yield where, data
    for encoded in DATA_URL.findall(data):
        yield from readable(f"{where} (data: URL)", base64.b64decode(encoded))
    if data.startswith(b"%PDF"):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for number, item in enumerate(pdf.objects):
                if isinstance(item, pikepdf.Stream):
                    yield f"{where} (stream {number})", item.read_bytes()
                else:
                    yield f"{where} (object {number})", repr(item).encode()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as kit:
            for member in kit.namelist():
                yield from readable(f"{where}: {member}", kit.read(member))


def test_a_refused_section_leaves_nothing_of_it_in_build(project):
    (project.brief_dir("test-statement") / "body.en.md").write_text(
        attack_text("restricted-record-by-id"))
    result = run_snakemake(project, "--keep-going")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "there is no public case record 'zzyzx-witness'" in message
    build = project.root / "build"
    assert not (build / "test-statement").exists() or not any(
        (build / "test-statement").iterdir())
    assert not list(build.rglob("*.log")) and not list(build.rglob(".*"))
    for path in build.rglob("*"):
        assert path.is_dir() or b"zzyzx" not in path.read_bytes().lower(), path


def test_an_internal_build_can_never_write_into_build(project, capsys):
    result = run_snakemake(project, "--config", "audience=internal", "out=build")
    assert result.returncode != 0 and "may not write into build/" in result.stdout + result.stderr
    assert not (project.root / "build").exists()
    err = refusal(project, capsys, "brief", "test-report", "--audience", "internal",
                  "--out", str(project.root / "build" / "test-report"))
    assert "may not write into build/" in err and not (project.root / "build").exists()


# Restricted data in two versions of the same records: with everything restricted that a
# record can hold (A), and with all of it deleted (B). Public outputs must be identical.
KEEPER_ONE = """id: keeper-one
name: {en: Keeper One, ru: Смотритель Один}
region: north
occupation: {en: lighthouse keeper}
affiliations: [harbour-party]
tags: [expression]
charges:
  - {article: "405", part: 2, date: 2020-05-30}
%(charge)sevents:
  - date: 2020-06-01
    type: pretrial_detention
    text: {en: Placed in pre-trial detention by the Testville court., ru: Помещён в СИЗО.}
    sources: [court%(cited)s]
%(events)s  - date: 2021-03-01
    type: released
    text: {en: Released after nine months.}
recognition:
  - by: {en: Beta Monitoring Network}
    date: 2020-07-01
sources:
%(sources)s  - {id: court, title: Testville court register, url: "https://court.example.org/one", date: 2020-06-02}
%(notes)s"""
KEEPER_ONE_RESTRICTED = {
    "charge": '  - {article: "182", date: 2020-05-30, visibility: restricted}\n',
    "cited": ", tip",
    "events": "  - {date: 2020-08-01, type: other, text: {en: Qvxtestimony of a Zzyzx contact.},"
              " visibility: restricted, sources: [tip]}\n"
              "  - {date: 2020-09-01, type: released, text: {en: Zzyzx release.},"
              " visibility: restricted}\n",
    "sources": '  - {id: tip, title: Zzyzx private tip line, url: "https://tips.example.org/zz",'
               " date: 2020-06-03, visibility: restricted}\n",
    "notes": "notes: Qvxtestimony came from the Zzyzx family.\n"}
KEEPER_TWO = """id: keeper-two
name: {en: Keeper Two}
%(fields)saffiliations: [lamp-movement]
tags: [assembly]
charges:
  - {article: "182", date: 2019-01-10}
events:
  - {date: 2019-01-10, type: detained, text: {en: Detained at a harbour rally.}}
  - {date: 2019-03-01, type: convicted, text: {en: Convicted by the South court.}}
  - date: 2019-03-01
    type: sentenced
    sentence: {kind: prison, years: 5}
    text: {en: Sentenced to five years in prison.}
%(recognition)s"""
KEEPER_TWO_RESTRICTED = {
    "fields": "region: south\noccupation: {en: Zzyzx-occupation hidden}\n"
              "restricted_fields: [occupation, region]\n",
    "recognition": "recognition:\n  - {by: {en: Zzyzx council}, date: 2019-06-01,"
                   " visibility: restricted}\n"}
HIDDEN_DETENTION = """id: keeper-seven
name: {en: Keeper Seven}
affiliations: [lamp-movement]
region: south
tags: [expression, assembly]
events:
%s"""
PLANTED_WITNESS = """id: planted-witness
name: {en: Zzyzx Planted-Witness}
visibility: restricted
region: north
affiliations: [harbour-party, lamp-movement]
tags: [expression, assembly, political-killing]
events:
  - {date: 2020-03-01, type: pretrial_detention, text: {en: Zzyzx held.}}
  - {date: 2022-07-10, type: detained, text: {en: Zzyzx held again.}}
recognition:
  - {by: {en: Beta Monitoring Network}, date: 2020-04-01}
"""
EVERY_QUESTION = """
At least {{ count(status="held") }} are held: {{ names(status="held") }}; released:
{{ names(status="released") }}; recognised: {{ count(recognised=True) }},
{{ names(recognised=True) }}; in the north: {{ names(region="north") }}; of the party:
{{ names(affiliation="harbour-party") }}; expression: {{ count(tag="expression") }}.
Keeper One is {{ status("keeper-one") }}.

{{ case_box("keeper-one") }}

{{ case_box("keeper-two") }}

{{ case_table() }}

{{ chart_by_affiliation() }}

{{ chart_by_region() }}

{{ chart_held_over_time(since="2020-01-01") }}
"""


def plant_restricted(project, restricted):
    cases = project.content / "cases"
    blank = dict.fromkeys(KEEPER_ONE_RESTRICTED, "")
    (cases / "keeper-one.yaml").write_text(
        KEEPER_ONE % (KEEPER_ONE_RESTRICTED if restricted else blank))
    (cases / "keeper-two.yaml").write_text(
        KEEPER_TWO % (KEEPER_TWO_RESTRICTED if restricted else dict.fromkeys(
            KEEPER_TWO_RESTRICTED, "")))
    (cases / "keeper-seven.yaml").write_text(HIDDEN_DETENTION % (
        "  - {date: 2020-05-01, type: pretrial_detention, visibility: restricted}\n"
        if restricted else "  []\n").replace("events:\n  []", "events: []"))
    if restricted:
        (cases / "planted-witness.yaml").write_text(PLANTED_WITNESS)
    else:
        (cases / "zzyzx-witness.yaml").unlink()
    for brief, section in (("test-report", "background"), ("test-update", "expression")):
        path = project.brief_dir(brief) / f"{section}.en.md"
        text = path.read_text().replace('{{ case_box("keeper-one") }}', "")  # a box once
        path.write_text(text + EVERY_QUESTION + "\n{{ period_events() }}\n"
                        "{{ chart_detentions_per_month() }}\n" * (brief == "test-update"))


def built_in_process(project):
    from briefs.workflow.driver import build_brief
    from briefs.content.inputs import discover
    from briefs.settings import Settings

    settings = Settings(cache=project.root / ".cache" / "public")
    for brief_id in discover(project):
        build_brief(project, brief_id, project.root / "build" / brief_id, settings)
    return {path.relative_to(project.root / "build").as_posix(): path.read_bytes()
            for path in (project.root / "build").rglob("*") if path.is_file()}


def test_restricted_records_events_sources_and_fields_change_no_public_output(tmp_path):
    """Rule: what is restricted is as if it did not exist. A restricted release leaves the
    person held in public; a record whose only detention is restricted is on record
    nowhere; a restricted recognition, charge, source or field counts for nothing."""
    import json

    from conftest import make_project

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    planted, deleted = make_project(tmp_path / "a"), make_project(tmp_path / "b")
    plant_restricted(planted, restricted=True)
    plant_restricted(deleted, restricted=False)
    with_them, without = built_in_process(planted), built_in_process(deleted)
    assert sorted(with_them) == sorted(without)
    for name in with_them:
        if name.endswith(".json"):  # entries: the same but for the hashes of the sources
            first, second = (json.loads(side[name]) for side in (with_them, without))
            assert {**first, "sources": None} == {**second, "sources": None}, name
        else:
            assert with_them[name] == without[name], name
    assert_no_leaks(planted.root / "build")
    report = (planted.root / "build/test-report/test-report.en.html").read_text()
    report = re.sub(r"</?span[^>]*>", "", report).replace("&nbsp;", " ")  # as a reader sees it
    assert "Keeper One is in pre-trial detention since 1 June 2020" in report


def test_a_person_whose_public_record_has_no_events_yet_cannot_be_given_a_status(project,
                                                                                  capsys):
    plant_restricted(project, restricted=True)
    section = project.brief_dir("test-report") / "summary.en.md"
    section.write_text('# Summary\n\n{{ name("keeper-seven") }} is {{ status("keeper-seven") }}.\n')
    err = refusal(project, capsys, "check")
    assert ("summary.en.md, line 3: 'keeper-seven' has no public events or charges by "
            "30 November 2020, so no status can be given for that date") in err
