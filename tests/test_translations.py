"""Translations that cannot fall behind their source text without a word: the record of
what each one follows, its status wherever an editor looks, honest editions, and strict
builds that refuse them."""

import json

from pypdf import PdfReader
from translate.storage import pypo

from briefs.cli import main
from briefs.content import translations
from briefs.content.load import load_brief, load_organisations

from conftest import run_snakemake

CONFIRMED = "2023-04-20"
NOTICE_RU = ("Этот перевод соответствует английскому тексту от 20 апреля 2023\xa0г.; "
             "с тех пор английская версия изменилась.")


def briefs(project, *arguments):
    return main(["--root", str(project.root), *arguments])


def confirm(project, brief_id, lang):
    assert briefs(project, "translations", "confirm", brief_id, "--lang", lang,
                  "--date", CONFIRMED) == 0


def brief(project, brief_id):
    return load_brief(project, brief_id, load_organisations(project))


def change_calls(project):
    calls = project.brief_dir("test-statement") / "calls.en.md"
    calls.write_text(calls.read_text().replace("We call on", "We urgently call on"))


def first_page(path):
    return PdfReader(path).pages[0].extract_text()


def test_blocks_are_headings_paragraphs_list_items_tables_and_notes():
    text = ("# Title\n\nA paragraph\nover two lines.\n{: .lead }\n\n- one\n- two\n  more\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n[^n]: A note\n    that goes on.\n"
            '\n{{ case_box("x") }}\n')
    found = [(block.kind, block.text, line) for block, line in translations.blocks(text)]
    assert found == [
        ("heading", "# Title", 1),
        ("paragraph", "A paragraph over two lines. {: .lead }", 3),
        ("list item", "- one", 7), ("list item", "- two more", 8),
        ("table", "| a | b | |---|---| | 1 | 2 |", 11),
        ("note", "[^n]: A note that goes on.", 15),
        ("paragraph", '{{ case_box("x") }}', 18)]


def test_a_changed_source_block_makes_exactly_that_block_outdated_everywhere(
        project, capsys):
    assert briefs(project, "translations", "test-statement") == 0
    assert capsys.readouterr().out.splitlines() == [
        "test-statement ru body: unconfirmed: no record of the English text it follows "
        "(briefs translations confirm)",
        "test-statement ru calls: unconfirmed: no record of the English text it follows "
        "(briefs translations confirm)"]
    confirm(project, "test-statement", "ru")
    record = json.loads((project.brief_dir("test-statement") / "translations.json").read_text())
    assert record["ru"]["calls"]["confirmed"] == CONFIRMED
    capsys.readouterr()
    change_calls(project)
    [body, calls] = translations.statuses(project, brief(project, "test-statement"))
    assert (body.state, calls.state) == ("up to date", "outdated")
    [change] = calls.changes
    assert [block.text for block in change.old] == ["# We call on the authorities to"]
    assert [block.text for block in change.new] == ["# We urgently call on the authorities to"]
    assert briefs(project, "translations", "test-statement") == 0
    out = capsys.readouterr().out
    assert "test-statement ru calls: outdated: the English text changed in 1 place(s)" in out
    assert "now: # We {+urgently+} call on the authorities to" in out
    assert "test-statement ru body: up to date (confirmed on 2023-04-20)" in out
    assert briefs(project, "check") == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == 1
    assert ("content/briefs/test-statement/calls.ru.md: its English text changed "
            "since the translation was confirmed on 2023-04-20, at line 1 of "
            "content/briefs/test-statement/calls.en.md") in err
    assert "briefs translations confirm test-statement --lang ru --section calls" in err


def test_an_edition_behind_its_source_says_so_and_a_strict_build_refuses_it(prebuilt):
    project = prebuilt  # its edit is built by an incremental run
    confirm(project, "test-statement", "ru")
    assert run_snakemake(project).returncode == 0
    build = project.root / "build/test-statement"
    assert "перевод" not in first_page(build / "test-statement.ru.pdf")
    change_calls(project)
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    ru_page = " ".join(first_page(build / "test-statement.ru.pdf").split())
    assert " ".join(NOTICE_RU.split()) in ru_page
    assert NOTICE_RU in (build / "test-statement.ru.html").read_text()
    assert "translation follows" not in first_page(build / "test-statement.en.pdf")
    assert 'class="translation-notice"' not in (build / "test-statement.en.html").read_text()
    entry = json.loads((build / "test-statement.ru.json").read_text())
    assert entry["translation"] == {"outdated": True,
                                    "follows": {"language": "en", "of": CONFIRMED}}
    manifest = json.loads((project.root / "build/manifest.json").read_text())
    [ru_pdf] = [e for e in manifest["outputs"] if e["path"] == "test-statement/test-statement.ru.pdf"]
    assert ru_pdf["translation"] == entry["translation"]
    assert "content/briefs/test-statement/translations.json" in ru_pdf["sources"]

    before = (build / "test-statement.ru.pdf").read_bytes()
    strict = run_snakemake(project, "--config", "translations=strict")
    assert strict.returncode != 0
    assert ("content/briefs/test-statement/calls.ru.md: the translation is behind its "
            "source (translations=strict)") in strict.stdout + strict.stderr
    assert (build / "test-statement.ru.pdf").read_bytes() == before  # the last good PDF

    confirm(project, "test-statement", "ru")  # the translator judged it needs no change
    assert run_snakemake(project, "--config", "translations=strict").returncode == 0
    assert "перевод" not in first_page(build / "test-statement.ru.pdf")
    assert json.loads((build / "test-statement.ru.json").read_text())["translation"] is None


def test_a_change_of_case_data_alone_makes_nothing_outdated(prebuilt):
    project = prebuilt  # its edit is built by an incremental run
    confirm(project, "test-column", "kk")
    assert run_snakemake(project).returncode == 0
    record = project.content / "cases/keeper-two.yaml"
    record.write_text(record.read_text().replace("name: {en: Keeper Two}",
                                                 "name: {en: Keeper Deux}"))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    kazakh = project.root / "build/test-column/test-column.kk.html"
    assert "Keeper Deux" in kazakh.read_text()
    assert 'class="translation-notice"' not in kazakh.read_text()
    assert [s.state for s in translations.statuses(project, brief(project, "test-column"))] \
        == ["up to date", "untranslated"]


def test_confirming_refuses_what_is_not_a_translation(project, capsys):
    assert briefs(project, "translations", "confirm", "test-statement", "--lang", "en") == 1
    assert "'en' is not a translation of this brief" in capsys.readouterr().err
    assert briefs(project, "translations", "confirm", "test-statement", "--lang", "ru",
                  "--section", "nowhere") == 1
    assert "the brief has no section 'nowhere'" in capsys.readouterr().err
    assert not (project.brief_dir("test-statement") / "translations.json").exists()


def test_a_damaged_record_is_named(project, capsys):
    (project.brief_dir("test-statement") / "translations.json").write_text('{"ru": 5}')
    assert briefs(project, "translations", "test-statement") == 1
    err = capsys.readouterr().err
    assert "translations.json: this is not the record of confirmed translations" in err


def test_the_source_language_may_be_named_and_is_what_untranslated_sections_show(
        project, capsys):
    path = project.brief_dir("test-statement") / "brief.yaml"
    path.write_text(path.read_text().replace("languages: [en, ru]",
                                             "languages: [en, ru]\nsource_language: ru"))
    statement = brief(project, "test-statement")
    assert statement.source == "ru"
    assert {(s.lang, s.stem, s.state) for s in translations.statuses(project, statement)} == {
        ("en", "body", "unconfirmed"), ("en", "calls", "unconfirmed")}
    column = project.brief_dir("test-column") / "brief.yaml"
    column.write_text(column.read_text().replace("languages: [en, kk]",
                                                 "languages: [en, kk]\nsource_language: kk"))
    assert briefs(project, "check") == 1
    assert "'untranslated' lists the languages that use the kk text, its source language, " \
        "so it cannot list kk (section 'closing')" in capsys.readouterr().err


def translate_file(path, translated):
    """What a translator's tool does: fill in each unit (by its context) and clear fuzzy."""
    store = pypo.pofile.parsefile(str(path))
    for unit in store.units:
        if unit.getcontext() in translated:
            unit.target = translated[unit.getcontext()]
            unit.markfuzzy(False)
    path.write_bytes(bytes(store))


def test_a_translator_round_trip_updates_the_section_and_confirms_it(project, tmp_path,
                                                                      capsys):
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(section.read_text() + '\nWe met the {{ brief.title }} family.[^court]'
                       '\n\nA **second** paragraph.\n')
    translated = project.brief_dir("test-statement") / "body.ru.md"
    translated.write_text(translated.read_text() + "\nМы встретились с семьёй.\n\n"
                          "Второй абзац.\n")
    confirm(project, "test-statement", "ru")
    calls_before = (project.brief_dir("test-statement") / "calls.ru.md").read_text()
    section.write_text(section.read_text().replace("We met the", "We met again the"))
    capsys.readouterr()
    assert briefs(project, "translations", "export", "test-statement", "--lang", "ru",
                  str(tmp_path / "out")) == 0
    assert "1 unit to translate" in capsys.readouterr().out
    po = tmp_path / "out/test-statement.ru.po"
    [unit] = [u for u in pypo.pofile.parsefile(str(po)).units if not u.isheader()]
    assert unit.getcontext() == "body#2"
    assert unit.source == "We met again the {1} family.{2}"
    assert unit.prev_source == "We met the {1} family.{2}"
    assert unit.target == "Мы встретились с семьёй." and unit.isfuzzy()

    before = translated.read_bytes()
    translate_file(po, {"body#2": "Мы снова встретились с семьёй.{2}"})  # the call lost
    assert briefs(project, "translations", "import", str(po)) == 1
    assert "unit 'body#2' (paragraph of body): its placeholders do not match its source " \
        "(missing: {1}" in capsys.readouterr().err
    assert translated.read_bytes() == before
    translate_file(po, {"body#2": "Мы снова встретились с семьёй {1}.{2}"})
    assert briefs(project, "translations", "import", str(po)) == 0
    text = translated.read_text()
    assert "Мы снова встретились с семьёй {{ brief.title }}.[^court]\n\nВторой абзац.\n" in text
    assert text.startswith("Смотритель маяка")  # the blocks around it as they were
    assert (project.brief_dir("test-statement") / "calls.ru.md").read_text() == calls_before
    assert [s.state for s in translations.statuses(project, brief(project, "test-statement"))] \
        == ["up to date", "up to date"]
    assert run_snakemake(project).returncode == 0
    html = (project.root / "build/test-statement/test-statement.ru.html").read_text()
    assert "Мы снова встретились с семьёй Освободите смотрителя маяка." in html
    assert 'class="translation-notice"' not in html


def test_an_import_that_breaks_a_placeholder_or_a_block_is_refused(project, tmp_path, capsys):
    confirm(project, "test-statement", "ru")
    change_calls(project)
    assert briefs(project, "translations", "export", "test-statement", "--lang", "ru",
                  str(tmp_path)) == 0
    po = tmp_path / "test-statement.ru.po"
    before = (project.brief_dir("test-statement") / "calls.ru.md").read_bytes()
    for broken, why in [("Мы настоятельно призываем власти", "missing: {1}"),
                        ("{1}{1}Мы призываем", "unknown or repeated: {1}"),
                        ("{1}Мы {7} призываем", "unknown or repeated: {7}"),
                        ("{1}Мы\n\nпризываем", "several paragraphs")]:
        translate_file(po, {"calls#0": broken})
        assert briefs(project, "translations", "import", str(po)) == 1
        err = capsys.readouterr().err
        assert "unit 'calls#0' (heading of calls)" in err and why in err, err
        assert (project.brief_dir("test-statement") / "calls.ru.md").read_bytes() == before
    assert [s.state for s in translations.statuses(project, brief(project, "test-statement"))] \
        == ["up to date", "outdated"]


def test_a_missing_translation_is_exported_whole_and_written_by_the_import(project, tmp_path):
    (project.brief_dir("test-statement") / "calls.ru.md").unlink()
    assert briefs(project, "translations", "confirm", "test-statement", "--lang", "ru",
                  "--section", "body") == 0
    assert briefs(project, "translations", "export", "test-statement", "--lang", "ru",
                  str(tmp_path)) == 0
    po = tmp_path / "test-statement.ru.po"
    units = {u.getcontext(): u.source for u in pypo.pofile.parsefile(str(po)).units
             if not u.isheader()}
    assert units == {"calls#0": "{1}We call on the authorities to",
                     "calls#1": "{1}release the keeper at once;",
                     "calls#2": "{1}quash the verdict."}
    translate_file(po, {"calls#0": "{1}Мы призываем власти", "calls#1": "{1}освободить;",
                        "calls#2": "{1}отменить приговор."})
    assert briefs(project, "translations", "import", str(po)) == 0
    assert (project.brief_dir("test-statement") / "calls.ru.md").read_text() == (
        "# Мы призываем власти\n\n- освободить;\n- отменить приговор.\n")


def test_the_example_coalition_statement_tells_its_translations_what_changed(
        tmp_path, capsys):
    from conftest import REPO, make_project
    import shutil

    project = make_project(tmp_path)
    shutil.rmtree(project.content)
    shutil.copytree(REPO / "content", project.content)
    brief_id = "2022-11-coalition-statement"
    coalition = brief(project, brief_id)
    assert {(s.lang, s.state) for s in translations.statuses(project, coalition)} == {
        ("ru", "up to date"), ("kk", "up to date")}
    body = project.brief_dir(brief_id) / "body.en.md"
    [figure] = [k for k, (block, _) in enumerate(translations.blocks(body.read_text()))
                if "190" in block.text]
    body.write_text(body.read_text().replace("190", "191", 1))  # one figure corrected
    for status in translations.statuses(project, brief(project, brief_id)):
        changed = [(c.old_at, c.new_at, len(c.old), len(c.new)) for c in status.changes]
        assert changed == ([(figure, figure, 1, 1)] if status.stem == "body" else []), status
    assert briefs(project, "check") == 0
    warned = [line for line in capsys.readouterr().err.splitlines()
              if "its English text changed" in line]
    assert [line.split(": ")[1].rsplit("/", 1)[1] for line in warned] == [
        "body.ru.md", "body.kk.md"]
    kit = f"build/{brief_id}/{brief_id}-press-kit.zip"
    assert run_snakemake(project, kit).returncode == 0
    folder = project.root / "build" / brief_id
    for lang, words in (("ru", "Этот перевод соответствует английскому тексту от 24"),
                        ("kk", "Бұл аударма ағылшын мәтінінің 2022 жылғы 24")):
        html = (folder / f"{brief_id}.{lang}.html").read_text()
        assert 'class="translation-notice"' in html and words in html
        assert words in " ".join(first_page(folder / f"{brief_id}.{lang}.pdf").split())
    english = (folder / f"{brief_id}.en.html").read_text()
    assert 'class="translation-notice"' not in english
    assert "translation follows" not in first_page(folder / f"{brief_id}.en.pdf")
