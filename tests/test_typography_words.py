"""Words as an editor would print them, measured in the PDFs' text layer: names and other
capitalised words never hyphenated, English hyphenated where an editor breaks a word, and
numbers in prose."""

import re

import pikepdf
import pyphen
import pytest

from conftest import make_project, run_snakemake
from test_typography import PROSE, pdf_lines, write

# Names typed in the text, not through name(): a UN rapporteur, a person, places, bodies,
# a sentence's first word, and names joined by their own hyphen.
NAMES = {
    "en": "Fionnuala Ní Aoláin, the Special Rapporteur, met Kenzhebek Abishev in Karaganda; "
          "Independent observers from Almaty asked the Ombudsperson to visit Zhanaozen; "
          "Kassym-Jomart Tokayev flew to Nur-Sultan.",
    "ru": "Фионнуала Ни Алойн, Специальный докладчик, встретилась с Кенжебеком Абишевым в "
          "Караганде; Независимые наблюдатели из Алматы просили Уполномоченного посетить "
          "Жанаозен; Касым-Жомарт Токаев прилетел в Нур-Султан.",
}
# Short quotations, of one to three words, each.
QUOTATIONS = {
    "en": "Officials called the protest a “terrorist attack”, the protesters “transformed "
          "extremists” and a “hostile opposition”, and their claims a “negative image”.",
    "ru": "Власти назвали протест «террористической атакой», а протестующих "
          "«деструктивными силами» и «так называемой оппозицией», распространяющей „ложную "
          "информацию“.",
}
# English words whose British and American patterns differ, in lower case so that only the
# dictionary decides where they break.
DICTIONARY_WORDS = ("president", "elected", "investigation", "prosecutors", "restricted",
                    "detainees", "participation", "commemoration", "authorities",
                    "independent", "interrogations", "testimony", "opposition", "criminal")


def paragraphs(lang, sentence, count=40):
    """The sentence in prose, after ever more of its words, so that the sentence's words
    reach the end of a line here and there."""
    words = PROSE[lang].split()
    return "\n\n".join(" ".join(words[:n] + [sentence] + words[n:n + 30])
                       for n in range(count))


def hyphenated_lines(pdf):
    """(the word's start, the next line's first word) at each line ending in a hyphen."""
    lines = [text for _, text, _, _ in pdf_lines(pdf)]
    return [(text.split()[-1][:-1], following.split()[0] if following.split() else "")
            for text, following in zip(lines, lines[1:] + [""]) if text.endswith("-")]


@pytest.fixture(scope="module")
def words_built(tmp_path_factory):
    """The fixture project with the names and the dictionary's words in running text."""
    project = make_project(tmp_path_factory.mktemp("words"))
    write(project, "test-report", "background.en.md", paragraphs("en", NAMES["en"]))
    write(project, "test-statement", "body.ru.md", paragraphs("ru", NAMES["ru"]))
    sentence = ("The " + " and the ".join(DICTIONARY_WORDS) + " were named in the text.")
    write(project, "test-update", "introduction.en.md", paragraphs("en", sentence, 30))
    write(project, "test-column", "body.en.md", paragraphs("en", QUOTATIONS["en"]))
    write(project, "test-statement", "calls.ru.md", paragraphs("ru", QUOTATIONS["ru"], 30))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize("brief_id, lang", [("test-report", "en"), ("test-statement", "ru")])
def test_no_name_or_other_capitalised_word_is_hyphenated_in_running_text(words_built, brief_id,
                                                                          lang):
    pdf = words_built.root / "build" / brief_id / f"{brief_id}.{lang}.pdf"
    broken = hyphenated_lines(pdf)
    assert [(start, rest) for start, rest in broken if start[:1].isupper()] == []
    assert len(broken) >= 10  # the text around the names is hyphenated
    lines = [text for _, text, _, _ in pdf_lines(pdf)]
    names = {word.strip(",.;") for word in NAMES[lang].split() if len(word.strip(",.;")) >= 7
             and word[0].isupper()}
    ending = [text for text in lines if text.split() and text.split()[-1].strip(",.;") in names]
    assert len(ending) >= 10  # the names did reach the end of a line


def test_english_is_hyphenated_where_an_editor_breaks_a_word(words_built):
    """pyphen's British patterns, which WeasyPrint takes for "en", break "Pres-id-ent" and
    "elec-ted"; the American patterns break "pres-i-dent" and leave "elected" whole."""
    pdf = words_built.root / "build/test-update/test-update.en.pdf"
    american = pyphen.Pyphen(lang="en_US", left=3, right=3)
    british = pyphen.Pyphen(lang="en_GB", left=3, right=3)
    broken, wrong = 0, []
    for start, rest in hyphenated_lines(pdf):
        word = start + rest.strip(".,")
        if word.lower() not in DICTIONARY_WORDS:
            continue
        broken += 1
        if len(start) not in american.positions(word):
            wrong.append(f"{start}-{rest}")
    assert wrong == []
    assert broken >= 10
    assert any(american.positions(word) != british.positions(word)
               for word in DICTIONARY_WORDS)
    # The PDF's language is still English as the document says it, not en-US.
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "en"


# Numbers in prose ------------------------------------------------------------------------

SMALL = {"en": "one two three four five six seven eight nine".split(),
         "kk": "бір екі үш төрт бес алты жеті сегіз тоғыз".split()}
COUNTS = {
    "en": ("Held now: {{ count(status=\"held\") }} keepers. "
           "{{ plural(count(status=\"held\"), one=\"keeper\", other=\"keepers\") }} in all, "
           "{{ count(status=\"held\") + 10 }} with ten more.\n\n"
           "| Figure | Number |\n|---|---|\n| Keepers held | {{ count(status=\"held\") }} |\n\n"
           "<table><tr><td>Keepers in custody</td><td>{{ count(status=\"held\") }}</td></tr>"
           "</table>\n"),
    "kk": ("Қазір {{ count(status=\"held\") }} адам ұсталып отыр.\n\n"
           "| Көрсеткіш | Саны |\n|---|---|\n| Ұсталғандар | {{ count(status=\"held\") }} |\n"),
}


@pytest.mark.parametrize("brief_id, name, lang", [("test-report", "background.en.md", "en"),
                                                  ("test-column", "body.kk.md", "kk")])
def test_a_count_in_running_text_is_written_in_words_and_in_a_table_in_figures(
        project, brief_id, name, lang):
    write(project, brief_id, name, COUNTS[lang])
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    lines = [text for _, text, _, _ in
             pdf_lines(project.root / "build" / brief_id / f"{brief_id}.{lang}.pdf")]
    text = " ".join(lines)
    figures = [int(following) for label, following in zip(lines, lines[1:])
               if label in ("Keepers held", "Keepers in custody", "Ұсталғандар")]
    assert len(figures) == (2 if lang == "en" else 1) and len(set(figures)) == 1, lines
    number = figures[0]
    assert 1 <= number <= 9  # a count house style spells out
    word = SMALL[lang][number - 1]
    if lang == "en":
        assert f"Held now: {word} keepers." in text
        assert f"{word} {'keeper' if number == 1 else 'keepers'} in all, {number + 10} with" in text
    else:
        assert f"Қазір {word} адам ұсталып отыр." in text


CLOSING = {"“": "”", "«": "»", "„": "“"}


def open_at_end(text):
    """Whether a quotation opened on this line is still open at its end."""
    closing = None
    for character in text:
        if closing is None and character in CLOSING:
            closing = CLOSING[character]
        elif character == closing:
            closing = None
    return closing is not None


@pytest.mark.parametrize("brief_id, lang", [("test-column", "en"), ("test-statement", "ru")])
def test_a_short_quotation_is_never_broken_across_lines(words_built, brief_id, lang):
    pdf = words_built.root / "build" / brief_id / f"{brief_id}.{lang}.pdf"
    lines = [text for _, text, _, _ in pdf_lines(pdf)]
    opened = [text for text in lines if open_at_end(text)]
    assert opened == []  # no line ends inside a quotation, or after its opening mark
    quoted = sum(len(re.findall(r"“[^”]+”|«[^»]+»|„[^“]+“", text)) for text in lines)
    assert quoted >= 4 * 30  # every quotation was printed, whole on its line
    assert sum(text.endswith("-") for text in lines) >= 10  # the text around is hyphenated
