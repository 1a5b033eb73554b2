"""Strict input (issue 31): a key written twice, an invisible character, a message that
quotes restricted content. Each is refused or worded through `briefs check` and through
the real workflow."""

import unicodedata

import pytest

from briefs.cli import main
from briefs.content.characters import SUSPECTS
from conftest import run_snakemake

EQUAL_KEY_HINT = "keep the line that is right and delete the other"
INVISIBLE_HINT = ("delete it: it is invisible and can make text read differently than it "
                  "is written")


def run(project, *args):
    return main(["--root", str(project.root), *args])


def refusal(project, capsys, *args):
    """What a command that must fail prints: the editor's messages, no traceback."""
    assert run(project, *args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "What to do:" in err, err
    return err


def edit(project, relative, old, new):
    """Replace text in a file of content/; return the file's new lines."""
    path = project.content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path.read_text(encoding="utf-8").split("\n")


def line_of(lines, text):
    """The number (from 1) of the first line that holds text."""
    return next(number for number, line in enumerate(lines, 1) if text in line)


def everything_written(project, *folders):
    """(path, text) of every file the build wrote into these folders of the project."""
    for folder in folders:
        for path in sorted((project.root / folder).rglob("*")):
            if path.is_file():
                yield path, path.read_bytes().decode("utf-8", "replace")


# 1. A key written twice.

def test_a_record_made_restricted_then_public_stops_the_build_and_check(project, capsys):
    """The tester's record: restricted at its top, public at its end, was published."""
    record = project.content / "cases" / "zzyzx-witness.yaml"
    record.write_text(record.read_text() + "visibility: public\n")
    lines = record.read_text().split("\n")
    first, again = line_of(lines, "visibility: restricted"), len(lines) - 1
    said = (f"content/cases/zzyzx-witness.yaml, line {again}: the field 'visibility' is "
            f"written twice at the same level: on line {first} and again on line {again}")

    result = run_snakemake(project)
    message = result.stdout + result.stderr
    assert result.returncode != 0 and said in message and EQUAL_KEY_HINT in message, message
    assert "Nothing was built." in message
    for path, text in everything_written(project, "build"):
        assert "Zzyzx" not in text and "zzyzx" not in path.name, path

    err = refusal(project, capsys, "check")
    assert said in err and EQUAL_KEY_HINT in err


DUPLICATES = {  # where, what is there, what it becomes; the key, its two lines
    "an event": ("cases/keeper-one.yaml", "    sources: [tip]\n",
                 "    sources: [tip]\n    visibility: public\n", ("visibility", 17, 19)),
    "brief.yaml": ("briefs/test-statement/brief.yaml", "organisations: [alpha]\n",
                   "organisations: [alpha]\ntitle: {en: Another title}\n", ("title", 5, 7)),
    "organisations.yaml": ("organisations.yaml", "  licence: CC BY 4.0\n",
                           "  licence: CC BY 4.0\n  website: https://elsewhere.example.org\n",
                           ("website", 11, 22)),
    "a legal code": ("legal/criminal-code.yaml", '  "405":', '  "182": {en: again}\n  "405":',
                     ("182", 4, 6)),
    "affiliations.yaml, quoted and plain": (
        "affiliations.yaml", "lamp-movement:", '"harbour-party": {name: {en: Again}}\n'
        "lamp-movement:", ("harbour-party", 1, 3)),
    "regions.yaml, quoted and plain": (
        "regions.yaml", "south:", "'north': {name: {en: Again}}\nsouth:", ("north", 1, 3)),
    "a nested mapping": ("cases/keeper-one.yaml", "occupation: {en: lighthouse keeper}\n",
                         "occupation: {en: lighthouse keeper}\nname_forms:\n  ru:\n"
                         "    genitive: Смотрителя\n    dative: Смотрителю\n"
                         "    genitive: Смотрителя Одного\n", ("genitive", 7, 9)),
    "a record, plain and quoted": ("cases/keeper-three.yaml", "tags: [assembly]\n",
                                   'tags: [assembly]\n"region": south\n', ("region", 3, 6)),
    "a mapping on one line": (
        "cases/keeper-two.yaml", '{article: "182", date: 2019-01-10}',
        '{article: "182", date: 2019-01-10, article: "405"}', ("article", 9, 9)),
}


@pytest.mark.parametrize("name", sorted(DUPLICATES))
def test_a_key_written_twice_is_refused_naming_both_lines(project, capsys, name):
    relative, old, new, (key, first, again) = DUPLICATES[name]
    edit(project, relative, old, new)
    err = refusal(project, capsys, "check")
    assert (f"content/{relative}, line {again}: the field '{key}' is written twice at the "
            f"same level: on line {first} and again on line {again}") in err, err
    assert EQUAL_KEY_HINT in err


def test_a_key_written_twice_in_brief_yaml_stops_the_build_before_anything_runs(project):
    relative, old, new, (key, first, again) = DUPLICATES["brief.yaml"]
    edit(project, relative, old, new)
    result = run_snakemake(project)
    message = result.stdout + result.stderr
    assert result.returncode != 0 and "Nothing was built." in message, message
    assert (f"content/{relative}, line {again}: the field '{key}' is written twice") in message


@pytest.mark.parametrize("keys", [("1", "0x1"), ("true", "1"), ("null", "~")])
def test_keys_that_read_as_the_same_value_are_the_same_key(project, capsys, keys):
    """1 and 0x1 are one number, as the reader holds them: one would replace the other."""
    edit(project, "regions.yaml", "south:", f"{keys[0]}: {{name: {{en: A}}}}\n"
         f"{keys[1]}: {{name: {{en: B}}}}\nsouth:")
    err = refusal(project, capsys, "check")
    assert (f"content/regions.yaml, line 4: the field '{keys[1]}' is written twice at the "
            f"same level: on line 3 (as '{keys[0]}') and again on line 4") in err, err


def test_a_merge_key_is_refused_as_it_brings_in_fields_written_elsewhere(project, capsys):
    """`<<:` with a mapping written in place needs no alias, and can say a record's
    visibility a second time."""
    edit(project, "cases/zzyzx-witness.yaml", "visibility: restricted\n",
         "visibility: restricted\n<<: {visibility: public}\n")
    err = refusal(project, capsys, "check")
    assert ("content/cases/zzyzx-witness.yaml, line 4: '<<' brings in fields written "
            "elsewhere") in err, err


def test_the_same_name_in_two_mappings_is_no_repeat(project, capsys):
    """Equal keys are refused in one mapping only: every event has its own 'date'."""
    edit(project, "cases/keeper-one.yaml", "region: north\n",
         "region: north\nname_forms:\n  ru: {genitive: Смотрителя}\n  kk: {genitive: Смотрителя}\n")
    assert run(project, "check") == 0, capsys.readouterr().err


# 2. Invisible characters.

INVISIBLE = {  # where, what is there, what it becomes, the character's name
    "a title": ("briefs/test-statement/brief.yaml", "title: {en: Free the",
                "title: {en: Free \u202eeht", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "a heading": ("briefs/test-statement/calls.en.md", "# We call on",
                  "# We call\u200b on", "U+200B ZERO WIDTH SPACE"),
    "a name": ("cases/keeper-one.yaml", "name: {en: Keeper One",
               "name: {en: Keeper \u2066One", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    "an id": ("cases/keeper-three.yaml", "id: keeper-three", "id: keeper\ufeff-three",
              "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
}


@pytest.mark.parametrize("name", sorted(INVISIBLE))
def test_an_invisible_character_is_refused_by_check_and_the_build(project, capsys, name):
    relative, old, new, character = INVISIBLE[name]
    lines = edit(project, relative, old, new)
    said = (f"content/{relative}, line {line_of(lines, new)}: an invisible character, "
            f"{character}, is at character")
    err = refusal(project, capsys, "check")
    assert said in err and INVISIBLE_HINT in err, err

    result = run_snakemake(project)
    logs = "".join(text for _, text in everything_written(project, ".cache/public/logs"))
    message = result.stdout + result.stderr + logs
    assert result.returncode != 0 and said in message and INVISIBLE_HINT in message, message


OWN_INVISIBLE = {  # own payloads: where, what is there, what it becomes, the character
    "a tag character in a body": ("briefs/test-statement/body.en.md", "The keeper",
                                  "The \U000e0041keeper", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    "an Arabic letter mark in an organisation": (
        "organisations.yaml", "en: BMN", "en: B\u061cMN", "U+061C ARABIC LETTER MARK"),
    "a left-to-right mark in a comment": ("organisations.yaml", "# Two invented",
                                          "# Two \u200einvented", "U+200E LEFT-TO-RIGHT MARK"),
    "a soft hyphen in a setext heading": (
        "briefs/test-statement/calls.en.md", "# We call on the authorities to\n",
        "We call on the autho\u00adrities to\n===\n", "U+00AD SOFT HYPHEN"),
    "a word joiner in an ATX heading": (
        "briefs/test-statement/calls.en.md", "# We call on", "## We\u2060call on",
        "U+2060 WORD JOINER"),
    "a soft hyphen in YAML": ("cases/keeper-one.yaml", "occupation: {en: lighthouse keeper}",
                              "occupation: {en: light\u00adhouse keeper}", "U+00AD SOFT HYPHEN"),
    "a zero-width joiner in a tag": ("cases/keeper-one.yaml", "tags: [expression]",
                                     "tags: [expres\u200dsion]", "U+200D ZERO WIDTH JOINER"),
}


@pytest.mark.parametrize("name", sorted(OWN_INVISIBLE))
def test_other_invisible_characters_are_refused_by_check(project, capsys, name):
    relative, old, new, character = OWN_INVISIBLE[name]
    lines = edit(project, relative, old, new)
    err = refusal(project, capsys, "check")
    number = line_of(lines, new.split("\n")[0])
    assert (f"content/{relative}, line {number}: an invisible character, {character}, "
            "is at character") in err, err


def test_every_invisible_character_in_a_file_is_counted(project, capsys):
    edit(project, "briefs/test-statement/body.en.md", "The keeper of the lighthouse",
         "The\u200b keeper\u200b of\u200b the lighthouse")
    err = refusal(project, capsys, "check")
    assert ("body.en.md, line 1: an invisible character, U+200B ZERO WIDTH SPACE, is at "
            "character 4 of this line (2 more in this file)") in err, err


def test_soft_hyphens_and_word_joiners_in_body_text_are_kept(project, capsys):
    """Editors put them there on purpose, to say where a word may break, or may not."""
    edit(project, "briefs/test-statement/body.en.md", "sentenced on",
         "sen\u00adtenced\u2060 on")
    edit(project, "briefs/test-statement/calls.en.md", "- quash the verdict.",
         "- quash the ver\u00addict.")
    assert run(project, "check") == 0, capsys.readouterr().err


def test_a_byte_order_mark_at_the_start_of_a_file_is_no_invisible_character(project, capsys):
    for relative in ("briefs/test-statement/brief.yaml", "briefs/test-statement/body.en.md"):
        path = project.content / relative
        path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert run(project, "check") == 0, capsys.readouterr().err


def test_the_list_of_format_characters_is_this_pythons_unicode():
    """Every character of category Cf is found, and nothing else, on any Python's Unicode:
    the characters of the Basic Multilingual Plane are listed, the others looked up."""
    for code in range(0x110000):
        character = chr(code)
        category = unicodedata.category(character)
        if code <= 0xFFFF:
            assert bool(SUSPECTS.match(character)) == (category == "Cf"), hex(code)
        else:
            assert SUSPECTS.match(character), hex(code)


# 3. Public messages say nothing restricted.

RESTRICTED_DEATH = ("  - {date: 2022-07-02, type: died, text: {en: Qvxdeath in custody.}, "
                    "visibility: restricted}\n  - date: 2022-07-15")
PUBLIC_WORDS = "a problem that involves a restricted event, which public messages do not describe"
INTERNAL_WORDS = "an event after the death on 2022-07-02"


def test_a_restricted_died_event_is_not_quoted_by_the_public_build_or_check(project, capsys):
    """A public record with a restricted 'died' event and a public event after it: the
    public build and `--dry-run` said 'an event after the death on 2022-07-02'."""
    lines = edit(project, "cases/keeper-three.yaml", "  - date: 2022-07-15", RESTRICTED_DEATH)
    where = (f"content/cases/keeper-three.yaml, line {line_of(lines, 'type: released')}, "
             "field 'type' of the 3rd event (dated 2022-07-15): ")
    for args in ((), ("--dry-run",)):
        result = run_snakemake(project, *args)
        printed = result.stdout + result.stderr
        assert result.returncode != 0 and where + PUBLIC_WORDS in printed, printed
        assert "briefs check --audience internal" in printed
        written = dict(everything_written(project, ".cache/public", "build"))
        # The public case store keeps the other records' public views (keeper-five was
        # fined on 2022-07-02, in public), never a record with a problem.
        store = written.pop(project.root / ".cache/public/case-records", "")
        assert "keeper-three" not in store and "Qvxdeath" not in store
        for text in [printed, *written.values()]:
            assert "2022-07-02" not in text and "Qvxdeath" not in text and "death" not in text

    err = refusal(project, capsys, "check")
    assert where + PUBLIC_WORDS in err and "2022-07-02" not in err and "death" not in err

    err = refusal(project, capsys, "check", "--audience", "internal")
    assert where + INTERNAL_WORDS in err and err.count("keeper-three.yaml") == 1, err
    result = run_snakemake(project, "--config", "audience=internal")
    assert where + INTERNAL_WORDS in result.stdout + result.stderr


RESTRICTED_PARTS = {  # what is edited in keeper-one.yaml, what must not be printed, where
    "a restricted source's id used twice": (
        "  - {id: court,", '  - {id: tip, title: Qvx second, url: "https://q.example.org", '
        "visibility: restricted}\n  - {id: court,", "'tip'",
        "field 'id': a problem in a restricted source"),
    "a public recognition offered a restricted source's id": (
        "    date: 2020-07-01\n", "    date: 2020-07-01\n    source: tipp\n", "'tip'",
        "field 'source' of the 1st entry of 'recognition' (dated 2020-07-01): a problem "
        "that involves a restricted source"),
    "a restricted event out of date order": (
        "  - date: 2020-08-01\n", "  - date: 2019-08-01\n", "2019-08-01",
        "field 'date': a problem in a restricted event"),
    "a restricted event's date that is no date": (
        "  - date: 2020-08-01\n", "  - date: 2020-13-01\n", "2020-13-01",
        "field 'date': a problem in a restricted event"),
    "a restricted event's mistyped type": (
        "    type: other\n", "    type: deid\n", "deid",
        "field 'type': a problem in a restricted event"),
    "a public event before a restricted one in time": (  # the order tells of its date
        "  - date: 2021-03-01\n", "  - date: 2020-07-01\n", "out of date order",
        "field 'date' of the 3rd event (dated 2020-07-01): a problem that involves a "
        "restricted event"),
    "a restricted charge's article": (
        "  - {article: \"405\", part: 2, date: 2020-05-30}\n",
        "  - {article: \"405\", part: 2, date: 2020-05-30}\n"
        "  - {article: \"Qvx-9\", date: 2020-05-31, visibility: restricted}\n", "Qvx-9",
        "field 'article': a problem in a restricted charge"),
    "a restricted field's unknown region": (
        "region: north\n", "region: qvx-north\nrestricted_fields: [region]\n", "qvx-north",
        "field 'region': a problem in a restricted field"),
}


@pytest.mark.parametrize("name", sorted(RESTRICTED_PARTS))
def test_a_public_check_names_a_restricted_part_but_not_what_it_holds(project, capsys, name):
    old, new, secret, said = RESTRICTED_PARTS[name]
    edit(project, "cases/keeper-one.yaml", old, new)
    err = refusal(project, capsys, "check")
    assert "content/cases/keeper-one.yaml, line " in err and said in err, err
    assert secret not in err, err
    err = refusal(project, capsys, "check", "--audience", "internal")
    assert secret in err, err


def test_a_restricted_source_id_is_not_printed_by_the_public_build(project, capsys):
    edit(project, "cases/keeper-one.yaml", "  - {id: court,",
         '  - {id: qvx-informant, title: Qvx, url: "https://q.example.org/1", '
         'visibility: restricted}\n  - {id: qvx-informant, title: Qvx again, '
         'url: "https://q.example.org/2", visibility: restricted}\n  - {id: court,')
    result = run_snakemake(project, "--dry-run")
    printed = result.stdout + result.stderr
    assert result.returncode != 0 and "Nothing was built." in printed, printed
    assert "field 'id': a problem in a restricted source" in printed, printed
    assert "qvx-informant" not in printed, printed
    err = refusal(project, capsys, "check", "--audience", "internal")
    assert "the source id 'qvx-informant' is used twice" in err, err


def test_a_restricted_record_is_checked_but_not_quoted_by_a_public_check(project, capsys):
    """`briefs check` reads every record, restricted ones too, and says where they are
    wrong; the public build does not read them beyond their visibility."""
    edit(project, "cases/zzyzx-witness.yaml", "region: north", "region: qvx-town")
    err = refusal(project, capsys, "check")
    assert ("content/cases/zzyzx-witness.yaml, line 6, field 'region': a problem in a "
            "restricted record") in err and "qvx-town" not in err, err
    err = refusal(project, capsys, "check", "--audience", "internal")
    assert "unknown region 'qvx-town'" in err and err.count("zzyzx-witness.yaml") == 1, err
