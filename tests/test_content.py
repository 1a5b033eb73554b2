import pytest

from briefs.content.inputs import discover, edition_inputs, read_languages
from briefs.content.load import load_brief, load_organisations, load_section
from briefs.errors import ContentError, ContentErrors

import conftest


def write_brief(project, brief_id, text):
    path = project.brief_dir(brief_id) / "brief.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(project, brief_id):
    with pytest.raises((ContentError, ContentErrors)) as caught:
        load_brief(project, brief_id, load_organisations(project))
    error = caught.value
    return error.errors if isinstance(error, ContentErrors) else [error]


def test_discover_lists_brief_folders_sorted(project):
    assert discover(project) == ["test-column", "test-report", "test-statement", "test-update"]


def test_loads_a_valid_brief_with_its_kind_fields(project):
    organisations = load_organisations(project)
    brief = load_brief(project, "test-update", organisations)
    assert brief.kind == "update"
    assert brief.period.start.isoformat() == "2022-06-01"
    assert brief.data_date.isoformat() == "2022-08-31"
    assert [s.stem for s in brief.sections] == ["introduction", "expression", "about-alpha"]
    assert brief.sections[2].shared == "about-alpha"


def test_sections_are_read_in_order_from_brief_and_shared_folders(project):
    organisations = load_organisations(project)
    brief = load_brief(project, "test-update", organisations)
    sections = [load_section(project, brief, ref, "en") for ref in brief.sections]
    assert [s.path.name for s in sections] == [
        "introduction.en.md", "expression.en.md", "about-alpha.en.md"]
    assert sections[2].path.parent.name == "sections"


def test_malformed_yaml_names_file_and_line(project):
    path = write_brief(project, "broken", "kind: statement\ntitle: [unclosed\nplace: x\n")
    [error] = errors_of(project, "broken")
    assert error.path == str(path)
    assert error.line == 3
    assert "not valid YAML" in error.reason


def test_an_unclosed_list_names_where_it_was_opened(project):
    write_brief(project, "unclosed", "kind: statement\nlanguages: [en,\n  ru\ndate: 2020-01-01\n")
    [error] = errors_of(project, "unclosed")
    assert error.line == 4 and "the problem may start on line 2" in error.reason


def test_a_control_character_is_named_with_its_line_after_cyrillic_text(project):
    write_brief(project, "bell", "kind: statement\nplace: {ru: Алматы}\ntitle: a\x07b\n")
    [error] = errors_of(project, "bell")
    assert error.line == 3 and "'\\x07'" in error.reason and "control character" in error.hint


def test_a_list_instead_of_a_mapping_is_refused(project):
    write_brief(project, "listy", "- kind: statement\n")
    [error] = errors_of(project, "listy")
    assert "expected a mapping" in error.reason and "list" in error.reason


def test_every_problem_is_reported_with_its_field_and_line(project):
    write_brief(project, "many", "\n".join([
        "kind: pamphlet",
        "languages: [en]",
        "date: 2023-02-30",
        "place: {en: X}",
        "title: {en: T}",
        "organisations: [alpha]",
        "sections: [body]",
    ]))
    errors = {e.field: e for e in errors_of(project, "many")}
    assert set(errors) == {"kind", "date"}
    assert errors["kind"].line == 1 and "pamphlet" in errors["kind"].reason
    assert errors["date"].line == 3


def test_missing_field_kind_requirements_and_translations(project):
    write_brief(project, "gaps", "\n".join([
        "kind: report",
        "languages: [en, ru]",
        "date: 2020-12-10",
        "place: {en: X, ru: Х}",
        "title: {en: Only English}",
        "organisations: [alpha, nobody]",
        "sections: [body]",
    ]))
    reasons = {(e.field, e.reason) for e in errors_of(project, "gaps")}
    assert ("as_of", "a report needs 'as_of'") in reasons
    assert ("title", "the text in 'ru' is missing") in reasons
    assert (None, "unknown organisation 'nobody'") in reasons
    [message] = [str(e) for e in errors_of(project, "gaps") if "nobody" in e.reason]
    assert "line 6, the 2nd organisation ('nobody'): unknown organisation" in message


def test_required_field_missing(project):
    write_brief(project, "bare", "kind: statement\nlanguages: [en]\n")
    fields = {e.field for e in errors_of(project, "bare")}
    assert {"date", "title", "organisations", "sections"} <= fields


@pytest.mark.parametrize("kind, needs_place", [("statement", True), ("column", False)])
def test_a_place_is_required_where_the_kind_prints_a_dateline(project, kind, needs_place):
    write_brief(project, "placeless", "\n".join([
        f"kind: {kind}", "languages: [en]", "date: 2022-09-30", "title: {en: T}",
        "organisations: [alpha]", "sections: [body]",
        "author: {name: {en: A}, bio: {en: B}}" if kind == "column" else ""]))
    reasons = {e.reason for e in errors_of(project, "placeless")} if needs_place else set()
    assert reasons == ({f"a {kind} needs 'place'"} if needs_place else set())
    if not needs_place:
        load_brief(project, "placeless", load_organisations(project))


def test_an_empty_brief_is_refused(project):
    write_brief(project, "empty", "")
    [error] = errors_of(project, "empty")
    assert "found empty" in error.reason


def test_update_themes_must_keep_their_order(project):
    write_brief(project, "disorder", "\n".join([
        "kind: update", "languages: [en]", "date: 2022-09-30", "place: {en: X}",
        "title: {en: T}", "organisations: [alpha]",
        "period: {start: 2022-06-01, end: 2022-08-31}",
        "sections: [expression, introduction]",
    ]))
    [error] = errors_of(project, "disorder")
    assert error.within == "the 2nd section ('introduction')" and "out of order" in error.reason
    assert error.line == 8


def test_role_not_allowed_for_kind(project):
    write_brief(project, "annexed", "\n".join([
        "kind: statement", "languages: [en]", "date: 2022-09-30", "place: {en: X}",
        "title: {en: T}", "organisations: [alpha]",
        "sections:", "  - file: extra", "    role: annex",
    ]))
    [error] = errors_of(project, "annexed")
    assert "cannot have a section with role 'annex'" in error.reason


def test_missing_section_files_are_all_named(project):
    for name in ("body.ru.md", "calls.ru.md"):
        (project.brief_dir("test-statement") / name).unlink()
    with pytest.raises(ContentErrors) as caught:
        conftest.render(project, "test-statement", "ru")
    assert sorted(e.path.rsplit("/", 1)[1] for e in caught.value.errors) == [
        "body.ru.md", "calls.ru.md"]


def test_a_section_that_is_not_utf8_is_named_with_its_line(project):
    organisations = load_organisations(project)
    brief = load_brief(project, "test-column", organisations)
    (project.brief_dir("test-column") / "body.en.md").write_bytes(b"fine\nbad \xe9 byte\n")
    with pytest.raises(ContentError) as caught:
        load_section(project, brief, brief.sections[0], "en")
    error = caught.value
    assert error.line == 2 and "not UTF-8" in error.reason


def test_error_text_says_where_and_what_to_do():
    error = ContentError("content/x.yaml", "unknown organisation 'z'", line=4,
                         field="organisations.0", hint="add it")
    assert str(error) == ("content/x.yaml, line 4, field 'organisations.0': unknown "
                          "organisation 'z'\n  What to do: add it")


def test_edition_inputs_are_the_files_of_one_language(project):
    inputs = [p.rsplit("/", 2)[-2:] for p in edition_inputs(project, "test-update", "en")]
    assert ["test-update", "introduction.en.md"] in inputs
    assert ["sections", "about-alpha.en.md"] in inputs
    assert ["content", "organisations.yaml"] in inputs
    ru = edition_inputs(project, "test-statement", "ru")
    assert not any(p.endswith(".en.md") for p in ru)
    assert any(p.endswith("images/alpha.svg") for p in ru)


def test_planning_reads_a_brief_again_once_it_changes(project):
    path = write_brief(project, "planned", "languages: [en]\n")
    assert read_languages(project, "planned") == ["en"]
    path.write_text("languages: [en, kk, ru]\n", encoding="utf-8")
    assert read_languages(project, "planned") == ["en", "kk", "ru"]


def test_a_logo_without_its_alternative_text_is_refused(project):
    path = project.content / "organisations.yaml"
    path.write_text(path.read_text().replace("  logo_alt:\n    en: Alpha Rights Centre\n"
                                             "    ru: Правозащитный центр «Альфа»\n"
                                             "    kk: «Альфа» құқық қорғау орталығы\n", ""))
    with pytest.raises(ContentErrors, match="logo_alt"):
        load_organisations(project)
