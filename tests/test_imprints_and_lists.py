"""Imprints, contact lines and lists as an editor sends them: no hyphen in an imprint or an
address, a licence on one line, each publisher with its own website, a columnist's note right
after the column, lists of people by surname, and a brief's own key facts in its press kit."""

import re
import zipfile

import pypdfium2 as pdfium
import pytest

from briefs.render.templates import contact_links, website_link

from conftest import helpers, make_project, refusal, render, run_snakemake
from test_typography import printed

HYPHENATED = "rights-monitoring-network"
ALPHA = f"""
alpha:
  name:
    en: Alpha Rights Centre for the Independent Monitoring of Trials
    ru: Правозащитный центр «Альфа» по независимому мониторингу судебных процессов
    kk: «Альфа» құқық қорғау орталығы
  short_name: {{en: ARC, ru: ПЦА, kk: АҚО}}
  website: https://{HYPHENATED}.example.org
  contact:
    en: "Press enquiries: press@{HYPHENATED}.example.org"
    ru: "Для прессы: press@{HYPHENATED}.example.org"
    kk: "Баспасөз үшін: press@{HYPHENATED}.example.org"
  address:
    en: Rue de l'Exemple 1, 1000 Brussels, Belgium
    ru: Rue de l'Exemple 1, 1000 Брюссель, Бельгия
    kk: Rue de l'Exemple 1, 1000 Брюссель, Бельгия
  telephone: +32 2 000 00 00
  press:
    name: {{en: Aliya Bekova, ru: Алия Бекова, kk: Әлия Бекова}}
    telephone: +32 470 00 00 00
    email: press@{HYPHENATED}.example.org
  licence: CC BY 4.0
"""


def with_long_imprint(project):
    """The fixture project whose first organisation has long names, an address with hyphens
    of its own, a press officer and a licence; its column and update in Russian too."""
    organisations = project.content / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    start, end = text.index("alpha:"), text.index("\nbeta:")
    organisations.write_text(text[:start] + ALPHA.lstrip() + text[end:], encoding="utf-8")
    return project


COLUMN_IN_RUSSIAN = """kind: column
languages: [en, ru]
date: 2024-01-29
place: {en: Testville, ru: Тествиль}
title: {en: Justice Delayed at the Harbour, ru: Отложенное правосудие в гавани}
organisations: [alpha]
author:
  name: {en: Dana Testova, ru: Дана Тестова}
  bio: {en: Dana Testova is an invented columnist., ru: Дана Тестова – вымышленный автор.}
sections:
  - body
  - file: closing
    untranslated: [ru]
"""


def in_russian_too(project):
    """The fixture column in English and Russian."""
    folder = project.brief_dir("test-column")
    (folder / "body.ru.md").write_text("Текст колонки о гавани.\n", encoding="utf-8")
    (folder / "brief.yaml").write_text(COLUMN_IN_RUSSIAN, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def imprints(tmp_path_factory):
    project = with_long_imprint(make_project(tmp_path_factory.mktemp("imprints")))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


def pdf(project, brief_id, lang):
    return project.root / "build" / brief_id / f"{brief_id}.{lang}.pdf"


def text_lines(source):
    """Each printed line of a PDF, in the order it was laid out; a hyphen that ends a line
    reads '-'."""
    return [line.replace("\x02", "-").replace("\xa0", " ").strip()
            for page in pdfium.PdfDocument(source)
            for line in page.get_textpage().get_text_range().replace("\ufffe", "-\r\n")
            .split("\r\n")]


def imprint_lines(project, brief_id, lang, first):
    """The PDF's lines from the first that starts with `first` (the imprint's or contact's
    first words) to the end, without the page's number and running header."""
    lines = text_lines(pdf(project, brief_id, lang))
    start = next(n for n, text in enumerate(lines) if text.startswith(first))
    return [text for text in lines[start:] if not re.fullmatch(r"(Page|Страница|Бет) .*", text)]


# 1. Imprints and contact lines ------------------------------------------------------------

@pytest.mark.parametrize("brief_id, lang, first", [
    ("test-column", "en", "Published by"), ("test-column", "kk", "Жариялаған"),
    ("test-update", "en", "Published by"), ("test-statement", "en", "Press enquiries"),
    ("test-statement", "ru", "Для прессы")])
def test_no_line_of_an_imprint_or_contact_ends_with_a_hyphen(imprints, brief_id, lang, first):
    lines = imprint_lines(imprints, brief_id, lang, first)
    assert len(lines) >= 2, lines
    assert [text for text in lines if text.endswith("-")] == []
    # An address is printed whole, however it is broken over lines.
    assert f"{HYPHENATED}.example.org" in "".join(lines).replace(" ", ""), lines


@pytest.mark.parametrize("brief_id, lang, first", [
    ("test-column", "en", "Published by"), ("test-column", "kk", "Жариялаған"),
    ("test-update", "en", "Published by")])
def test_a_licence_is_printed_on_one_line(imprints, brief_id, lang, first):
    assert any("CC BY 4.0" in text for text in imprint_lines(imprints, brief_id, lang, first))


@pytest.mark.parametrize("brief_id, lang, element", [
    ("test-column", "en", "footer"), ("test-column", "ru", "footer"),
    ("test-update", "en", "section"), ("test-statement", "ru", "footer")])
def test_in_any_measure_an_imprint_has_no_hyphen_and_its_licence_stays_whole(
        project, brief_id, lang, element):
    """The imprint as the page template makes it, printed in measures of 20 to 40 em."""
    in_russian_too(with_long_imprint(project))
    html = render(project, brief_id, lang, medium="print")
    start = re.search(r'<(footer|section) class="(column-foot|imprint|contact)"', html).start()
    imprint = html[start:html.index(f"</{element}>", start) + len(f"</{element}>")]
    body = "".join(f'<div style="width: {width / 2}em">{imprint}</div>'
                   for width in range(40, 80))
    lines = text_lines(printed(project, body, lang, kind=brief_id.split("-")[1]))
    assert [text for text in lines if text.endswith("-")] == []
    if brief_id != "test-statement":
        assert [text for text in lines if text.endswith(("CC", "CC BY"))] == []
        assert sum("CC BY 4.0" in text for text in lines) == 40


ADDRESSES = [f"press@{HYPHENATED}.example.org", "courts@sarap-monitoring.example.org",
             "https://trial-monitoring.example.org/ru/reports/2022-11-joint-statement"]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_address_that_must_wrap_breaks_after_a_slash_or_before_a_dot(project, lang):
    body = "".join(f'<footer class="contact" style="width: {width}em"><p>'
                   f"{contact_links(f'Write to {address} today')}</p>"
                   f"<p>{website_link('https://' + address.split('@')[-1])}</p></footer>"
                   for width in range(6, 40, 2) for address in ADDRESSES)
    lines = text_lines(printed(project, body, lang))
    assert [text for text in lines if text.endswith("-")] == []
    wrapped = [text for text in lines if text.startswith(".") or text.endswith("/")]
    assert len(wrapped) > 30  # the addresses did wrap, where they may
    assert sum(ADDRESSES[0] in text for text in lines) > 5  # whole where the column allows


# 2. A column's author's note --------------------------------------------------------------

def test_a_columns_authors_note_follows_its_text_before_the_publishers_about(project):
    brief = project.brief_dir("test-column") / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        "    untranslated: [kk]\n", "    untranslated: [kk]\n  - shared: about-alpha\n"
        "    role: about\n    untranslated: [kk]\n"), encoding="utf-8")
    html = render(project, "test-column", medium="print")
    closing, bio, about = (html.index(marker) for marker in (
        'id="section-closing"', 'class="bio"', 'class="section role-about"'))
    assert closing < bio < about
    assert run_snakemake(project).returncode == 0
    text = " ".join(text_lines(pdf(project, "test-column", "en")))
    assert text.index("Dana Testova is an invented columnist.") < text.index("About the Alpha")


# 3. Each publisher's own website ----------------------------------------------------------

def test_each_publisher_in_an_imprint_is_followed_by_its_own_website(built):
    html = render(built, "test-update", medium="print")
    imprint = html[html.index('class="imprint"'):]
    assert re.search(r"Alpha Rights Centre \(<a href=\"https://alpha.example.org\">.*?</a>\) "
                     r"and Beta Monitoring Network \(<a href=\"https://beta.example.org\">",
                     imprint), imprint[:800]
    printed_text = " ".join(text_lines(pdf(built, "test-update", "en")))
    assert ("Published by Alpha Rights Centre (alpha.example.org) and Beta Monitoring "
            "Network (beta.example.org)") in printed_text


# 5. A brief's own key facts in its press kit ----------------------------------------------

KEY_FACTS = """key_facts:
  en:
    - About 10,000 people detained in January
    - 190 complaints of torture received by the coalition
  ru:
    - Около 10 000 задержанных в январе
    - 190 жалоб на пытки поступило в коалицию
"""


def notes_to_editors(project, brief_id, lang):
    kit = project.root / "build" / brief_id / f"{brief_id}-press-kit.zip"
    with zipfile.ZipFile(kit) as archive:
        return archive.read(f"notes-to-editors.{lang}.txt").decode("utf-8")


def test_a_briefs_own_key_facts_come_first_in_its_notes_to_editors(project):
    brief = project.brief_dir("test-statement") / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + KEY_FACTS, encoding="utf-8")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    english = notes_to_editors(project, "test-statement", "en")
    facts = english[english.index("Key facts\n"):english.index("Press contacts")].splitlines()
    assert facts[2:4] == ["- About 10,000 people detained in January",
                          "- 190 complaints of torture received by the coalition"]
    assert any(line.startswith("- Pages: ") for line in facts[4:])  # the counts stay, after
    russian = notes_to_editors(project, "test-statement", "ru")
    assert "- Около 10 000 задержанных в январе\n- 190 жалоб на пытки" in russian
    assert "About 10,000" not in russian


@pytest.mark.parametrize("yaml, line, words", [
    # A mapping's line is that of its first entry, as for every field of brief.yaml.
    (KEY_FACTS.split("  ru:")[0], 2, ["field 'key_facts'", "the text in 'ru' is missing"]),
    (KEY_FACTS.replace("key_facts:", "key_fact:"), 2, ["did you mean 'key_facts'"]),
    (KEY_FACTS.replace("About 10,000", "About " + "ten thousand, " * 20), 3,
     ["the 1st entry of 'en'", "write it shorter"]),
    (KEY_FACTS.replace("  ru:", "  rus:"), 6, ["found 'rus'", "did you mean 'ru'"])])
def test_key_facts_are_checked_like_the_rest_of_brief_yaml(project, capsys, yaml, line, words):
    brief = project.brief_dir("test-statement") / "brief.yaml"
    before = brief.read_text(encoding="utf-8")
    brief.write_text(before + yaml, encoding="utf-8")
    err = refusal(project, capsys, "check")
    assert f"brief.yaml, line {len(before.splitlines()) + line}, " in err, err
    assert all(word in err for word in words), err


# 4. Lists of people by surname ------------------------------------------------------------

PEOPLE = {  # id: names, sort_as
    "aigerim": ({"en": "Aigerim Zhaksylykova", "ru": "Айгерим Жаксылыкова",
                 "kk": "Айгерім Жақсылықова"}, None),
    "zhanbolat": ({"en": "Zhanbolat Abenov", "ru": "Жанболат Абенов", "kk": "Жанболат Әбенов"},
                  None),
    "dana": ({"en": "Dana Bekova", "ru": "Дана Бекова", "kk": "Дана Бекова"}, None),
    "ivan": ({"en": "Ivan Yolkin", "ru": "Иван Ёлкин", "kk": "Иван Ёлкин"}, None),
    "yegor": ({"en": "Yegor Yezhov", "ru": "Егор Ежов", "kk": "Егор Ежов"}, None),
    # A name written surname first: its record says what it sorts by.
    "tsoi": ({"en": "Tsoi Viktor", "ru": "Цой Виктор", "kk": "Цой Виктор"},
             "{en: Tsoi, ru: Цой, kk: Цой}"),
}
BY_SURNAME = {"en": ["Abenov", "Bekova", "Tsoi", "Yezhov", "Yolkin", "Zhaksylykova"],
              "ru": ["Абенов", "Бекова", "Ежов", "Ёлкин", "Жаксылыкова", "Цой"],
              "kk": ["Әбенов", "Бекова", "Ежов", "Ёлкин", "Жақсылықова", "Цой"]}


def write_people(project):
    for key, (names, sort_as) in PEOPLE.items():
        name = ", ".join(f"{lang}: {text}" for lang, text in names.items())
        (project.content / "cases" / f"{key}.yaml").write_text(
            f"id: {key}\nname: {{{name}}}\n" + (f"sort_as: {sort_as}\n" if sort_as else "")
            + "tags: [assembly]\nevents:\n  - {date: 2020-07-01, type: detained, "
            "text: {en: Detained at a picket.}}\n", encoding="utf-8")


def order(text, lang):
    """The surnames of PEOPLE in the order a text gives them."""
    return sorted(BY_SURNAME[lang], key=text.index)


@pytest.mark.parametrize("brief_id, lang", [("test-statement", "en"), ("test-statement", "ru"),
                                            ("test-column", "kk")])
def test_names_are_listed_by_surname_in_the_languages_alphabet(project, brief_id, lang):
    write_people(project)
    listed = helpers(project, brief_id, lang).names(tag="assembly")
    assert order(listed, lang) == BY_SURNAME[lang], listed


def test_a_reports_table_of_people_is_sorted_by_surname_in_the_pdf(project):
    write_people(project)
    annex = project.brief_dir("test-report") / "annex.en.md"
    annex.write_text("# People\n\n{{ case_table(tag='assembly') }}\n", encoding="utf-8")
    assert run_snakemake(project).returncode == 0
    printed_text = " ".join(text_lines(pdf(project, "test-report", "en")))
    assert order(printed_text[printed_text.rindex("People"):], "en") == BY_SURNAME["en"]
