"""Same sources, same bytes: in another folder, time zone, locale, hash seed and umask."""

import ctypes.util
import hashlib
import json
import os
import shutil
import subprocess
import sys

from briefs.cli import main
from conftest import make_project, run_snakemake


def outputs(project):
    build = project.root / "build"
    return {p.relative_to(build).as_posix(): p.read_bytes() for p in build.rglob("*")
            if p.is_file() and "logs" not in p.parts}


def test_two_builds_in_different_surroundings_are_byte_identical(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("elsewhere") / "deeper"
    folder.mkdir()
    other = make_project(folder)
    environment = {**os.environ, "TZ": "Asia/Almaty", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
                   "PYTHONHASHSEED": "4242"}
    result = subprocess.run(
        ["bash", "-c", f"umask 077 && {sys.executable} -m snakemake --cores 2"],
        cwd=other.root, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    first, second = outputs(built), outputs(other)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    manifest = json.loads(first["manifest.json"])
    assert {e["path"] for e in manifest["outputs"]} >= {
        "index.html", "test-report/test-report.en.pdf", "test-report/test-report.en.json",
        "assets/fonts/PTSans-Bold.ttf"}


def test_the_manifest_lists_outputs_sources_and_software(built):
    manifest = json.loads((built.root / "build/manifest.json").read_text())
    [report] = [e for e in manifest["outputs"] if e["path"] == "test-report/test-report.en.pdf"]
    assert report["brief"] == "test-report" and report["lang"] == "en" and report["pages"] >= 4
    # A case record is named by the view the build's audience saw, never by its file.
    assert "keeper-one" in report["case_records"] and "keeper-one" in manifest["case_records"]
    assert not [name for name in manifest["sources"] if name.startswith("content/cases/")]
    assert "templates/fonts/PTSerif-Regular.ttf" in report["sources"]
    assert "zzyzx-witness" not in manifest["case_records"]  # restricted
    assert len(manifest["sources"]["content/briefs/test-report/summary.en.md"]) == 64
    assert manifest["software"]["weasyprint"] == "70.0"
    # Which subsetter wrote the fonts changes the bytes, so a rebuild must know it.
    system_has_it = ctypes.util.find_library("harfbuzz-subset") is not None
    assert manifest["software"]["font_subsetting"] == ("harfbuzz" if system_has_it
                                                       else "fonttools")
    assert manifest["settings"] == {"audience": "public", "pdf_variant": "pdf/ua-1",
                                    "site_url": "", "translations": "notice", "now": ""}


def test_every_manifest_entry_has_the_size_and_hash_of_the_file_built(built):
    # Editions' entries come from their records, written by their jobs: they must still
    # be those of the files in the build folder, and list every one of them.
    build = built.root / "build"
    manifest = json.loads((build / "manifest.json").read_text())
    listed = {e["path"]: (e["size"], e["sha256"]) for e in manifest["outputs"]}
    on_disk = {path: (len(data), hashlib.sha256(data).hexdigest())
               for path, data in outputs(built).items() if path != "manifest.json"}
    assert listed == on_disk


def test_verify_rebuilds_and_finds_every_output_identical(built, tmp_path, capsys):
    # As if the build had subset its fonts with the other library: verify names that.
    manifest = json.loads((built.root / "build/manifest.json").read_text())
    here = manifest["software"]["font_subsetting"]
    there = {"harfbuzz": "fonttools", "fonttools": "harfbuzz"}[here]
    manifest["software"]["font_subsetting"] = there
    sent = tmp_path / "sent"
    shutil.copytree(built.root / "build", sent)
    (sent / "manifest.json").write_text(json.dumps(manifest))
    assert main(["--root", str(built.root), "verify", str(sent / "manifest.json")]) == 0
    out = capsys.readouterr().out
    assert f"All 51 files in {sent} are as the manifest lists them." in out
    assert "51 of 51 outputs rebuilt byte for byte." in out
    assert [line for line in out.splitlines() if line.startswith("software differs")] == [
        f"software differs from the build's, so outputs may too: font_subsetting {here} here, "
        f"{there} in the build"]


def test_verify_tells_a_received_file_from_a_tampered_one(built, tmp_path, capsys):
    received = built.root / "build/test-statement/test-statement.en.pdf"
    tampered = tmp_path / "tampered.pdf"
    data = bytearray(received.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit changed
    tampered.write_bytes(bytes(data))
    manifest = str(built.root / "build/manifest.json")
    assert main(["--root", str(built.root), "verify", manifest, str(received)]) == 0
    assert main(["--root", str(built.root), "verify", manifest, str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "matches test-statement/test-statement.en.pdf" in out
    assert "tampered.pdf: NOT in the manifest" in out


def test_verify_rebuilds_with_the_settings_the_build_was_given(project, capsys):
    """The manifest recorded the audience and PDF standard only: a build given its site's
    address was rebuilt without it, and every web page and PDF linking to it differed."""
    result = run_snakemake(project, "--config", "site_url=https://briefs.example.org",
                           "translations=strict")
    assert result.returncode == 0, result.stderr
    manifest = project.root / "build/manifest.json"
    assert json.loads(manifest.read_text())["settings"]["site_url"] == (
        "https://briefs.example.org/")
    assert main(["--root", str(project.root), "verify", str(manifest)]) == 0
    out = capsys.readouterr().out
    assert "outputs rebuilt byte for byte." in out and "DIFFERS" not in out, out
