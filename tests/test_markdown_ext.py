from briefs.render.markdown_ext import EditionState, section_html

TEXT = """# Arrests

Two were held.[^a] Again.[^a]

## In Almaty

- first
  - nested by two spaces
- second

| Name | Status |
|---|---|
| A | detained |

Lead.
{: .lead }

[^a]: Source A, https://example.org/a.
"""


def test_headings_shift_down_and_carry_section_numbers():
    state = EditionState(print_notes=False)
    body, _ = section_html(TEXT, state, label="3", prefix="arrests-")
    assert '<h2 id="arrests-arrests"><span class="number">3</span> Arrests</h2>' in body
    assert '<h3 id="arrests-in-almaty"><span class="number">3.1</span> In Almaty</h3>' in body
    assert [(h.level, h.label, h.text) for h in state.headings] == [
        (2, "3", "Arrests"), (3, "3.1", "In Almaty")]


def test_annex_label_marks_only_the_title():
    state = EditionState(print_notes=False)
    body, _ = section_html("# List\n\n## Part\n", state, label="Annex A", prefix="annex-")
    assert '<span class="number">Annex A</span> List' in body
    assert "<h3" in body and body.count('class="number"') == 1


def test_two_space_nested_lists_tables_and_attribute_lists():
    body, _ = section_html(TEXT, EditionState(print_notes=False), prefix="x-")
    assert "<li>first<ul>\n<li>nested by two spaces</li>" in body
    assert "<table>" in body and "<th>Status</th>" in body
    assert '<p class="lead">Lead.</p>' in body


def test_web_notes_are_numbered_across_sections_as_end_notes():
    state = EditionState(print_notes=False)
    first, first_notes = section_html(TEXT, state, prefix="one-")
    second, second_notes = section_html("Later.[^a]\n\n[^a]: Source B.", state, prefix="two-")
    assert first.count('href="#note-1"') == 2 and 'id="note-ref-1"' in first
    assert '<a href="#note-2" id="note-ref-2">2</a>' in second
    assert 'id="note-1" value="1"' in first_notes and "Source A" in first_notes
    assert 'id="note-2" value="2"' in second_notes and "Source B" in second_notes
    assert "\xa0" not in first_notes and "&#160;" not in first_notes


def test_print_notes_sit_at_their_call_and_repeat_calls_only_refer():
    state = EditionState(print_notes=True, note_label="Note %(number)s")
    body, notes = section_html(TEXT, state, prefix="one-")
    assert notes == ""
    assert body.count('<span class="footnote"') == 1
    # Each call is a link to the note, joined to the word before it (U+2060).
    assert ('Two were held.\u2060<a aria-label="Note 1" class="note-call" href="#note-1" '
            'id="note-ref-1">1</a><span class="footnote" data-number="1" id="note-1">'
            '<span>Source A') in body
    assert ('Again.</span>\u2060<a aria-label="Note 1" class="note-call" href="#note-1">1</a>'
            in body)  # a paragraph's last word is a span (never hyphenated), then the call


def test_print_link_addresses_are_numbered_with_the_notes_in_reading_order():
    state = EditionState(print_notes=True)
    body, _ = section_html("See [the court](https://court.example.org) first.[^a]\n\n"
                           "[^a]: Source.\n", state, prefix="one-")
    assert body.index('data-number="1"') < body.index("https://court.example.org</span>")
    assert body.index("https://court.example.org</span>") < body.index('data-number="2"')
    assert 'id="note-2"><span>Source.</span>' in body


def test_a_class_after_a_list_marks_the_list_of_cases():
    body, _ = section_html("- one\n- two\n{: .cases }\n", EditionState(print_notes=False),
                           prefix="x-")
    assert '<ul class="cases">' in body and "<li>two</li>" in body
