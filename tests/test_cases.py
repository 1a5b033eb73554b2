"""Case records: the schema, consistency checks, status as of a date, and the helpers."""

import datetime
import re
import xml.etree.ElementTree as ElementTree

import pytest

import conftest
from briefs.cases.load import load_casebook
from briefs.cases.queries import CaseQueryError, status_on
from briefs.cases.schema import Case
from briefs.errors import ContentErrors
from briefs.kinds import label
from briefs.render.card import card_png, edition_card

D = datetime.date


def case(**fields):
    return Case.model_validate({"id": "x", "name": {"en": "X"}, **fields})


def event(day, kind, **extra):
    return {"date": day, "type": kind, **extra}


@pytest.mark.parametrize("day, key, since", [
    ("2019-01-09", "at_liberty", None),
    ("2019-01-10", "facing_charges", D(2019, 1, 10)),
    ("2019-02-01", "pretrial_detention", D(2019, 2, 1)),
    ("2019-06-29", "pretrial_detention", D(2019, 2, 1)),
    ("2019-06-30", "imprisoned", D(2019, 6, 30)),
    ("2021-12-31", "imprisoned", D(2019, 6, 30)),
    ("2022-01-01", "released", D(2022, 1, 1)),
])
def test_status_at_boundary_dates(day, key, since):
    record = case(
        charges=[{"article": "405", "date": "2019-01-10"}],
        events=[event("2019-02-01", "pretrial_detention"), event("2019-06-30", "convicted"),
                event("2019-06-30", "sentenced", sentence={"kind": "prison", "years": 2}),
                event("2022-01-01", "pardoned")])
    status = status_on(record, D.fromisoformat(day))
    assert (status.key, status.since) == (key, since)


@pytest.mark.parametrize("kind, key", [
    ("restriction_of_liberty", "restricted_liberty"), ("suspended", "released"),
    ("fine", "released"), ("prison", "imprisoned")])
def test_the_kind_of_sentence_sets_the_status(kind, key):
    record = case(events=[event("2020-01-01", "convicted"),
                          event("2020-01-01", "sentenced", sentence={"kind": kind})])
    assert status_on(record, D(2020, 1, 1)).key == key


def test_death_and_house_arrest_and_psychiatric_detention():
    record = case(events=[event("2020-01-01", "house_arrest"),
                          event("2020-03-01", "psychiatric_detention"),
                          event("2020-05-01", "died")])
    assert status_on(record, D(2020, 2, 1)).key == "house_arrest"
    assert status_on(record, D(2020, 4, 1)).key == "psychiatric_detention"
    assert status_on(record, D(2030, 1, 1)) == status_on(record, D(2020, 5, 1))
    assert status_on(record, D(2030, 1, 1)).key == "deceased"


def write_case(project, name, text):
    (project.content / "cases" / f"{name}.yaml").write_text(text, encoding="utf-8")


def casebook_errors(project):
    with pytest.raises(ContentErrors) as caught:
        load_casebook(project)
    return {(e.path.rsplit("/", 1)[-1], place(e), e.reason) for e in caught.value.errors}


def place(error):
    """Where in its file an error says it is, as the editor reads it."""
    return " of ".join(filter(None, [error.field, error.within]))


def test_the_records_are_checked_for_consistency(project):
    write_case(project, "bad", "\n".join([
        "id: other-id",
        "name: {en: Bad}",
        "region: atlantis",
        "affiliations: [nobody]",
        "charges: [{article: '999', date: 2020-01-01}]",
        "events:",
        "  - {date: 2020-02-01, type: sentenced}",
        "  - {date: 2020-01-01, type: detained, sources: [ghost]}",
        "  - {date: 2020-03-01, type: died}",
        "  - {date: 2020-04-01, type: released}",
        "sources:",
        "  - {id: a, title: A, url: 'https://a.example.org'}",
        "  - {id: a, title: B, url: 'https://b.example.org'}",
    ]))
    found = casebook_errors(project)
    assert found == {
        ("bad.yaml", "id", "the id 'other-id' differs from the file name 'bad'"),
        ("bad.yaml", "region", "unknown region 'atlantis'"),
        ("bad.yaml", "the 1st affiliation ('nobody')", "unknown affiliation 'nobody'"),
        ("bad.yaml", "article of the 1st charge (dated 2020-01-01)",
         "article '999' is not in criminal-code.yaml"),
        ("bad.yaml", "type of the 1st event (dated 2020-02-01)",
         "a sentence without a conviction before it"),
        ("bad.yaml", "date of the 2nd event (dated 2020-01-01)", "events are out of date order"),
        ("bad.yaml", "the 1st source ('ghost') of the 2nd event (dated 2020-01-01)",
         "unknown source 'ghost'"),
        ("bad.yaml", "type of the 4th event (dated 2020-04-01)",
         "an event after the death on 2020-03-01"),
        ("bad.yaml", "id of the 2nd source ('a')", "the source id 'a' is used twice"),
    }


def test_schema_errors_name_the_field_and_line(project):
    write_case(project, "typo", "id: typo\nname: {en: T}\nevents:\n  - {date: 2020-01-01, type: detaned}\n")
    with pytest.raises(ContentErrors) as caught:
        load_casebook(project)
    [error] = caught.value.errors
    assert error.line == 4 and "detaned" in error.reason
    assert ("content/cases/typo.yaml, line 4, field 'type' of the 1st event (dated 2020-01-01): "
            in str(error))
    assert error.hint.startswith("did you mean 'detained'? Use one of")


def test_mistyped_names_get_a_did_you_mean(project):
    write_case(project, "typo", "id: typo\nname: {en: T}\nevents:\n"
               "  - {date: 2020-01-01, type: detained, txt: Held}\n")
    write_case(project, "place", "id: place\nname: {en: P}\nregion: nort\n"
               "affiliations: [harbor-party]\n")
    with pytest.raises(ContentErrors) as caught:
        load_casebook(project)
    hints = {e.reason: e.hint for e in caught.value.errors}
    assert hints["this field is not known"].startswith("did you mean 'text'? ")
    assert hints["unknown region 'nort'"].startswith("did you mean 'north'? ")
    assert hints["unknown affiliation 'harbor-party'"].startswith(
        "did you mean 'harbour-party'? ")


def test_a_record_that_is_not_yaml_does_not_hide_the_others_problems(project):
    write_case(project, "broken", "id: broken\nname: {en: B\n")
    write_case(project, "typo", "id: typo\nname: {en: T}\nregion: atlantis\n")
    found = casebook_errors(project)
    assert ("typo.yaml", "region", "unknown region 'atlantis'") in found
    assert any(path == "broken.yaml" and "not valid YAML" in reason
               for path, _, reason in found)


@pytest.fixture
def helpers(project):
    return lambda brief_id, lang="en": conftest.helpers(project, brief_id, lang)


def plain(markdown):
    """Helper output without the spans that keep names from being hyphenated."""
    return re.sub(r"</?span[^>]*>", "", markdown)


def table_rows(html):
    """A case table's rows as lists of cell texts, its head first."""
    table = ElementTree.fromstring(html).find("table")
    return [["".join(cell.itertext()) for cell in row] for row in table.iter("tr")]


def test_names_count_and_table_follow_the_data_date(helpers):
    report = helpers("test-report")  # as of 30 November 2020
    assert plain(report.names(status="held")) == "Keeper One and Keeper Two"
    assert report.count(status="held") == 2
    assert report.count(affiliation="harbour-party") == 2  # restricted witness not counted
    assert plain(report.names(tag="political-killing")) == "Keeper Four"
    rows = table_rows(report.case_table(status="held"))
    assert rows[0] == ["Name", "Region", "Charges", "Status", "Since"]
    assert ["Keeper One", "North Province", "CC art. 405 (part 2)", "pre-trial detention",
            "1 June 2020"] in rows
    assert "Zzyzx" not in report.names(tag="expression")
    update = helpers("test-update")  # as of 31 August 2022
    assert plain(update.names(status="held")) == "Keeper Two"  # one released, one never held in 2022
    assert update.count(recognised=True) == 1


def test_case_box_shows_status_charges_events_and_sources(helpers):
    box = helpers("test-report").case_box("keeper-one")
    assert "In pre-trial detention since 1 June 2020" in box
    assert "CC art. 405 (part 2), taking part in a banned association" in box
    assert "Released after nine months" not in box  # after the data date
    assert "]: Testville court register, 2 June 2020, <https://court.example.org/one>" in box
    assert box.count("[^src-") == 2  # the call and the note


def test_russian_box_falls_back_to_english_where_untranslated(helpers):
    box = helpers("test-statement", "ru").case_box("keeper-one")
    assert "Смотритель Один" in box and "освобождён(а) 1 марта 2021" in box.casefold()
    assert "УК ст. 405 (ч. 2), участие в запрещённом объединении" in box
    assert "Released after nine months." in box


def test_period_events_group_each_persons_events_in_the_period(helpers):
    text = plain(helpers("test-update").period_events(tag="assembly"))
    assert text.startswith('<div class="case-events" markdown="1">\n\n- **Keeper Five**\n'
                           "  - **1 July 2022**: Detained at a picket.\n"
                           "  - **2 July 2022**: Fined and released.\n"
                           "  - **2 July 2022**: Released\n")
    assert "- **Keeper Three**\n  - **15 July 2022**: House arrest lifted.[^src-" in text
    assert "Keeper Two" not in text and "Zzyzx" not in text


@pytest.mark.parametrize("call, reason", [
    (lambda h: h.case_box("nobody"), "there is no public case record 'nobody'"),
    (lambda h: h.name("zzyzx-witness"), "there is no public case record 'zzyzx-witness'"),
    (lambda h: h.count(status="jailed"), "unknown status 'jailed'"),
    (lambda h: h.names(region="mars"), "unknown region 'mars'"),
    (lambda h: h.names(colour="red"), "unknown filter 'colour'"),
    (lambda h: h.period_events(), "period_events needs a brief with a 'period'"),
])
def test_bad_questions_are_refused(helpers, call, reason):
    from briefs.cases.queries import CaseQueryError

    with pytest.raises(CaseQueryError) as caught:
        call(helpers("test-report"))
    assert caught.value.reason.startswith(reason)


def test_an_unknown_case_in_a_section_names_brief_file_and_line(project, capsys):
    from briefs.cli import main

    section = project.brief_dir("test-report") / "background.en.md"
    section.write_text("# Background\n\nSee {{ case_box('keeper-nine') }}.\n")
    assert main(["--root", str(project.root), "check"]) == 1
    err = capsys.readouterr().err
    assert "test-report/background.en.md, line 3: there is no public case record 'keeper-nine'" in err
    assert "add content/cases/keeper-nine.yaml" in err


def test_dates_print_only_as_precisely_as_they_are_known(project, helpers):
    record = project.content / "cases" / "keeper-two.yaml"
    record.write_text(record.read_text().replace(
        "  - {date: 2019-01-10, type: detained,", "  - {date: 2019-01-01, precision: month, type: detained,"))
    (project.content / "cases" / "keeper-six.yaml").write_text(
        "id: keeper-six\nname: {en: Keeper Six}\nevents:\n"
        "  - {date: 2020-11-30, precision: unknown, type: house_arrest}\n")
    report = helpers("test-report")
    assert "- **January 2019**: Detained at a harbour rally." in report.case_box("keeper-two")
    assert report.status("keeper-six") == "under house arrest"
    # the Charges column, empty here, is left out
    assert table_rows(report.case_table(status="house_arrest"))[1] == [
        "Keeper Six", "", "house arrest", "by 30 November 2020"]
    assert report.status("keeper-one") == "in pre-trial detention since 1 June 2020"


def test_one_footnote_per_source_however_many_people_cite_it(project, helpers):
    for name in ("keeper-two", "keeper-three"):
        path = project.content / "cases" / f"{name}.yaml"
        text = path.read_text().replace("sources:\n", "")
        text = text.replace("type: detained, text:", "type: detained, sources: [shared], text:")
        text = text.replace("type: house_arrest, text:", "type: house_arrest, sources: [shared], text:")
        text += "\nsources:\n  - {id: shared, title: Joint list, url: 'https://list.example.org'}\n"
        text = text.replace("    sources: [news]\n", "").replace(
            "  - {id: news, title: Harbour News, url: \"https://news.example.org/three\"}\n", "")
        path.write_text(text)
    report = helpers("test-report")
    both = report.case_box("keeper-two") + report.case_box("keeper-three")
    labels = {line.split("]:")[0] for line in both.splitlines() if line.startswith("[^")}
    assert len(labels) == 1


def test_an_update_without_events_in_its_period_prints_nothing(helpers):
    assert helpers("test-update").period_events(tag="political-killing") == ""


def test_names_in_grammatical_cases_come_from_the_record_and_a_missing_one_is_proposed(
        project, helpers):
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace(
        "name: {en: Keeper One, ru: Смотритель Один}",
        "name: {en: Keeper One, ru: Смотритель Один}\n"
        "name_forms: {ru: {genitive: Смотрителя Одного}}"))
    statement = helpers("test-statement", "ru")
    assert plain(statement.name("keeper-one", case="genitive")) == "Смотрителя Одного"
    from briefs.cases.queries import CaseQueryError

    with pytest.raises(CaseQueryError) as caught:
        statement.name("keeper-one", case="dative")
    assert caught.value.reason == ("the Russian dative of the name of 'keeper-one' is not in "
                                   "its record")
    # a form is proposed for the editor to check, never printed on its own
    assert "add it to content/cases/keeper-one.yaml as name_forms: ru: dative:" in caught.value.hint
    assert "perhaps 'Смотрителю " in caught.value.hint
    with pytest.raises(CaseQueryError):
        statement.name("keeper-one", case="vocative")


def test_a_brief_chooses_its_date_style_for_the_whole_page(project, helpers):
    brief = project.brief_dir("test-report") / "brief.yaml"
    brief.write_text(brief.read_text() + "date_style: numeric\n")
    report = helpers("test-report")
    assert "In pre-trial detention since 01.06.2020" in report.case_box("keeper-one")
    assert report.status("keeper-one") == "in pre-trial detention since 01.06.2020"
    html = conftest.render(project, "test-report", medium="print")
    assert "30.11.2020" in html and "<td>01.06.2020</td>" in html and "1 June 2020" not in html
    # the link picture writes the brief's date as its pages do
    edition = helpers("test-report").edition
    fields = dict(kind=label(edition.brief), title=edition.brief.title["en"],
                  byline=", ".join(o.short_name["en"] for o in edition.publishers))
    assert edition_card(edition) == card_png(project, **fields,
                                             date=edition.brief.date.strftime("%d.%m.%Y"))


def test_source_titles_per_language_and_briefs_of_the_project_as_sources(project, helpers):
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace(
        "title: Testville court register,",
        "title: {en: Testville court register, ru: Реестр суда Тествиля},"))
    box = helpers("test-statement", "ru").case_box("keeper-one")
    assert "]: Реестр суда Тествиля, 2 июня 2020" in box
    record.write_text(record.read_text().replace(
        "sources: [court]", "sources: [court, ours]").replace(
        "sources:\n", "sources:\n  - {id: ours, brief: test-statement}\n"))
    box = helpers("test-column").case_box("keeper-one")
    # the cited brief's own title and date, never a date that contradicts its cover
    assert "]: ARC: Free the Lighthouse Keeper, 25 April 2023, <https://alpha.example.org>" in box


def test_nothing_dated_after_the_data_date_is_printed(project, helpers):
    record = project.content / "cases" / "keeper-two.yaml"
    record.write_text(record.read_text().replace(
        "type: detained,", "type: detained, sources: [later],")
        + "sources:\n  - {id: later, title: A later article, "
        "url: 'https://news.example.org/later', date: 2021-06-01}\n")
    assert "A later article" in helpers("test-statement").case_box("keeper-two")
    box = helpers("test-report").case_box("keeper-two")  # as of 30 November 2020
    assert "A later article" not in box and "news.example.org/later" not in box


def test_an_occupation_is_the_one_held_on_the_data_date(project, helpers):
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace(
        "occupation: {en: lighthouse keeper}",
        "occupation:\n  - {since: 2010-01-01, text: {en: lighthouse keeper}}\n"
        "  - {since: 2021-01-01, text: {en: harbour master}}"))
    before = helpers("test-report").case_box("keeper-one")  # as of 30 November 2020
    assert "lighthouse keeper" in before and "harbour master" not in before
    after = helpers("test-update").case_box("keeper-one")  # as of 31 August 2022
    assert "harbour master" in after and "lighthouse keeper" not in after


def test_a_mostly_empty_table_column_is_reported_naming_the_records(project, helpers):
    record = project.content / "cases" / "keeper-three.yaml"
    record.write_text(record.read_text().replace("region: north\n", ""))
    report = helpers("test-report")
    report.section = "content/briefs/test-report/annex.en.md"
    report.case_table()  # three of the four people on record by then give no region
    [warning] = report.warnings
    assert warning.startswith("content/briefs/test-report/annex.en.md: the Region column of a "
                              "case table is empty for 3 of 4 people (keeper-four, "
                              "keeper-three, keeper-two)")


def test_a_case_table_shows_the_columns_a_section_chooses(helpers):
    """The report's list printed a Region column empty for 27 of its 28 people."""
    table = helpers("test-report").case_table(columns=["status", "since"], status="held")
    header = table.split("</thead>")[0]
    assert "Status" in header and "Since" in header
    assert "Region" not in header and "Charges" not in header


def test_a_case_table_refuses_a_column_it_does_not_have(helpers):
    with pytest.raises(CaseQueryError, match="unknown column 'regoin'"):
        helpers("test-report").case_table(columns=["regoin"], status="held")
