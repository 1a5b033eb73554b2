"""Build-speed benchmark on a synthetic corpus (not part of the test suite).

    python benchmarks/run.py                      # 200 briefs, 2,000 cases, 3 runs
    python benchmarks/run.py --briefs 20 --cases 200 --runs 1    # a quick look

It writes a corpus into a folder of the private cache (60% statements, 30% updates, 10%
reports, each in English and Russian, and one report with a 1,000-row annex), measures
each figure below as a median of the runs, and writes them with their targets to
benchmarks/results.json (and prints them):

- the full build with --cores 2, beside the limit: the same print HTML laid out by
  WeasyPrint alone in 2 processes that import it once;
- a no-op rebuild, beside Snakemake's own no-op of a one-rule workflow measured in the
  same run (three of each per run: the noisiest figures);
- one edited statement section, beside the no-op and its print time; the same on the
  example project of this repository;
- one edited case record (how many briefs are rebuilt, and how many cite it);
- the annex report's job: its peak memory and its English edition's print time, when it
  is rebuilt alone, beside WeasyPrint alone printing the same HTML;
- `briefs preview` on the example project: from a section's save to its new version on
  screen in headless Chromium (web page loaded, PDF pictures shown), for its one-page
  statement (the joint one) and its report, beside their print times. It needs the test tools (Playwright) and
  Debian's chromium, and runs alone with `--only preview`, which updates its figures in
  benchmarks/results.json and leaves the others;
- the same 200 briefs with 20,000 case records (a separate corpus, whose statement brief-000
  also shows one record): the no-op beside Snakemake's own, an edited record that no brief
  shows and one that the statement shows (beside the no-op and its print time), and
  `briefs check` run a second time, whole and its case book part alone. It runs alone with
  `--only records`, which updates its figures in benchmarks/results.json.

Print times are those the jobs log, from the HTML to the PDF.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANNEX = "annex-report"
ANNEX_ROWS = 1000
MAX_CASES = 20_000  # the size of the largest political-prisoner databases
RECORDS = MAX_CASES  # the corpus of the records' figures (--only records)
SHOWN_RECORD = 15_000  # shown by one statement (brief-000) in that corpus, by no other brief
UNSHOWN_RECORD = 19_999  # shown by no brief
# Not the Massimov statement: it is released, and the build refuses an edit of it.
EXAMPLE_STATEMENT = "2022-11-coalition-statement"
EXAMPLE_ONE_PAGE_STATEMENT = ("2022-11-coalition-statement", "body")
EXAMPLE_REPORT = ("2020-12-persecution-before-elections", "summary")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def case_id(number):
    """The id of the corpus's case record number (five digits: up to MAX_CASES)."""
    return f"case-{number:05d}"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_corpus(root, briefs, cases, seed=7):
    """A content tree of invented briefs and case records."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "templates", "profiles"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    content = root / "content"
    write(content / "organisations.yaml", "bench:\n  name: {en: Bench Rights, ru: Бенч}\n"
          "  short_name: {en: BR, ru: БР}\n  website: https://bench.example.org\n"
          "  contact: {en: bench@example.org, ru: bench@example.org}\n")
    write(content / "legal/criminal-code.yaml", "title: {en: Code}\nshort: {en: CC}\n"
          "articles:\n  '174': {en: discord}\n  '405': {en: banned group}\n")
    write(content / "affiliations.yaml", "movement:\n  name: {en: Movement}\n")
    write(content / "regions.yaml", "north:\n  name: {en: North}\n")
    for number in range(cases):
        # The first 1,000 are held by 2020 and make the annex; the others come later too.
        annex = number < ANNEX_ROWS
        day = datetime.date(2019, 1, 1) + datetime.timedelta(
            days=rng.randrange(365 if annex else 900))
        write(content / f"cases/{case_id(number)}.yaml", "\n".join([
            f"id: {case_id(number)}", f"name: {{en: Person {number:04d}, ru: Человек {number:04d}}}",
            "region: north", "affiliations: [movement]",
            f"tags: [t{number % 20}{', annex' if annex else ''}]",
            f"charges: [{{article: '405', date: {day}}}]",
            "events:", f"  - {{date: {day}, type: pretrial_detention, text: {{en: Held.}}}}", ""]))
    kinds = ["statement"] * 6 + ["update"] * 3 + ["report"]
    for number in range(briefs):
        kind = kinds[number % 10]
        brief_id = ANNEX if number == briefs - 1 else f"brief-{number:03d}"
        write_brief(content / "briefs" / brief_id, kind if brief_id != ANNEX else "report",
                    number, rng)
    return root


def write_brief(folder, kind, number, rng):
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=number % 900)
    extra = {"update": f"period: {{start: {day - datetime.timedelta(days=90)}, end: {day}}}",
             "report": f"as_of: {day}"}.get(kind, "")
    sections = {"statement": ["body"], "update": ["introduction", "expression"],
                "report": ["background", "analysis"]}[kind]
    write(folder / "brief.yaml", "\n".join([
        f"kind: {kind}", "languages: [en, ru]", f"date: {day}", "place: {en: Almaty, ru: Алматы}",
        f"title: {{en: Brief {number}, ru: Бриф {number}}}", "organisations: [bench]", extra,
        "sections: [" + ", ".join(sections) + "]", ""]))
    for stem in sections:
        for lang in ("en", "ru"):
            paragraphs = "\n\n".join(
                " ".join(rng.choice(["The court", "Activists", "Police", "The family"])
                         + " " + rng.choice(["met", "waited", "appealed", "spoke"]) + "."
                         for _ in range(12)) for _ in range(3 if kind == "statement" else 12))
            cases = ""
            if kind != "statement" and stem == sections[-1]:  # a box is shown once an edition
                cases = f'\n\n{{{{ case_box("{case_id(number % 50)}") }}}}\n'
            if folder.name == ANNEX and stem == "analysis":
                cases += '\n\n{{ case_table(tag="annex") }}\n'
            write(folder / f"{stem}.{lang}.md", f"# {stem.title()}\n\n{paragraphs}{cases}")


def snakemake(root, *args):
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args],
                            cwd=root, capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stdout[-3000:] + result.stderr[-3000:])
    steps = re.findall(r"(\d+) of (\d+) steps", result.stdout + result.stderr)
    return time.perf_counter() - start, int(steps[-1][1]) if steps else 0


def snakemake_alone(folder):
    """Snakemake's no-op of a one-rule workflow whose output exists."""
    write(folder / "Snakefile", 'rule one:\n    output: "done"\n    shell: "touch {output}"\n')
    snakemake(folder)
    return snakemake(folder)[0]


def print_seconds(root, brief_id, lang=None):
    """The print time a brief's job logged: one edition's, or all its editions together."""
    log = (root / ".cache/public/logs" / f"{brief_id}.log").read_text(encoding="utf-8")
    pattern = rf"^{re.escape(brief_id)}\.{lang or '[a-z]+'}: .* printed in ([0-9.]+) s"
    return sum(float(seconds) for seconds in re.findall(pattern, log, re.MULTILINE))


def print_html_files(root):
    """Every edition's print HTML, as the build jobs render it."""
    sys.path.insert(0, str(REPO))
    from briefs.content.inputs import discover
    from briefs.edition import editions
    from briefs.project import Project
    from briefs.render.helpers import CaseHelpers
    from briefs.render.html import render_edition, render_sections
    from briefs.settings import Settings

    project = Project(root)
    folder = root / "print-html"
    folder.mkdir()
    for brief_id in discover(project):
        for edition in editions(project, brief_id, Settings(cache=root / ".cache/public")):
            helpers = CaseHelpers(edition)
            html = render_edition(edition, "print", render_sections(edition, helpers))
            write(folder / f"{brief_id}.{edition.lang}.html", html)
    return sorted(folder.iterdir())


def _print(path):
    from weasyprint import HTML

    start = time.perf_counter()
    HTML(filename=str(path)).write_pdf(str(path.with_suffix(".pdf")), pdf_variant="pdf/ua-1",
                                       pdf_tags=True)
    return path.stem, time.perf_counter() - start


def _import_weasyprint():
    import weasyprint  # noqa: F401  (each worker pays the import once)


def limit(paths, processes=2):
    """The wall time of printing every file, and each file's own print time."""
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes,
                                                   initializer=_import_weasyprint) as pool:
        seconds = pool.map(_print, sorted(paths, key=lambda p: -p.stat().st_size), chunksize=1)
    return time.perf_counter() - start, dict(seconds)


def touch_text(path, addition):
    path.write_text(path.read_text(encoding="utf-8") + addition, encoding="utf-8")


def annex_memory(root):
    """Peak memory of the job that builds the report with the 1,000-row annex (both
    editions), run in a process of its own to measure it."""
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "briefs", "--root",
               str(root), "brief", ANNEX, "--out", str(root / "annex-check"),
               "--cache", str(root / ".cache/public")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=root)
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def example_edit(folder):
    """An edited statement section on this repository's example project: (no-op seconds,
    edit seconds, the edited brief's print time)."""
    root = copy_example(folder)
    snakemake(root)
    noop = statistics.median(snakemake(root)[0] for _ in range(3))
    edits = []
    for _ in range(3):
        touch_text(root / f"content/briefs/{EXAMPLE_STATEMENT}/body.en.md", "\nOne more line.\n")
        edits.append(snakemake(root)[0])
    return noop, statistics.median(edits), print_seconds(root, EXAMPLE_STATEMENT)


def copy_example(folder):
    """A copy of this repository's example project."""
    root = Path(folder, "example")
    root.mkdir(parents=True)
    for name in ("Snakefile", "templates", "profiles", "content"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    return root


def preview_latency(folder, edits=5):
    """Seconds from a section's save to its new version on screen, and the edition's print
    time, for a one-page statement of the example project and its report: {name: (medians
    of latency, print)}. Each edit adds one line to the section as it was."""
    from playwright.sync_api import sync_playwright

    root = copy_example(folder)
    process = subprocess.Popen([sys.executable, "-m", "briefs", "preview", "--port", "0"],
                               cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        entrance = next(found for line in process.stdout
                        if (found := re.search(r"(http://\S+/)\?key=\S+", line)))
        address = entrance[1]
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(entrance[0])  # lets the browser in: it keeps the key as a cookie
            figures = {name: save_to_screen(page, address, root, brief_id, stem, edits)
                       for name, (brief_id, stem) in (("statement", EXAMPLE_ONE_PAGE_STATEMENT),
                                                      ("report", EXAMPLE_REPORT))}
            browser.close()
    finally:
        process.terminate()  # ours, by its PID; it ends its job server and jobs
        process.wait()
    return figures


def save_to_screen(page, address, root, brief_id, stem, edits):
    page.goto(f"{address}preview/{brief_id}/en")
    page.locator(".panes:not(.stale)").wait_for(timeout=120_000)
    quiet(page, address)
    latencies, prints = [], []
    section = root / f"content/briefs/{brief_id}/{stem}.en.md"
    original = section.read_text(encoding="utf-8")
    for number in range(edits):
        saved = time.time()
        section.write_text(f"{original}\nEdit number {number}.\n", encoding="utf-8")
        while page.evaluate("window.previewShownAt || 0") < saved * 1000:
            time.sleep(0.005)
        latencies.append(page.evaluate("window.previewShownAt") / 1000 - saved)
        log = root / ".cache/preview/public/logs" / f"{brief_id}.en.log"
        prints.append(float(re.search(r"printed in ([0-9.]+) s", log.read_text())[1]))
        quiet(page, address)
    return statistics.median(latencies), statistics.median(prints)


def quiet(page, address, seconds=120):
    """Wait until the preview builds nothing, so that one edit is measured alone."""
    end = time.monotonic() + seconds
    while "being built" in page.request.get(address).text() or page.locator(
            "#status").inner_text():
        if time.monotonic() > end:
            sys.exit("the preview did not finish building")
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", default=str(REPO / "benchmarks" / "results.json"))
    parser.add_argument("--only", choices=["preview", "records"], help="measure only this, "
                        "and update its figures in the results file")
    args = parser.parse_args()
    figures = {}

    def note(key, value):
        figures.setdefault(key, []).append(value)

    scratch = REPO / ".cache" / "benchmark"
    if args.only == "preview":
        return only_preview(args, scratch)
    if args.only == "records":
        return only_records(args, scratch)
    for run in range(args.runs):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        root = make_corpus(scratch / "corpus", args.briefs, min(args.cases, MAX_CASES))
        note("full", snakemake(root)[0])
        html = print_html_files(root)
        note("limit", limit(html)[0])
        for _ in range(3):  # a few seconds each, and the noisiest figures
            note("snakemake_alone", snakemake_alone(scratch / "alone"))
            note("noop", snakemake(root)[0])
        for _ in range(3):
            touch_text(root / "content/briefs/brief-000/body.en.md", "\nOne more line.\n")
            seconds, jobs = snakemake(root)
            note("edit", seconds)
            note("edit_jobs", jobs)
            note("edit_print", print_seconds(root, "brief-000"))
        before = {p: p.stat().st_mtime_ns for p in (root / "build").glob("*/*.pdf")}
        touch_text(root / f"content/cases/{case_id(1)}.yaml", "notes: edited\n")
        snakemake(root)
        rebuilt = {p.parent.name for p, t in before.items() if p.stat().st_mtime_ns != t}
        cite = {p.parent.name for p in (root / "build").glob("*/*.json")
                if case_id(1) in json.loads(p.read_text())["cases"]}
        note("case_rebuilt", len(rebuilt))
        note("case_cited", len(cite))
        touch_text(root / f"content/briefs/{ANNEX}/analysis.en.md", "\nOne more line.\n")
        snakemake(root)  # the annex printed with nothing else running, as an editor would
        note("annex", print_seconds(root, ANNEX, "en"))
        annex_html = [path for path in html if path.stem == f"{ANNEX}.en"]
        note("annex_weasyprint", limit(annex_html, 1)[1][f"{ANNEX}.en"])
        note("memory", annex_memory(root))
        example = example_edit(scratch)
        for key, value in zip(("example_noop", "example_edit", "example_print"), example):
            note(key, value)
        for name, (latency, printing) in preview_latency(scratch / "preview").items():
            note(f"preview_{name}", latency)
            note(f"preview_{name}_print", printing)
        for key, values in records_figures(scratch / "records", args.briefs).items():
            figures.setdefault(key, []).extend(values)
    shutil.rmtree(scratch, ignore_errors=True)
    median = {key: statistics.median(values) for key, values in figures.items()}
    results = report(args, median)
    Path(args.results).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.results}")


def records_figures(folder, briefs):
    """One run of the figures at RECORDS case records: {name: [seconds or count, ...]}.
    Each edit adds a comment line to the record: new bytes, the same data."""
    figures = {}

    def note(key, value):
        figures.setdefault(key, []).append(value)

    root = make_corpus(folder / "corpus", briefs, RECORDS)
    for lang in ("en", "ru"):
        touch_text(root / f"content/briefs/brief-000/body.{lang}.md",
                   f'\n{{{{ case_box("{case_id(SHOWN_RECORD)}") }}}}\n')
    note("records_full", snakemake(root)[0])
    for _ in range(3):
        note("records_snakemake_alone", snakemake_alone(folder / "alone"))
        note("records_noop", snakemake(root)[0])
    for number in range(3):
        touch_text(root / f"content/cases/{case_id(UNSHOWN_RECORD)}.yaml", f"# edit {number}\n")
        seconds, jobs = snakemake(root)
        note("records_edit_unshown", seconds)
        note("records_edit_unshown_jobs", jobs)
        touch_text(root / f"content/cases/{case_id(SHOWN_RECORD)}.yaml", f"# edit {number}\n")
        seconds, jobs = snakemake(root)
        note("records_edit_shown", seconds)
        note("records_edit_shown_jobs", jobs)
        note("records_edit_shown_print", print_seconds(root, "brief-000"))
    note("records_check_first", briefs_check(root))
    for _ in range(3):
        note("records_check_again", briefs_check(root))
        note("records_check_again_book", check_book_seconds(root))
    shutil.rmtree(folder, ignore_errors=True)
    return figures


def briefs_check(root):
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "briefs", "check"], cwd=root,
                            capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stdout[-3000:] + result.stderr[-3000:])
    return time.perf_counter() - start


def check_book_seconds(root):
    """The case book's part of `briefs check`, in a process that has not read it: the files
    read and hashed once, every record of the internal book checked, the public book made
    for the editions; from the private cache a check before filled."""
    sys.path.insert(0, str(REPO))
    from briefs.cases import cache
    from briefs.cases.sources import case_sources
    from briefs.project import Project

    project = Project(root)
    cache._kept.clear()
    start = time.perf_counter()
    sources = case_sources(project, root / ".cache/public")
    cache.checked_count(project, "internal", root / ".cache/internal", sources)
    cache.casebook(project, "public", root / ".cache/public", sources=sources)
    return time.perf_counter() - start


def only_records(args, scratch):
    """The figures at RECORDS case records alone, written into the results file beside the
    others."""
    shutil.rmtree(scratch, ignore_errors=True)
    figures = {}
    for run in range(args.runs):
        for key, values in records_figures(scratch / f"run-{run}", args.briefs).items():
            figures.setdefault(key, []).extend(values)
    shutil.rmtree(scratch, ignore_errors=True)
    median = {key: statistics.median(values) for key, values in figures.items()}
    about = {"date": datetime.date.today().isoformat(), "runs": args.runs,
             "briefs": args.briefs, "cases": RECORDS, "cores": os.cpu_count()}
    update_results(args, median, records_checks(median), "records", about)


def only_preview(args, scratch):
    """The preview's figures alone, written into the results file beside the others."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    figures = {}
    for run in range(args.runs):
        for name, (latency, printing) in preview_latency(scratch / f"run-{run}").items():
            figures.setdefault(f"preview_{name}", []).append(latency)
            figures.setdefault(f"preview_{name}_print", []).append(printing)
    shutil.rmtree(scratch, ignore_errors=True)
    median = {key: statistics.median(values) for key, values in figures.items()}
    about = {"date": datetime.date.today().isoformat(), "runs": args.runs,
             "edits_per_run": 5, "project": "the example project"}
    update_results(args, median, preview_checks(median), "preview", about)


def update_results(args, median, checks, name, about):
    """Write one part's figures into the results file, leaving the others' as they were."""
    path = Path(args.results)
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    results.setdefault("medians", {}).update((k, round(v, 3)) for k, v in median.items())
    results.setdefault("targets", {}).update(
        (check, {"value": round(value, 3), "target": target, "met": value <= target})
        for check, (value, target) in checks.items())
    results[name] = about
    print_figures(median, checks)
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.results}")


def preview_checks(m):
    return {"preview: statement saved to on screen - its print time, s": (
        m["preview_statement"] - m["preview_statement_print"], 0.5)}


def records_checks(m):
    return {
        "20,000 records: no-op / Snakemake's one-rule no-op": (
            m["records_noop"] / m["records_snakemake_alone"], 1.25),
        "20,000 records: edited record no brief shows - no-op, s": (
            m["records_edit_unshown"] - m["records_noop"], 1.0),
        "20,000 records: edited record a statement shows - (no-op + its print time), s": (
            m["records_edit_shown"] - m["records_noop"] - m["records_edit_shown_print"], 1.5),
        "20,000 records: briefs check run a second time, s": (m["records_check_again"], 3.0),
    }


def print_figures(m, checks):
    for name, value in m.items():
        print(f"  {name:28} {value:8.2f}")
    for name, (value, target) in checks.items():
        print(f"{'met ' if value <= target else 'MISSED'} {name}: {value:.2f} (target {target})")


def report(args, m):
    """The figures beside the issue's targets, printed and returned for the results file."""
    checks = {
        "full build / WeasyPrint alone": (m["full"] / m["limit"], 1.10),
        "no-op / Snakemake's one-rule no-op": (m["noop"] / m["snakemake_alone"], 1.25),
        "edited statement - (no-op + its print time), s": (
            m["edit"] - m["noop"] - m["edit_print"], 1.5),
        "example project: edited statement - (no-op + its print time), s": (
            m["example_edit"] - m["example_noop"] - m["example_print"], 1.5),
        "annex job's peak memory, MB": (m["memory"], 400),
        "annex print / WeasyPrint alone": (m["annex"] / m["annex_weasyprint"], 1.10),
        **preview_checks(m),
        **records_checks(m),
    }
    print(f"corpus: {args.briefs} briefs in en and ru, {args.cases} case records, "
          f"{args.runs} run(s), {os.cpu_count()} cores; medians")
    print_figures(m, checks)
    return {"date": datetime.date.today().isoformat(),
            "corpus": {"briefs": args.briefs, "cases": args.cases, "runs": args.runs,
                       "cores": os.cpu_count()},
            "medians": {key: round(value, 3) for key, value in m.items()},
            "targets": {name: {"value": round(value, 3), "target": target,
                               "met": value <= target}
                        for name, (value, target) in checks.items()}}


if __name__ == "__main__":
    main()
