import datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from briefs import i18n
from briefs.render.html import section_labels

REPO = Path(__file__).resolve().parent.parent
DAY = datetime.date(2022, 11, 24)


@pytest.mark.parametrize("lang, expected", [
    ("en", "24 November 2022"),
    ("ru", "24 ноября 2022\xa0г."),
    ("kk", "2022 жылғы 24 қараша"),
])
def test_long_dates_in_each_language(lang, expected):
    assert i18n.long_date(DAY, lang) == expected


def test_lists_join_as_the_language_does():
    assert i18n.joined(["A", "B", "C"], "en") == "A, B and C"
    assert i18n.joined(["А", "Б", "В"], "ru") == "А, Б и В"


def template_messages():
    """Every interface string the templates and the package ask to translate."""
    found = set()
    methods = [("**.html", "jinja2")]
    for message in extract_from_dir(REPO / "templates", method_map=methods):
        found.add(message[2])
    for message in extract_from_dir(REPO / "briefs", method_map=[("**.py", "python")],
                                    keywords={"translate": None, "N_": None, "_": None}):
        found.add(message[2])
    return found


def test_templates_have_interface_strings_to_check():
    assert {"Contents", "Page %(page)s of %(pages)s", "Annex %(letter)s"} <= template_messages()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_interface_string_is_translated(lang):
    catalogue = i18n.translations(lang)
    missing = sorted(str(m) for m in template_messages() if (
        catalogue.ngettext(m[0], m[1], 5) == m[1] if isinstance(m, tuple)
        else catalogue.gettext(m) == m))
    assert missing == []


def test_report_sections_are_numbered_after_the_summary_and_annexes_lettered(project):
    from briefs.content.load import load_brief, load_organisations

    brief = load_brief(project, "test-report", load_organisations(project))
    translate = i18n.translations("ru").gettext
    assert section_labels(brief, translate) == ["", "1", "2", "Приложение A"]


@pytest.mark.parametrize("lang, number, expected", [
    ("en", 1, "1 political prisoner"), ("en", 5, "5 political prisoners"),
    ("ru", 1, "1 политзаключённый"), ("ru", 2, "2 политзаключённых"),
    ("ru", 5, "5 политзаключённых"), ("ru", 21, "21 политзаключённый"),
    ("kk", 5, "5 саяси тұтқын"),
])
def test_counts_follow_the_languages_plural_rules(lang, number, expected):
    forms = {"en": {"one": "political prisoner", "other": "political prisoners"},
             "ru": {"one": "политзаключённый", "few": "политзаключённых",
                    "many": "политзаключённых"},
             "kk": {"other": "саяси тұтқын"}}[lang]
    assert i18n.plural(number, lang, forms) == expected


def test_kazakh_lists_keep_their_conjunction():
    assert i18n.joined(["А", "Б", "В"], "kk") == "А, Б және В"
    assert i18n.joined(["А", "Б"], "kk") == "А және Б"


@pytest.mark.parametrize("month, locative, ablative", [
    (11, "2022 жылғы 24 қарашада", "2022 жылғы 24 қарашадан"),
    (6, "2022 жылғы 24 маусымда", "2022 жылғы 24 маусымнан"),
    (9, "2022 жылғы 24 қыркүйекте", "2022 жылғы 24 қыркүйектен"),
    (4, "2022 жылғы 24 сәуірде", "2022 жылғы 24 сәуірден"),
])
def test_kazakh_dates_take_the_case_their_sentence_needs(month, locative, ablative):
    text = i18n.long_date(datetime.date(2022, month, 24), "kk")
    assert i18n.kazakh_case(text, "locative") == locative
    assert i18n.kazakh_case(text, "ablative") == ablative
    assert i18n.kazakh_case("2020 жыл", "locative") == "2020 жылы"


def test_month_and_year_precision_dates():
    day = datetime.date(2020, 11, 1)
    assert i18n.fuzzy_date(day, "month", "en") == "November 2020"
    assert i18n.fuzzy_date(day, "month", "ru") == "ноября 2020"  # genitive: "с ноября 2020"
    assert i18n.fuzzy_date(day, "month", "kk") == "2020 жылғы қараша"
    assert i18n.fuzzy_date(day, "year", "en") == "2020"
    assert i18n.fuzzy_date(day, "unknown", "en") == ""
