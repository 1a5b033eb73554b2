"""What every output says it was made from: recorded as it was read, used to decide what a
run rebuilds, and kept true in the catalogue and manifest however a run ended."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

from pypdf import PdfReader

from briefs.cli import main
from briefs.settings import Settings
from briefs.workflow import driver
from briefs.workflow.driver import build_brief

from conftest import REPO, run_snakemake

STATEMENT_PDF = "test-statement/test-statement.en.pdf"


def manifest_of(project):
    return json.loads((project.root / "build/manifest.json").read_text())


def listed(project):
    return {entry["path"]: entry for entry in manifest_of(project)["outputs"]}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def nothing_to_do(project):
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return "Nothing to be done" in result.stdout + result.stderr


def test_a_picture_only_a_section_shows_is_recorded_and_rebuilds_its_brief(prebuilt):
    project = prebuilt  # its edit is built by an incremental run
    pictures = project.content / "images"
    shutil.copy(pictures / "alpha.svg", pictures / "court.svg")
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(section.read_text() + "\n![The court](../../images/court.svg)\n")
    assert run_snakemake(project).returncode == 0
    assert "content/images/court.svg" in listed(project)[STATEMENT_PDF]["sources"]
    assert manifest_of(project)["sources"]["content/images/court.svg"] == digest(
        pictures / "court.svg")
    before = listed(project)[STATEMENT_PDF]["sha256"]
    svg = (pictures / "court.svg").read_text()
    (pictures / "court.svg").write_text(svg.replace("<svg ", '<svg data-x="1" ', 1)
                                        .replace("</svg>", '<rect width="3" height="3"/></svg>'))
    assert not nothing_to_do(project)
    assert listed(project)[STATEMENT_PDF]["sha256"] != before
    assert manifest_of(project)["sources"]["content/images/court.svg"] == digest(
        pictures / "court.svg")
    assert nothing_to_do(project)


def test_a_cited_brief_whose_title_changes_rebuilds_the_brief_citing_it(prebuilt):
    project = prebuilt  # its edit is built by an incremental run
    record = project.content / "cases/keeper-one.yaml"
    record.write_text(record.read_text().replace(
        "    sources: [court]\n", "    sources: [court, statement]\n").replace(
        "sources:\n  - {id: tip", "sources:\n  - {id: statement, brief: test-statement}\n"
        "  - {id: tip"))
    column = project.brief_dir("test-column") / "body.en.md"
    column.write_text(column.read_text() + '\n{{ case_box("keeper-one") }}\n')
    assert run_snakemake(project).returncode == 0
    entry = json.loads((project.root / "build/test-column/test-column.en.json").read_text())
    assert "content/briefs/test-statement/brief.yaml" in entry["sources"]
    cited = project.brief_dir("test-statement") / "brief.yaml"
    cited.write_text(cited.read_text().replace("Free the Lighthouse Keeper",
                                               "Release the Lighthouse Keeper"))
    assert not nothing_to_do(project)
    html = (project.root / "build/test-column/test-column.en.html").read_text()
    assert "Release the Lighthouse Keeper" in html


def test_a_target_built_alone_leaves_the_catalogue_and_manifest_to_the_next_run(prebuilt):
    project = prebuilt
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(section.read_text() + "\nA new paragraph.\n")
    kit = "build/test-statement/test-statement-press-kit.zip"
    assert run_snakemake(project, kit).returncode == 0
    assert listed(project)[STATEMENT_PDF]["sha256"] != digest(project.root / "build" /
                                                              STATEMENT_PDF)
    assert not nothing_to_do(project)  # the catalogue and manifest follow
    assert listed(project)[STATEMENT_PDF]["sha256"] == digest(project.root / "build" /
                                                              STATEMENT_PDF)
    assert nothing_to_do(project)
    assert main(["--root", str(project.root), "verify",
                 str(project.root / "build/manifest.json"), str(project.root / "build" /
                                                                STATEMENT_PDF)]) == 0


def test_a_file_dated_in_the_future_fails_nothing_and_is_named(prebuilt):
    project = prebuilt
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(section.read_text() + "\nA paragraph from the future.\n")
    future = 1861920000  # 2029-01-01
    os.utime(section, (future, future))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    assert ("warning: content/briefs/test-statement/body.en.md is dated 2029-01-01"
            in result.stderr)
    pdf = project.root / "build" / STATEMENT_PDF
    assert "A paragraph from the future." in "".join(
        page.extract_text() for page in PdfReader(pdf).pages)
    assert {path for path in listed(project)} >= {STATEMENT_PDF}
    assert listed(project)[STATEMENT_PDF]["sha256"] == digest(pdf)
    assert nothing_to_do(project)


def test_an_edition_records_the_bytes_it_read_not_those_saved_while_it_printed(
        project, tmp_path, monkeypatch):
    section = project.brief_dir("test-statement") / "body.en.md"
    read = section.read_bytes()
    printing = driver.print_pdf

    def saved_while_printing(*args, **kwargs):
        section.write_bytes(read + b"\nSaved while the PDF was printed.\n")
        return printing(*args, **kwargs)

    monkeypatch.setattr(driver, "print_pdf", saved_while_printing)
    build_brief(project, "test-statement", tmp_path / "out",
                Settings(cache=tmp_path / "cache"))
    entry = json.loads((tmp_path / "out/test-statement.en.json").read_text())
    assert entry["sources"]["content/briefs/test-statement/body.en.md"] == \
        hashlib.sha256(read).hexdigest()


def test_the_public_manifest_is_the_same_whatever_restricted_data_a_record_gains(prebuilt):
    project = prebuilt
    before = (project.root / "build/manifest.json").read_bytes()
    assert "keeper-two" in manifest_of(project)["case_records"]
    record = project.content / "cases/keeper-two.yaml"
    record.write_text(record.read_text() + (
        "  - {date: 2019-05-02, type: other, visibility: restricted,\n"
        "     text: {en: Moved to the secret colony.}, sources: [hidden]}\n"
        "sources:\n  - {id: hidden, title: A witness, url: https://example.org/w,\n"
        "     visibility: restricted}\n"
        "notes: Talked to the family.\n"))
    result = run_snakemake(project, "--forceall")
    assert result.returncode == 0, result.stderr
    assert (project.root / "build/manifest.json").read_bytes() == before
    for entry in (project.root / "build").rglob("*.json"):
        assert "secret colony" not in entry.read_text() and "hidden" not in entry.read_text()


def test_verify_finds_an_output_removed_with_its_entry_and_an_edited_manifest(
        prebuilt, tmp_path, capsys):
    project = prebuilt
    sent = tmp_path / "sent"
    shutil.copytree(project.root / "build", sent)
    manifest = json.loads((sent / "manifest.json").read_text())
    manifest["outputs"] = [e for e in manifest["outputs"] if e["path"] != STATEMENT_PDF]
    (sent / STATEMENT_PDF).unlink()
    (sent / "manifest.json").write_text(json.dumps(manifest))
    assert main(["--root", str(project.root), "verify", str(sent / "manifest.json")]) == 1
    out = capsys.readouterr().out
    assert f"MADE by the sources now, though the manifest does not list it: {STATEMENT_PDF}" \
        in out

    edited = json.loads((project.root / "build/manifest.json").read_text())
    pdf_entry = next(e for e in edited["outputs"] if e["path"] == STATEMENT_PDF)
    pdf_entry["sha256"] = "0" * 64
    (sent / STATEMENT_PDF).write_bytes((project.root / "build" / STATEMENT_PDF).read_bytes())
    (sent / "manifest.json").write_text(json.dumps(edited))
    assert main(["--root", str(project.root), "verify", str(sent / "manifest.json")]) == 1
    out = capsys.readouterr().out
    assert f"CHANGED since the build: {STATEMENT_PDF}" in out
    assert f"DIFFERS: {STATEMENT_PDF}" in out


def test_verify_names_the_source_behind_a_difference(prebuilt, tmp_path, capsys):
    project = prebuilt
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(section.read_text() + "\nA later paragraph.\n")
    assert main(["--root", str(project.root), "verify",
                 str(project.root / "build/manifest.json")]) == 1
    out = capsys.readouterr().out
    assert ("source changed since the build: content/briefs/test-statement/body.en.md"
            in out)
    assert (f"DIFFERS: {STATEMENT_PDF} (its sources changed: "
            "content/briefs/test-statement/body.en.md)") in out


def test_the_case_book_key_covers_every_file_of_the_package(tmp_path, monkeypatch):
    import briefs.package
    from briefs.cases.sources import book_key
    from briefs.project import Project

    copy = tmp_path / "briefs"
    shutil.copytree(briefs.package.PACKAGE, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(briefs.package, "PACKAGE", copy)
    project = Project(tmp_path)
    keys = []
    for module in ("content/yamlfile.py", "i18n.py", "content/load.py"):
        briefs.package.package_fingerprint.cache_clear()
        keys.append(book_key(project, "public", {}))
        (copy / module).write_text((copy / module).read_text() + "\n# changed\n")
    briefs.package.package_fingerprint.cache_clear()
    keys.append(book_key(project, "public", {}))
    monkeypatch.undo()
    briefs.package.package_fingerprint.cache_clear()
    assert len(set(keys)) == 4


def test_making_a_wheel_writes_nothing_into_build(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".cache", "build*", "*.egg-info", "__pycache__", ".pytest_cache"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                             ".", "--wheel-dir", str(tmp_path / "wheels")],
                            cwd=source, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "wheels").glob("briefs-*.whl"))
    assert not (source / "build").exists()


def test_a_large_catalogue_is_read_under_its_own_limit_everywhere(project):
    # A legal code may be up to 2 MB; other YAML files 256 KB. Planning, which reads the
    # catalogues an edition recorded reading, judges them by the same limit as loading.
    code = project.content / "legal/criminal-code.yaml"
    articles = "".join(f"  '{9000 + n}': {{en: \"An article of many words, number {n}\"}}\n"
                       for n in range(6000))
    code.write_text(code.read_text() + articles)
    assert code.stat().st_size > 256 * 1024
    for _ in range(2):
        result = run_snakemake(project)
        assert result.returncode == 0, result.stderr
    entry = json.loads((project.root / "build/test-report/test-report.en.json").read_text())
    assert "content/legal/criminal-code.yaml" in entry["sources"]
