"""The real Snakemake workflow on the tests' own content tree."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading

from pypdf import PdfReader

from briefs.publish.manifest import sha256
from briefs.workflow.dependencies import stop_rescheduling_timers

from conftest import ARCHIVE, run_snakemake

EDITIONS = ["test-column.en", "test-column.kk", "test-report.en", "test-statement.en",
            "test-statement.ru", "test-update.en"]


# The catalogue's feeds, written with it (briefs/publish/feed.py).
FEEDS = ["feed.en.xml", "feed.kk.xml", "feed.ru.xml"]


def pdf_text(path):
    """Each page's text, its no-break spaces ("25 April", "18 years") read as spaces."""
    return [page.extract_text().replace("\xa0", " ") for page in PdfReader(path).pages]


def outputs(project):
    build = project.root / "build"
    return {p.relative_to(build).as_posix(): p.stat().st_mtime_ns
            for p in build.rglob("*") if p.is_file() and "logs" not in p.parts}


def test_every_edition_gets_html_pdf_and_a_catalogue_entry(built):
    build = built.root / "build"
    for edition in EDITIONS:
        brief = edition.split(".")[0]
        for suffix in ("html", "pdf", "json"):
            assert (build / brief / f"{edition}.{suffix}").is_file(), edition
    index = (build / "index.html").read_text(encoding="utf-8")
    assert index.count('class="entry"') == 4
    # newest first: the column of 2024, then the statement of 2023
    assert index.index('<a href="test-column/') < index.index('<a href="test-statement/')
    assert 'href="test-statement/test-statement.ru.pdf"' in index
    assert (build / "assets" / "fonts" / "PTSerif-Regular.ttf").is_file()


def test_statement_pdf_is_one_page_with_its_footnote(built):
    [page] = pdf_text(built.root / "build/test-statement/test-statement.en.pdf")
    assert "Free the Lighthouse Keeper" in page.replace("\xa0", " ")  # its last words bound
    assert "Testville, 25 April 2023" in page
    assert "Verdict of the Testville court" in page
    assert "Page 1" not in page  # the letterhead page has no footer


def test_report_pdf_pages_carry_header_and_localised_footer(built):
    pages = pdf_text(built.root / "build/test-report/test-report.en.pdf")
    assert len(pages) >= 4
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert "Persecution of Lighthouse Keepers" in pages[1]  # running header
    assert "Contents" in pages[1]
    assert any("Keeper Two" in page for page in pages)
    russian = pdf_text(built.root / "build/test-statement/test-statement.ru.pdf")
    assert "Мы призываем власти" in russian[0]


def test_footnotes_sit_on_the_page_of_their_call(built):
    pages = pdf_text(built.root / "build/test-report/test-report.en.pdf")
    for call_text, note in [("keepers are held", "Beta count of November 2020"),
                            ("used against keepers", "Criminal Code, article 405")]:
        [page] = [p for p in pages if call_text in p]
        assert note in page


def test_pdf_metadata_comes_from_the_brief(built):
    reader = PdfReader(built.root / "build/test-column/test-column.kk.pdf")
    info = reader.metadata
    assert info.title == "Айлақтағы кешіктірілген әділдік"
    assert info.author == "Дана Тестова"  # a column's author is its columnist
    statement = PdfReader(built.root / "build/test-statement/test-statement.ru.pdf").metadata
    assert statement.author == "Правозащитный центр «Альфа»"
    assert info["/CreationDate"].startswith("D:20240129")
    record = json.loads((built.root / "build/test-column/test-column.kk.json").read_text())
    assert record["pages"] == len(reader.pages) and record["lang"] == "kk"


def link_targets(path):
    return [annotation.get_object().get("/A", {}).get("/URI") for page in PdfReader(path).pages
            for annotation in page.get("/Annots", [])]


def test_a_column_names_its_author_and_publisher_on_page_one(built):
    folder = built.root / "build" / "test-column"
    pdf = PdfReader(folder / "test-column.en.pdf")
    assert pdf.metadata.author == "Dana Testova"
    first = pdf.pages[0].extract_text()
    assert "Alpha Rights Centre" in first and "Photo: Alma Test" in first
    assert "Photo: Photo" not in first
    web = (folder / "test-column.en.html").read_text()
    assert web.index('class="bio"') < web.index('class="end-notes"')


def test_pdfs_link_only_to_addresses_that_work_wherever_the_file_goes(built):
    targets = [uri for path in (built.root / "build").glob("*/*.pdf")
               for uri in link_targets(path) if uri]
    assert targets and all(uri.startswith(("https://", "http://", "mailto:")) for uri in targets)
    statement = link_targets(built.root / "build/test-statement/test-statement.en.pdf")
    assert "mailto:press@alpha.example.org" in statement


def test_with_a_site_address_pdfs_link_to_their_other_editions_there(built, tmp_path):
    out = tmp_path / "site"
    result = run_snakemake(built, "--config", "site_url=https://briefs.example.org",
                           f"out={out}", f"cache={tmp_path / 'cache'}")
    assert result.returncode == 0, result.stderr
    assert ("https://briefs.example.org/test-column/test-column.kk.pdf"
            in link_targets(out / "test-column/test-column.en.pdf"))


def test_kazakh_letters_survive_into_the_pdf(built):
    [page] = pdf_text(built.root / "build/test-column/test-column.kk.pdf")
    assert "әғқңөұүһі ӘҒҚҢӨҰҮҺІ" in page


def test_a_second_run_has_nothing_to_do(built):
    result = run_snakemake(built, "--dry-run")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_editing_one_section_rebuilds_its_brief_and_the_catalogue_only(prebuilt):
    project = prebuilt
    before = outputs(project)
    section = project.brief_dir("test-statement") / "body.en.md"
    section.write_text(section.read_text() + "\nA new paragraph.\n")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    after = outputs(project)
    changed = sorted(name for name in after if after[name] != before.get(name))
    brief_files = sorted(name for name in after if name.startswith("test-statement/"))
    assert len(brief_files) == 12  # five per edition in en and ru, data package, press kit
    assert changed == [*FEEDS, "index.html", "manifest.json", *brief_files]
    assert "A new paragraph." in pdf_text(
        project.root / "build/test-statement/test-statement.en.pdf")[0]


def test_the_web_fonts_are_copied_again_when_one_is_replaced(project):
    target = "build/assets/fonts/LICENSE.txt"
    copy = project.root / target
    assert run_snakemake(project, target).returncode == 0
    assert sorted(p.name for p in copy.parent.iterdir()) == sorted(
        p.name for p in (project.templates / "fonts").iterdir())  # and nothing else
    source = project.templates / "fonts/LICENSE.txt"
    source.write_text(source.read_text() + "Replaced in place.\n")
    result = run_snakemake(project, target)
    assert result.returncode == 0, result.stderr
    assert copy.read_text().endswith("Replaced in place.\n")


def test_a_deleted_pdf_is_printed_again_and_the_manifest_follows(prebuilt):
    project = prebuilt
    pdf = project.root / "build/test-statement/test-statement.ru.pdf"
    manifest = project.root / "build/manifest.json"
    pdf.unlink()
    before = manifest.stat().st_mtime_ns
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    assert pdf.is_file() and manifest.stat().st_mtime_ns != before
    entries = {e["path"]: e["sha256"] for e in json.loads(manifest.read_text())["outputs"]}
    assert entries["test-statement/test-statement.ru.pdf"] == sha256(pdf)


def test_a_content_mistake_stops_the_build_with_file_and_line(project):
    section = project.brief_dir("test-statement") / "calls.en.md"
    section.write_text("# Calls\n\n- release {{ prisoner_name }}\n")
    result = run_snakemake(project)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "content/briefs/test-statement/calls.en.md, line 3: unknown name" in message
    assert "'prisoner_name' is undefined" in message
    assert "Traceback" not in message and 'File "' not in message  # no Snakefile frames
    assert "Cannot restore" not in message  # nothing was built before: nothing to keep
    leftovers = list((project.root / "build" / "test-statement").glob("test-statement.en.*"))
    assert leftovers == []


def test_a_failed_build_keeps_the_last_good_files_and_fails_again_until_fixed(prebuilt):
    project = prebuilt
    folder = project.root / "build" / "test-statement"
    good = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    section = project.brief_dir("test-statement") / "calls.en.md"
    section.write_text("# Calls\n\n- release {{ prisoner_name }}\n")
    for _ in range(2):  # a second run must not take the kept files for a success
        result = run_snakemake(project)
        assert result.returncode != 0 and "'prisoner_name' is undefined" in result.stderr
        assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == good
    section.write_text("# Calls\n\n- release Keeper One\n")
    assert run_snakemake(project).returncode == 0
    assert "release Keeper One" in "".join(pdf_text(folder / "test-statement.en.pdf"))


def test_the_build_says_which_edition_is_over_its_kinds_page_budget(project):
    from test_cli import lengthen

    lengthen(project, "test-statement", paragraphs=6)
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    assert ("warning: content/briefs/test-statement: test-statement.en.pdf has 2 pages, 1 more "
            "than a statement should have (1): ") in result.stderr
    assert "; shorten its sections by as much, or make it a report" in result.stderr
    assert result.stderr.count("warning: ") == 1


def test_a_broken_brief_yaml_is_named_before_anything_runs(project):
    (project.brief_dir("test-report") / "brief.yaml").write_text("kind: [report\n")
    result = run_snakemake(project)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "\ncontent/briefs/test-report/brief.yaml, line 2: this is not valid YAML" in message
    assert not (project.root / "build").exists()


def test_editing_a_case_rebuilds_the_briefs_that_show_case_data_only(prebuilt):
    project = prebuilt
    before = outputs(project)
    record = project.content / "cases" / "keeper-one.yaml"
    record.write_text(record.read_text().replace(
        "  - date: 2021-03-01\n", "  - date: 2020-11-01\n"))  # released before the as_of date
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    after = outputs(project)
    changed = {name.split("/")[0] for name in after if after[name] != before.get(name)}
    # the others never show her
    assert changed == {*FEEDS, "index.html", "manifest.json", "test-report"}
    text = "".join(pdf_text(project.root / "build/test-report/test-report.en.pdf"))
    assert "At least one keepers are held: Keeper Two." in text
    assert "Released on 1 November 2020" in text


PLANTED = ("Zzyzx", "Qvxtestimony")  # a restricted record, event, source and field carry them


def test_a_case_no_edition_shows_rebuilds_nothing_but_one_newly_matching_does(prebuilt):
    project = prebuilt
    before = outputs(project)
    record = project.content / "cases" / "keeper-four.yaml"  # dead by 2020: only charted
    record.write_text(record.read_text().replace("Died in custody.", "Died in custody after a night arrest."))
    assert run_snakemake(project).returncode == 0
    middle = outputs(project)
    changed = {name.split("/")[0] for name in middle if middle[name] != before.get(name)}
    assert changed == {*FEEDS, "index.html", "manifest.json", "test-report"}
    record.write_text(record.read_text().replace("tags: [political-killing]",
                                                 "tags: [political-killing, assembly]"))
    assert run_snakemake(project).returncode == 0  # now an 'assembly' case: the column lists her
    after = outputs(project)
    changed = {name.split("/")[0] for name in after if after[name] != middle.get(name)}
    assert changed == {*FEEDS, "index.html", "manifest.json", "test-column", "test-report",
                       "test-update"}
    assert "Keeper Four" in (project.root / "build/test-column/test-column.kk.html").read_text()


def test_restricted_records_never_reach_public_outputs(built):
    """Rule: restricted records are neither named nor counted; restricted events, sources
    and fields are left out; internal notes are never printed."""
    for path in (built.root / "build").rglob("*"):
        if path.is_file() and "logs" not in path.parts:
            assert not any(s.encode() in path.read_bytes() for s in PLANTED), path
            assert not any(s in path.name for s in PLANTED)
    for pdf in (built.root / "build").rglob("*.pdf"):
        reader = PdfReader(pdf)
        visible = "".join(pdf_text(pdf)) + str(reader.metadata) + str(reader.outline)
        assert not any(s in visible for s in PLANTED), pdf
    report = pdf_text(built.root / "build/test-report/test-report.en.pdf")
    assert "At least two keepers are held: Keeper One and Keeper Two." in "".join(report)


def test_an_internal_build_shows_restricted_records_and_marks_every_page(built):
    result = run_snakemake(built, "--config", "audience=internal")
    assert result.returncode == 0, result.stderr
    internal = built.root / "build-internal"
    pages = pdf_text(internal / "test-report/test-report.en.pdf")
    assert all("RESTRICTED - NOT FOR DISTRIBUTION" in page for page in pages)
    assert any("Zzyzx Restricted-Witness" in page for page in pages)
    assert any("Qvxtestimony" in page for page in pages)
    assert any("Zzyzx-occupation hidden" in page or "South Province" in page for page in pages)
    web = (internal / "test-report/test-report.en.html").read_text()
    assert 'class="restricted-banner"' in web and "Zzyzx" in web
    public = "".join(pdf_text(built.root / "build/test-report/test-report.en.pdf"))
    assert "RESTRICTED" not in public and "Zzyzx" not in public


def test_russian_and_kazakh_editions_carry_no_english_interface_strings(built):
    from test_i18n import template_messages

    messages = {m for m in template_messages() if isinstance(m, str)}
    english = {m for m in messages if len(m) > 3 and "%" not in m}
    english |= {m.split("%")[0].strip() for m in messages if m.split("%")[0].strip()}
    for name in ("test-statement/test-statement.ru", "test-column/test-column.kk"):
        html = (built.root / "build" / f"{name}.html").read_text()
        html = html[html.index("<body"):]
        text = "".join(pdf_text(built.root / "build" / f"{name}.pdf"))
        for message in english:
            assert f">{message}<" not in html and message not in text, (name, message)


def test_every_edition_has_a_card_picture_for_shared_links(built):
    from PIL import Image

    for edition in EDITIONS:
        brief = edition.split(".")[0]
        with Image.open(built.root / "build" / brief / f"{edition}.card.png") as card:
            assert card.size == (1200, 630)


def test_the_workflow_runs_unchanged_through_a_cluster_executor(built, tmp_path_factory):
    """snakemake-executor-plugin-cluster-generic with a submit command that runs each job
    script here: the same outputs, byte for byte, as the local build."""
    from conftest import REPO, make_project

    folder = tmp_path_factory.mktemp("cluster")
    project = make_project(folder)
    submit = REPO / "tests" / "submit_local.sh"
    result = run_snakemake(project, "--executor", "cluster-generic",
                           "--cluster-generic-submit-cmd", f"bash {submit}", "--jobs", "4",
                           "--latency-wait", "5", "--seconds-between-status-checks", "1")
    assert result.returncode == 0, result.stderr[-2000:]
    local, cluster = outputs(built), outputs(project)
    assert sorted(local) == sorted(cluster)
    for name in local:
        assert (built.root / "build" / name).read_bytes() == \
            (project.root / "build" / name).read_bytes(), name


def test_the_schedulers_leftover_timers_are_cancelled_when_the_workflow_is_over():
    fired = []
    timer = threading.Timer(60, lambda: fired.append(True))
    timer.start()
    stop_rescheduling_timers()
    timer.join(timeout=10)
    assert not timer.is_alive() and not fired


def test_snakemakes_objects_are_kept_from_the_garbage_collector_until_exit():
    # At exit the freeze must cover objects made after the call too (the plan of the build).
    script = """
import atexit, gc
from briefs.workflow.dependencies import spare_garbage_collection
atexit.register(lambda: print(gc.get_freeze_count() - frozen >= 40_000))
spare_garbage_collection()
frozen = gc.get_freeze_count()
plan = [[] for _ in range(50_000)]
print(frozen > 0)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_the_catalogue_shows_the_publishers_logos(built):
    index = (built.root / "build" / "index.html").read_text(encoding="utf-8")
    logos = re.findall(r'<p class="entry-logos"><img src="data:image/svg\+xml;base64,[^"]+" '
                       r'alt="([^"]+)">', index)
    assert logos and set(logos) == {"Alpha Rights Centre"}


def test_what_rebuilds_a_brief_is_its_bytes_not_its_times(prebuilt):
    """Files saved unchanged rebuild nothing; a same-size edit with its time put back,
    which Snakemake's comparison of times cannot see, is printed."""
    project = prebuilt
    before = outputs(project)
    for path in [project.brief_dir("test-report") / "brief.yaml",
                 project.content / "cases" / "keeper-one.yaml"]:
        path.write_bytes(path.read_bytes())
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    assert "Nothing to be done" in result.stdout + result.stderr
    assert outputs(project) == before
    section = project.brief_dir("test-statement") / "body.en.md"
    text, times = section.read_text(), section.stat()
    assert "lighthouse" in text
    section.write_text(text.replace("lighthouse", "lighthoose", 1))
    os.utime(section, ns=(times.st_atime_ns, times.st_mtime_ns))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    pdf = project.root / "build/test-statement/test-statement.en.pdf"
    assert "lighthoose" in "".join(pdf_text(pdf))


def test_force_all_builds_every_brief_again_and_reports_and_deletions_see_them_all(prebuilt):
    """Up-to-date briefs are left out of what Snakemake is shown when it builds, but not when
    it is told to force jobs, to summarise or to delete the outputs."""
    project = prebuilt
    before = outputs(project)
    result = run_snakemake(project, "--forceall")
    assert result.returncode == 0, result.stderr
    after = outputs(project)
    assert {name for name in after if after[name] == before[name]} == set()
    summary = run_snakemake(project, "--summary")
    assert summary.returncode == 0, summary.stderr
    pdfs = sorted(path.relative_to(project.root).as_posix()
                  for path in (project.root / "build").glob("*/*.pdf"))
    assert len(pdfs) > 4 and all(pdf in summary.stdout for pdf in pdfs)
    deleted = run_snakemake(project, "--delete-all-output")
    assert deleted.returncode == 0, deleted.stderr
    assert not list((project.root / "build").rglob("*.*"))


def test_a_removed_brief_leaves_the_catalogue_and_the_manifest(prebuilt):
    project = prebuilt
    shutil.rmtree(project.brief_dir("test-update"))
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    assert "test-update" not in (project.root / "build/index.html").read_text()
    assert "test-update" not in (project.root / "build/manifest.json").read_text()


def test_builds_into_two_folders_keep_each_other_up_to_date(examples):
    """The archival variant goes to build-pdfa/ after build/ (the examples fixture): each
    folder's briefs keep stamps of their own, so neither build undoes the other."""
    for args in ((), ARCHIVE):
        result = run_snakemake(examples, *args)
        assert result.returncode == 0, result.stderr
        assert "Nothing to be done" in result.stdout + result.stderr, args
