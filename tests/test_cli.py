"""The command line as an editor uses it."""

import re

import pytest

from briefs.cli import main
from briefs.content.load import load_brief, load_organisations
from briefs.kinds import KINDS


def run(project, *args):
    return main(["--root", str(project.root), *args])


def fill_in(folder):
    """Do what the editor does with what `briefs new` wrote: replace every placeholder."""
    for path in folder.iterdir():
        text = re.sub(r"\[\[([^\]]*)\]\]", r"\1", path.read_text())
        path.write_text(text.replace("YYYY-MM-DD", "2026-11-20"))


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_a_brief_whose_placeholders_check_names_until_filled_in(project, capsys,
                                                                           kind):
    assert run(project, "new", kind, f"2026-11-new-{kind}", "--languages", "en,ru") == 0
    folder = project.brief_dir(f"2026-11-new-{kind}")
    text = (folder / "brief.yaml").read_text()
    assert f"kind: {kind}" in text and "# The editions to build" in text
    assert ("\nplace:" in text) == (kind != "column")  # a column's place is optional
    assert ("# photo:" in text) == (kind == "column")
    assert (folder / f"{'summary' if kind == 'report' else 'introduction' if kind == 'update' else 'body'}.ru.md").is_file()
    capsys.readouterr()
    assert run(project, "check") == 1
    err = capsys.readouterr().err
    title_line = text.splitlines().index(f'  en: "[[Title of the {kind} (en)]]"') + 1
    assert (f"brief.yaml, line {title_line}, field 'title.en': this still holds the placeholder [[Title of the {kind} (en)]] "
            "that 'briefs new' wrote\n  What to do: replace it with your own text") in err
    (folder / "brief.yaml").write_text(re.sub(r"\[\[([^\]]*)\]\]", r"\1", text)
                                       .replace("YYYY-MM-DD", "2026-11-20"))
    assert run(project, "check") == 1  # now the sections' placeholders
    assert re.search(r"\.ru\.md, line \d: this still holds the placeholder \[\[Write",
                     capsys.readouterr().err)
    fill_in(folder)
    brief = load_brief(project, f"2026-11-new-{kind}", load_organisations(project))
    assert brief.languages == ["en", "ru"] and brief.organisations == ["alpha"]
    assert run(project, "check") == 0
    assert "All content is valid: 5 briefs, 6 case records." in capsys.readouterr().out


def test_new_refuses_an_existing_brief_and_a_bad_id(project, capsys):
    assert run(project, "new", "statement", "test-statement") == 1
    assert "this brief already exists" in capsys.readouterr().err
    assert run(project, "new", "statement", "Bad Id") == 1
    assert "not a valid brief id" in capsys.readouterr().err
    assert run(project, "new", "pamphlet", "fine-id") == 1
    assert "unknown kind 'pamphlet'" in capsys.readouterr().err


def test_new_brief_builds_to_html_and_pdf_once_filled_in(project, tmp_path, capsys):
    assert run(project, "new", "statement", "fresh-statement") == 0
    out = tmp_path / "out"
    assert run(project, "brief", "fresh-statement", "--out", str(out)) == 1
    assert "still holds the placeholder [[Title of the statement (en)]]" in capsys.readouterr().err
    assert not out.exists()
    fill_in(project.brief_dir("fresh-statement"))
    assert run(project, "brief", "fresh-statement", "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "data", "fresh-statement-press-kit.zip", "fresh-statement.en.card.png",
        "fresh-statement.en.html", "fresh-statement.en.json", "fresh-statement.en.pdf"]
    assert (out / "fresh-statement.en.pdf").read_bytes().startswith(b"%PDF-")
    assert "Write this section of" in (out / "fresh-statement.en.html").read_text()


def lengthen(project, brief_id, paragraphs=8):
    body = project.brief_dir(brief_id) / "body.en.md"
    body.write_text(body.read_text() + "\n\n" + ("A sentence that goes on. " * 60 + "\n\n")
                    * paragraphs)


def test_check_pages_says_which_edition_is_over_its_kinds_page_budget(project, capsys):
    lengthen(project, "test-statement")
    assert run(project, "check") == 0
    assert "pages" not in capsys.readouterr().err  # only --pages prints
    assert run(project, "check", "--pages") == 0
    captured = capsys.readouterr()
    over = re.search(r"warning: content/briefs/test-statement: test-statement\.en\.pdf has "
                     r"(\d+) pages, (\d+) more than a statement should have \(1\)", captured.err)
    assert over and int(over[1]) >= 3 and int(over[2]) == int(over[1]) - 1  # as laid out
    assert "test-statement.ru.pdf" not in captured.err
    assert "6 case records, 1 warning." in captured.out


def test_one_broken_organisation_gives_its_own_errors_only(project, capsys, monkeypatch):
    monkeypatch.chdir(project.root)
    path = project.content / "organisations.yaml"
    path.write_text(path.read_text().replace("  website: https://alpha.example.org",
                                             "  website: 12\n  webiste: https://a.example.org"))
    assert run(project, "check") == 1
    err = capsys.readouterr().err
    assert "What to do: did you mean 'website'? Check its spelling, or remove it" in err
    errors = [line for line in err.splitlines() if line.startswith("error")]
    assert errors == [
        "error: content/organisations.yaml, line 11, field 'alpha.website': Input should be a "
        "valid string",
        "error: content/organisations.yaml, line 12, field 'alpha.webiste': this field is not "
        "known"]


def test_check_lists_every_problem_at_once(project, capsys):
    (project.brief_dir("test-report") / "brief.yaml").write_text("kind: report\n")
    (project.brief_dir("test-column") / "body.kk.md").unlink()
    (project.brief_dir("test-statement") / "calls.ru.md").write_text("# Х\n\n{{ nope }}\n")
    assert run(project, "check") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "test-report/brief.yaml" in err and "field 'languages'" in err
    assert "test-column/body.kk.md: the section file is missing" in err
    assert "test-statement/calls.ru.md, line 3: unknown name in a template" in err


def test_a_brief_that_fails_in_one_language_leaves_none_of_its_files(project, tmp_path,
                                                                        capsys):
    (project.brief_dir("test-statement") / "body.ru.md").write_text("{{ nope }}\n")
    assert run(project, "brief", "test-statement", "--out", str(tmp_path / "out")) == 1
    assert "body.ru.md, line 1: unknown name in a template" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # the English edition came first


def test_each_editions_link_picture_is_labelled_in_its_language(project, tmp_path, monkeypatch):
    from briefs.render import card

    labels = []
    original = card.card_png
    monkeypatch.setattr(card, "card_png", lambda fonts, **text: labels.append(text["kind"])
                        or original(fonts, **text))
    assert run(project, "brief", "test-column", "--out", str(tmp_path)) == 0
    assert labels == ["Column", "Пікір"]  # en, then kk, from one job


def test_an_edition_is_the_same_whichever_edition_its_job_built_first(project, tmp_path):
    """One job builds every edition of a brief: nothing may carry over from one to the next."""
    import re

    folder = project.brief_dir("test-column")
    for lang in ("en", "kk"):
        body = folder / f"body.{lang}.md"
        body.write_text(body.read_text() + '\n{{ chart_by_region(status="held") }}\n')

    def kazakh_parts(out):
        assert run(project, "brief", "test-column", "--out", str(out)) == 0
        html = (out / "test-column.kk.html").read_text()
        charts = re.findall(r'<figure class="chart">.*?</figure>', html, re.S)
        return charts, (out / "test-column.kk.card.png").read_bytes()

    first = kazakh_parts(tmp_path / "en-first")
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text().replace(  # the source stays English
        "languages: [en, kk]", "languages: [kk, en]\nsource_language: en"))
    charts, card = kazakh_parts(tmp_path / "kk-first")
    assert charts and (charts, card) == first


def test_a_link_picture_is_drawn_with_the_font_files_as_they_are_now(project):
    from briefs.render.card import card_png

    fonts = project.templates / "fonts"
    text = {"kind": "Statement", "title": "Title", "byline": "Org", "date": "1 May 2020"}
    before = card_png(project, **text)
    (fonts / "PTSans-Bold.ttf").write_bytes((fonts / "PTSerif-Bold.ttf").read_bytes())
    assert card_png(project, **text) != before


def test_the_build_commands_say_which_file_is_missing_or_misplaced(built, tmp_path, capsys):
    record = built.root / "build/test-statement/test-statement.en.json"
    assert run(built, "verify", str(tmp_path / "manifest.json")) == 1
    err = capsys.readouterr().err
    assert "manifest.json: no such file" in err and "e.g. build/manifest.json" in err
    manifest = str(built.root / "build/manifest.json")
    assert run(built, "verify", manifest, str(tmp_path / "received.pdf")) == 1
    assert "received.pdf: no such file" in capsys.readouterr().out
    assert run(built, "publish", str(tmp_path / "gone.json"), "--catalogue",
               str(tmp_path / "index.html"), "--manifest", str(tmp_path / "manifest.json")) == 1
    assert "gone.json: no such file" in capsys.readouterr().err
    assert run(built, "publish", str(record), "--catalogue", str(tmp_path / "index.html"),
               "--manifest", str(tmp_path / "manifest.json")) == 1
    assert "this record is not in" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing half-written
