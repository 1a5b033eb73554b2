"""The case book at scale: each record's checked result kept by its bytes, so that one
edited record is read alone, the records' SHA-256 remembered while lstat says they are
unchanged, and `briefs check` run again reads no record and renders no edition."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from briefs.cases import cache, digests, load
from briefs.cases.cache import casebook
from briefs.cases.load import load_casebook
from briefs.cli import main
from briefs.errors import ContentError, ContentErrors
from briefs.project import Project
from briefs.workflow import check as check_module
from briefs.workflow.check import check

from conftest import run_snakemake

RESTRICTED = (b"Zzyzx", b"zzyzx", b"Qvxtestimony")
CATALOGUES = {"criminal-code.yaml", "affiliations.yaml", "regions.yaml"}
needs_trusted_filesystem = pytest.mark.skipif(
    not digests.trusted(Path(tempfile.gettempdir())),
    reason="the temporary folder's filesystem is not one the memo trusts")


@pytest.fixture(autouse=True)
def nothing_kept_in_memory():
    cache._kept.clear()  # each test starts as a new process would
    yield
    cache._kept.clear()


@pytest.fixture
def parsed(monkeypatch):
    """The names of the case records the case book parses, as it parses them."""
    names, parse = [], load.parse_mapping

    def counting(path, text):
        if path.name not in CATALOGUES:
            names.append(path.name)
        return parse(path, text)

    monkeypatch.setattr(load, "parse_mapping", counting)
    return names


def again(project, audience, folder):
    """The book as a new process reads it."""
    cache._kept.clear()
    return casebook(project, audience, folder)


def messages(call):
    with pytest.raises(ContentErrors) as caught:
        call()
    return [str(error) for error in caught.value.errors]


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_book_from_the_store_is_the_book_read_afresh(project, tmp_path, audience):
    casebook(project, audience, tmp_path / "cache")
    kept = again(project, audience, tmp_path / "cache")
    fresh = load_casebook(project, audience)
    assert kept.cases == fresh.cases and list(kept.cases) == list(fresh.cases)
    assert (kept.codes, kept.affiliations, kept.regions) == (
        fresh.codes, fresh.affiliations, fresh.regions)
    assert kept.cases["keeper-two"].region == (None if audience == "public" else "south")


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_an_edited_record_is_read_alone(project, tmp_path, audience, parsed):
    casebook(project, audience, tmp_path / "cache")
    assert len(parsed) == 6
    parsed.clear()
    again(project, audience, tmp_path / "cache")
    assert parsed == []
    replace_in(project.content / "cases" / "keeper-three.yaml", "Keeper Three", "Keeper 3")
    book = again(project, audience, tmp_path / "cache")
    assert parsed == ["keeper-three.yaml"]
    assert book.cases["keeper-three"].name["en"] == "Keeper 3"


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_an_added_article_reads_no_record_again(project, tmp_path, audience, parsed):
    casebook(project, audience, tmp_path / "cache")
    parsed.clear()
    replace_in(project.content / "legal" / "criminal-code.yaml", '  "274"',
               '  "275": {en: a new article}\n  "274"')
    assert "275" in again(project, audience, tmp_path / "cache").codes["criminal-code"].articles
    assert parsed == []


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_removed_article_checks_the_records_again(project, tmp_path, audience, parsed):
    """Only the internal store holds whole records; the public one reads them again."""
    casebook(project, audience, tmp_path / "cache")
    parsed.clear()
    replace_in(project.content / "legal" / "criminal-code.yaml", '  "405"', '  "406"')
    found = messages(lambda: again(project, audience, tmp_path / "cache"))
    assert parsed == (["keeper-one.yaml"] if audience == "internal" else
                      ["keeper-five.yaml", "keeper-four.yaml", "keeper-one.yaml",
                       "keeper-three.yaml", "keeper-two.yaml", "zzyzx-witness.yaml"])
    assert found == messages(lambda: load_casebook(project, audience))
    assert any("keeper-one.yaml, line 8, field 'article' of the 1st charge" in message
               and "article '405' is not in criminal-code.yaml" in message
               for message in found)
    assert messages(lambda: again(project, audience, tmp_path / "cache")) == found


def test_a_removed_region_fails_a_public_record_that_hides_it(project, tmp_path):
    """keeper-two's region is restricted: its public view, which the public store keeps,
    has none, yet the public build still checks it, as it did before, and says so without
    naming the region."""
    casebook(project, "public", tmp_path / "cache")
    replace_in(project.content / "regions.yaml", "south:", "west:")
    found = messages(lambda: again(project, "public", tmp_path / "cache"))
    assert found == messages(lambda: load_casebook(project, "public"))
    assert any("keeper-two.yaml" in message and "field 'region'" in message
               and "a problem in a restricted field" in message for message in found)
    assert not any("south" in message for message in found)


@pytest.mark.parametrize("mistake", [
    ("keeper-two.yaml", "tags:", "tagz:", "line 7, field 'tagz': this field is not known"),
    ("keeper-two.yaml", "affiliations: [lamp-movement]", "affiliations: [lamp-movment]",
     "unknown affiliation 'lamp-movment'"),
    ("keeper-three.yaml", "name:", "name: [\n", "this is not valid YAML"),
    ("keeper-four.yaml", "Keeper Four", "Keeper \x01Four", "a character YAML does not allow"),
    ("keeper-five.yaml", "Keeper Five", "Keeper \xff Five", "the file is not UTF-8 text"),
])
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_record_with_a_mistake_fails_every_time(project, tmp_path, audience, mistake,
                                                  parsed):
    name, old, new, expected = mistake
    casebook(project, audience, tmp_path / "cache")
    path = project.content / "cases" / name
    if "\xff" in new:
        path.write_bytes(path.read_bytes().replace(old.encode(), b"Keeper \xff Five"))
    else:
        replace_in(path, old, new)
    first = messages(lambda: again(project, audience, tmp_path / "cache"))
    assert any(name in message and expected in message for message in first), first
    assert first == messages(lambda: load_casebook(project, audience))
    for _ in range(2):
        parsed.clear()
        assert messages(lambda: again(project, audience, tmp_path / "cache")) == first
        assert parsed == ([] if "UTF-8" in expected else [name])  # the others stay kept


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_job_given_planning_key_reads_no_case_file(project, tmp_path, monkeypatch,
                                                     audience):
    """Planning leaves its book in the store; a job of the run, given its key, takes the
    book from there, as it would be read from the files, and reads none of them."""
    book = casebook(project, audience, tmp_path / "cache")
    read, sources = [], cache.case_sources
    monkeypatch.setattr(cache, "case_sources", lambda *args: read.append(1) or sources(*args))
    cache._kept.clear()
    stored = casebook(project, audience, tmp_path / "cache", book.key)
    assert read == []
    assert stored.cases == book.cases and list(stored.cases) == list(book.cases)
    assert (stored.codes, stored.affiliations, stored.regions, stored.key,
            stored.catalogues) == (book.codes, book.affiliations, book.regions, book.key,
                                   book.catalogues)
    replace_in(project.content / "cases" / "keeper-three.yaml", "Keeper Three", "Keeper 3")
    cache._kept.clear()  # a key the store was not written for: the files are read
    assert casebook(project, audience, tmp_path / "cache", "another key") != book
    assert read == [1]


def test_the_job_server_takes_the_stored_book_which_serves_only_its_key(project, tmp_path,
                                                                        monkeypatch):
    book = casebook(project, "public", tmp_path / "cache")
    replace_in(project.content / "cases" / "keeper-three.yaml", "Keeper Three", "Keeper 3")
    read, sources = [], cache.case_sources
    monkeypatch.setattr(cache, "case_sources", lambda *args: read.append(1) or sources(*args))
    cache._kept.clear()
    assert cache.stored_casebook("public", tmp_path / "cache").key == book.key
    assert casebook(project, "public", tmp_path / "cache", book.key).cases == book.cases
    assert read == []
    edited = casebook(project, "public", tmp_path / "cache", "the key of the edited files")
    assert read == [1] and edited.cases["keeper-three"].name["en"] == "Keeper 3"


def test_a_store_whose_bytes_changed_is_not_used(project, tmp_path):
    """Views are validated only when a record is asked for: the store's bytes are checked
    as it is read, and an edit to them is a damage like any other."""
    casebook(project, "public", tmp_path / "cache")
    saved = tmp_path / "cache" / "case-records"
    good = saved.read_bytes()
    saved.write_bytes(good.replace(b"Keeper One", b"Keeper Eno"))
    book = again(project, "public", tmp_path / "cache")
    assert book.cases["keeper-one"].name["en"] == "Keeper One"
    assert saved.read_bytes() == good


def test_the_public_store_holds_nothing_restricted(prebuilt, tmp_path):
    """Nor does anything else in the public build's cache: planning's record of the
    records its answers were given from names none, nor does the memo of their SHA-256."""
    project = prebuilt
    result = subprocess.run([sys.executable, "-m", "briefs", "check"], cwd=project.root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    replace_in(project.content / "cases" / "keeper-one.yaml", "Released after nine months",
               "Released after ten months")
    casebook(project, "public", project.root / ".cache" / "public")
    public = list((project.root / ".cache" / "public").rglob("*"))
    assert any(path.name == "case-records" for path in public)
    for path in public:
        if path.is_file():
            for planted in RESTRICTED:
                assert planted not in path.read_bytes(), (path, planted)
    internal = (project.root / ".cache" / "internal" / "case-records").read_bytes()
    assert all(planted in internal for planted in RESTRICTED)  # the markers are there


def test_check_run_again_reads_no_record(project, parsed):
    assert check(project, project.root / ".cache")[1] == 6
    assert sorted(set(parsed)) == sorted(path.name for path in
                                         (project.content / "cases").iterdir())
    parsed.clear()
    cache._kept.clear()
    assert check(project, project.root / ".cache")[1] == 6
    assert parsed == []


def test_check_reads_a_record_with_a_mistake_once_for_each_audience(project, parsed):
    """Every edition that asks for the book gets its problems without reading it again."""
    replace_in(project.content / "cases" / "keeper-two.yaml", "tags:", "tagz:")
    with pytest.raises(ContentErrors) as caught:
        check(project, project.root / ".cache")
    assert "keeper-two.yaml, line 7, field 'tagz'" in str(caught.value)
    assert parsed.count("keeper-two.yaml") == 2


def test_a_book_of_20000_records(tmp_path, parsed):

    cases = tmp_path / "content" / "cases"
    cases.mkdir(parents=True)
    for number in range(20_000):
        (cases / f"case-{number:05d}.yaml").write_text(
            f"id: case-{number:05d}\nname: {{en: Person {number}}}\n"
            f"tags: [t{number % 20}]\n", encoding="utf-8")
    project = Project(tmp_path)
    book = casebook(project, "public", tmp_path / "cache")
    assert len(book.cases) == 20_000 and book.cases["case-19999"].tags == ["t19"]
    parsed.clear()
    (cases / "case-12345.yaml").write_text("id: case-12345\nname: {en: Edited}\n",
                                           encoding="utf-8")
    book = again(project, "public", tmp_path / "cache")
    assert parsed == ["case-12345.yaml"] and book.cases["case-12345"].name["en"] == "Edited"
    assert len(book.cases) == 20_000


def test_planning_answers_from_the_edited_record_alone(project, parsed):
    """After a build, an edited record is the only one planning reads, the book is not
    made, and the answers to the editions' questions are those of the whole book."""
    from briefs.workflow.plan import CaseFiles

    for _ in range(2):  # the second planning answers the questions the first build asked
        assert run_snakemake(project).returncode == 0
    folder = project.root / ".cache" / "public"
    queries = [json.loads(text) for text in
               json.loads((folder / "case-answers.json").read_text())["answers"]]
    assert queries  # the report's and the column's questions
    record = project.content / "cases" / "keeper-four.yaml"  # now an 'assembly' case
    replace_in(record, "tags: [political-killing]", "tags: [political-killing, assembly]")
    (project.content / "cases" / "keeper-five.yaml").unlink()  # and one is gone
    parsed.clear()
    cases = CaseFiles(project, "public", folder)
    assert parsed == ["keeper-four.yaml"] and "public" not in cache._kept
    updated = [sorted(cases.answer([query])) for query in queries]
    assert "public" not in cache._kept
    cases.save()
    for name in ("case-answers.json", "case-answers-records.json"):
        (folder / name).unlink()
    afresh = CaseFiles(project, "public", folder)
    assert updated == [sorted(afresh.answer([query])) for query in queries]
    assert any("keeper-four" in ids for ids in updated)
    assert not any("keeper-five" in ids for ids in updated)


# The memo of the records' SHA-256 (briefs.cases.digests): a record is not read while
# lstat gives all it gave, and bytes decide whatever its dates say.

def settled():
    """Wait until every file written so far is old enough for the memo to remember."""
    time.sleep(digests.SETTLED_NS / 1e9 + 0.1)


@pytest.fixture
def case_reads(monkeypatch):
    """The names of the case records the project reads, as it reads them."""
    names, read_in = [], Project._read_in

    def counting(self, folder, relative, name, kind):
        if relative.parts[-1:] == ("cases",):
            names.append(name)
        return read_in(self, folder, relative, name, kind)

    monkeypatch.setattr(Project, "_read_in", counting)
    return names


def same_size_edit(path, old, new):
    """Edit a file keeping its size and putting its times back, as lstat gave them."""
    before = path.stat()
    assert len(old.encode()) == len(new.encode())
    replace_in(path, old, new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino)


@needs_trusted_filesystem
def test_a_remembered_record_is_not_read_and_an_edit_of_the_same_size_and_time_is(
        project, tmp_path, case_reads, parsed):
    folder = tmp_path / "cache"
    casebook(project, "public", folder)
    assert len(case_reads) == 6
    settled()
    again(project, "public", folder)  # read once more: now old enough to be remembered
    case_reads.clear()
    parsed.clear()
    again(project, "public", folder)
    assert case_reads == [] and parsed == []
    same_size_edit(project.content / "cases" / "keeper-one.yaml", "Keeper One", "Keeper Uno")
    book = again(project, "public", folder)
    assert case_reads == ["keeper-one.yaml"] and parsed == ["keeper-one.yaml"]
    assert book.cases["keeper-one"].name["en"] == "Keeper Uno"


@needs_trusted_filesystem
def test_a_record_edited_to_its_size_and_time_is_rebuilt_by_the_workflow(prebuilt):
    """Through Snakemake: the no-op remembers every record, an edit that keeps the record's
    size and modification time rebuilds the report that shows it, with the new name."""
    project = prebuilt
    settled()
    assert run_snakemake(project).returncode == 0
    memo = json.loads((project.root / ".cache/public/case-digests").read_text())
    assert len(list(filter(None, memo["identities"].split("\n")))) == 6
    same_size_edit(project.content / "cases" / "keeper-one.yaml", "Keeper One", "Keeper Uno")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    page = (project.root / "build/test-report/test-report.en.html").read_text()
    assert "Keeper Uno" in page and "Keeper One" not in page


@needs_trusted_filesystem
def test_remembered_records_are_read_when_their_views_are_not_kept(project, tmp_path):
    """The memo knows every record's SHA-256 but the store is gone: the book reads the
    records it must check, each hashed as the memo says."""
    folder = tmp_path / "cache"
    first = casebook(project, "internal", folder)
    settled()
    again(project, "internal", folder)
    (folder / "case-records").unlink()
    assert again(project, "internal", folder).cases == first.cases


@needs_trusted_filesystem
def test_a_remembered_record_made_a_link_is_refused(project, tmp_path):
    folder = tmp_path / "cache"
    casebook(project, "public", folder)
    settled()
    again(project, "public", folder)
    record = project.content / "cases" / "keeper-one.yaml"
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(record.read_bytes())
    record.unlink()
    record.symlink_to(outside)
    with pytest.raises(ContentError) as caught:
        again(project, "public", folder)
    assert "keeper-one.yaml: this is a symbolic link" in str(caught.value)


def test_the_memo_trusts_only_filesystems_that_keep_a_ctime():
    if not Path("/proc/self/mountinfo").exists():
        pytest.skip("no /proc/self/mountinfo: the memo is never used here")
    assert not digests.trusted(Path("/proc/self"))
    assert not digests.trusted(Path("/sys/kernel"))


# `briefs check` keeps each edition it found right (briefs.workflow.checked) until what it
# was made from changes.

@pytest.fixture
def rendered(monkeypatch):
    """The editions `briefs check` renders, as "brief/lang"."""
    names, render = [], check_module.render_pages

    def counting(edition, pages):
        names.append(f"{edition.brief.id}/{edition.lang}")
        return render(edition, pages)

    monkeypatch.setattr(check_module, "render_pages", counting)
    return names


def briefs_check(project, capsys):
    """What `briefs check` prints, through the command line, as a new process would."""
    cache._kept.clear()
    code = main(["--root", str(project.root), "check"])
    out, err = capsys.readouterr()
    return code, out + err


EDITIONS = ["test-column/en", "test-column/kk", "test-report/en", "test-statement/en",
            "test-statement/ru", "test-update/en"]


def test_check_run_again_renders_no_edition_and_says_the_same(project, capsys, rendered):
    """The warnings of a kept edition are said again: here a table's mostly empty
    columns."""
    introduction = project.content / "briefs/test-update/introduction.en.md"
    introduction.write_text(introduction.read_text() + "\n{{ case_table() }}\n")
    first = briefs_check(project, capsys)
    assert first[0] == 0 and "the Region column of a case table is empty" in first[1], first
    assert sorted(rendered) == EDITIONS
    rendered.clear()
    assert briefs_check(project, capsys) == first
    assert rendered == []


def test_check_renders_again_what_an_edit_changed(project, capsys, rendered):
    """A section, a record shown by its public view, a record among those a question
    went through, a file brief.yaml names that was not there, a template: each renders
    again exactly the editions made from it."""
    statement = project.content / "briefs/test-statement"
    replace_in(statement / "body.en.md", "nine years", "nine years {{ case_box('keeper-two') }}")
    assert briefs_check(project, capsys)[0] == 0

    def after(edit):
        rendered.clear()
        edit()
        code, printed = briefs_check(project, capsys)
        return code, printed, sorted(rendered)

    code, printed, again_ = after(lambda: replace_in(statement / "calls.ru.md", "\n", "\n{{ nowhere }}\n"))
    assert code == 1 and "calls.ru.md" in printed and again_ == ["test-statement/ru"]
    code, printed, again_ = after(lambda: replace_in(statement / "calls.ru.md", "\n{{ nowhere }}\n", "\n"))
    assert code == 0 and again_ == ["test-statement/ru"]
    # keeper-two's public view changes: the statement shows it, the questions see it
    code, _, again_ = after(lambda: replace_in(project.content / "cases/keeper-two.yaml",
                                               "Keeper Two", "Keeper 2"))
    assert code == 0 and "test-statement/en" in again_ and "test-statement/ru" not in again_
    # a restricted part of keeper-two: not in the public view the statement showed
    code, _, again_ = after(lambda: replace_in(project.content / "cases/zzyzx-witness.yaml",
                                               "Zzyzx", "Zzyzy"))
    assert code == 0 and "test-statement/en" not in again_
    code, _, again_ = after(lambda: replace_in(project.templates / "partials/macros.html",
                                               "{%", "{# edited #}{%"))
    assert code == 0 and again_ == EDITIONS
