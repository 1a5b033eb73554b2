import datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from briefs import i18n
from briefs.render import section_labels

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
    missing = sorted(m for m in template_messages() if catalogue.gettext(m) == m)
    assert missing == []


def test_report_sections_are_numbered_after_the_summary_and_annexes_lettered(project):
    from briefs.content import load_brief, load_organisations

    brief = load_brief(project, "test-report", load_organisations(project))
    translate = i18n.translations("ru").gettext
    assert section_labels(brief, translate) == ["", "1", "2", "Приложение A"]
