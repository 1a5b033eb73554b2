"""Press kits: every edition of a brief with a plain-text version, reproducibly zipped."""

import hashlib
import json
import zipfile


def test_a_press_kit_holds_every_edition_text_and_manifest(built):
    path = built.root / "build/test-statement/test-statement-press-kit.zip"
    with zipfile.ZipFile(path) as kit:
        names = kit.namelist()
        assert names == ["test-statement.en.pdf", "test-statement.en.html", "test-statement.en.txt",
                         "test-statement.en.card.png", "test-statement.ru.pdf",
                         "test-statement.ru.html", "test-statement.ru.txt",
                         "test-statement.ru.card.png", "notes-to-editors.en.txt",
                         "notes-to-editors.ru.txt", "data/datapackage.json",
                         "data/test-statement.en.csv", "data/test-statement.ru.csv",
                         "logos/alpha.svg", "manifest.json"]
        text = kit.read("test-statement.ru.txt").decode()
        assert "Освободите смотрителя маяка" in text and "<" not in text
        assert "Скачать PDF" not in text  # the web page's own menu is left out
        manifest = json.loads(kit.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(kit.read(entry["path"])).hexdigest() == entry["sha256"]
        assert {info.date_time for info in kit.infolist()} == {(2023, 4, 25, 12, 0, 0)}
    assert (built.root / "build/test-statement/test-statement.en.pdf").read_bytes() == \
        zipfile.ZipFile(path).read("test-statement.en.pdf")


def test_the_catalogue_and_manifest_list_the_press_kits(built):
    index = (built.root / "build/index.html").read_text()
    assert 'href="test-report/test-report-press-kit.zip"' in index
    manifest = json.loads((built.root / "build/manifest.json").read_text())
    assert "test-column/test-column-press-kit.zip" in {e["path"] for e in manifest["outputs"]}
