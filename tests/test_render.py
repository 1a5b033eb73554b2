"""Each kind's template, rendered from the fixture content without printing."""

import re

import pytest

import conftest


@pytest.fixture
def render(project):
    return lambda brief_id, lang="en", medium="web": conftest.render(project, brief_id, lang,
                                                                     medium)


def test_case_table_prints_names_as_written_and_heads_each_row_with_one(project, render):
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace("Keeper One", "Keeper *One* | <b>Jr</b>"))
    html = render("test-report", medium="print")
    # Markdown would have read the asterisks and the bar; the markup stays text.
    assert '<tr><th scope="row">Keeper *One* | &lt;b&gt;Jr&lt;/b&gt;</th><td>North Province</td>' in html
    assert '<th scope="col">Name</th>' in html

def test_statement_has_letterhead_dateline_calls_and_contact(render):
    html = render("test-statement")
    assert '<html lang="en" class="kind-statement medium-web">' in html
    assert 'class="mark-name publisher-name">Alpha Rights Centre<' in html
    assert "Testville, <time datetime=\"2023-04-25\">25\xa0April 2023</time>" in html
    assert '<section class="section role-calls" id="section-calls">' in html
    assert ('Press enquiries: <a href="mailto:press@alpha.example.org"><span class="address-part">'
            'press@alpha.example.org</span></a>') in html
    # Jinja ran inside the section, and the date keeps its day and month together
    assert 'sentenced on<span class="no-hyphens"> 25&nbsp;April</span> 2023 to' in html


def test_statement_in_russian_uses_russian_interface_and_links_its_editions(render):
    html = render("test-statement", "ru")
    assert "Заявление" in html and "Statement<" not in html
    assert "25\xa0апреля 2023" in html
    assert '<link rel="alternate" hreflang="en" href="test-statement.en.html">' in html
    assert "Скачать PDF" in html


def test_update_has_cover_period_partners_and_contents(render):
    html = render("test-update", medium="print")
    assert "1\xa0June 2022</time> – <time datetime=\"2022-08-31\">31\xa0August 2022" in html
    assert "Beta Monitoring Network" in html and "Alpha Rights Centre" in html
    assert '<a href="#introduction-introduction">' in html
    assert '<ul class="cases">' in html
    assert 'class="running-header"' in html


def test_report_numbers_sections_and_letters_annexes(render):
    html = render("test-report", medium="print")
    assert '<h2 id="summary-summary">Summary</h2>' in html
    assert '<span class="number">1.1</span> Legal basis' in html
    assert '<span class="number">Annex A</span> List of detained keepers' in html
    assert html.index('<section class="see-also"') < html.index('<span class="number">Annex A')
    assert '<span class="toc-number">1.2&nbsp;</span>' in html


def test_column_has_byline_other_editions_and_bio(render):
    html = render("test-column", "kk")
    assert "Авторы: Дана Тестова" in html
    assert '<a href="test-column.en.html" hreflang="en" lang="en">English</a>' in html
    assert "ойдан шығарылған шолушы" in html


def test_web_keeps_end_notes_and_print_makes_footnotes(render):
    web = render("test-report")
    printed = render("test-report", medium="print")
    assert 'class="end-notes"' in web and 'id="note-2"' in web
    assert 'class="footnote"' not in web
    assert printed.count('<span class="footnote"') == 3 and 'class="end-notes"' not in printed


def test_an_untranslated_section_gives_the_english_text_marked_as_such(render):
    html = render("test-column", "kk")
    assert '<section class="section role-body" id="section-closing" lang="en">' in html
    assert "Бұл бөлім аударылмаған" in html
    assert "The harbour remembers 3&nbsp;keepers." in html


def test_kazakh_sections_can_ask_for_date_cases_plurals_and_lists(render):
    html = render("test-column", "kk")
    assert ("Бұл мақала 2024&nbsp;жылғы<span class=\"no-hyphens\"> 29&nbsp;қаңтарда</span> "
            "жазылды; 3&nbsp;смотритель әлі күтуде.") in html
    text = re.sub(r"</?span[^>]*>", "", html)
    assert "Keeper Three, Keeper Two және Бесінші Смотритель." in text  # stand-ins unmarked


def test_internal_builds_mark_english_stand_ins(project):
    html = conftest.render(project, "test-column", "kk", audience="internal")
    assert '<span class="untranslated" lang="en">Keeper Two</span>' in html
    assert "Бесінші Смотритель" in html  # translated names are not marked


def test_web_pages_carry_sharing_metadata_and_the_pdf_size(project):
    published = {"pdf_pages": 2, "pdf_kb": 25, "card_href": "test-statement.ru.card.png"}
    html = conftest.render(project, "test-statement", "ru", published=published,
                           site_url="https://briefs.example.org/")
    here = "https://briefs.example.org/test-statement/"
    assert f'<link rel="canonical" href="{here}test-statement.ru.html">' in html
    assert f'<link rel="alternate" hreflang="en" href="{here}test-statement.en.html">' in html
    assert f'<meta property="og:image" content="{here}test-statement.ru.card.png">' in html
    assert '<meta property="og:title" content="Освободите смотрителя маяка">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "Скачать PDF <span class=\"download-size\">(2 страницы, 25 КБ)</span>" in html


def test_reports_and_updates_end_with_an_imprint(project):
    html = conftest.render(project, "test-report", medium="print",
                           site_url="https://briefs.example.org/")
    imprint = html[html.index('<section class="imprint"'):]
    assert "About this publication" in imprint and "Published by" in imprint
    assert "This edition: English, " in imprint
    assert 'Licence: <span class="unbroken">CC BY 4.0</span>' in imprint
    assert "https://briefs.example.org/test-report/test-report.en.pdf" in imprint
    assert 'class="imprint"' in conftest.render(project, "test-update", medium="print")
    assert 'class="imprint"' not in conftest.render(project, "test-statement", medium="print")


def test_letterheads_show_logos_with_their_alternative_text(render):
    html = render("test-statement")
    assert re.search(r'<img class="logo" src="data:image/svg\+xml;base64,[^"]+" '
                     r'alt="Alpha Rights Centre">', html)
