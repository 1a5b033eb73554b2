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
  is rebuilt alone, beside WeasyPrint alone printing the same HTML.

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
EXAMPLE_STATEMENT = "2023-04-massimov-conviction"


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
        write(content / f"cases/case-{number:04d}.yaml", "\n".join([
            f"id: case-{number:04d}", f"name: {{en: Person {number:04d}, ru: Человек {number:04d}}}",
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
            if kind != "statement" and stem != "introduction":
                cases = f'\n\n{{{{ case_box("case-{number % 50:04d}") }}}}\n'
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
    from briefs.content.load import discover
    from briefs.edition import Settings, editions
    from briefs.project import Project
    from briefs.render.helpers import CaseHelpers
    from briefs.render.html import render_edition, section_sources

    project = Project(root)
    folder = root / "print-html"
    folder.mkdir()
    for brief_id in discover(project):
        for edition in editions(project, brief_id, Settings(cache=root / ".cache/public")):
            helpers = CaseHelpers(edition)
            html = render_edition(edition, "print", helpers, section_sources(edition, helpers))
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
    root = Path(folder, "example")
    root.mkdir()
    for name in ("Snakefile", "templates", "profiles", "content"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    snakemake(root)
    noop = statistics.median(snakemake(root)[0] for _ in range(3))
    edits = []
    for _ in range(3):
        touch_text(root / f"content/briefs/{EXAMPLE_STATEMENT}/body.en.md", "\nOne more line.\n")
        edits.append(snakemake(root)[0])
    return noop, statistics.median(edits), print_seconds(root, EXAMPLE_STATEMENT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", default=str(REPO / "benchmarks" / "results.json"))
    args = parser.parse_args()
    figures = {}

    def note(key, value):
        figures.setdefault(key, []).append(value)

    scratch = REPO / ".cache" / "benchmark"
    for run in range(args.runs):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        root = make_corpus(scratch / "corpus", args.briefs, min(args.cases, 10_000))
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
        touch_text(root / "content/cases/case-0001.yaml", "notes: edited\n")
        snakemake(root)
        rebuilt = {p.parent.name for p, t in before.items() if p.stat().st_mtime_ns != t}
        cite = {p.parent.name for p in (root / "build").glob("*/*.json")
                if "case-0001" in json.loads(p.read_text())["cases"]}
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
    shutil.rmtree(scratch, ignore_errors=True)
    median = {key: statistics.median(values) for key, values in figures.items()}
    results = report(args, median)
    Path(args.results).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.results}")


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
    }
    print(f"corpus: {args.briefs} briefs in en and ru, {args.cases} case records, "
          f"{args.runs} run(s), {os.cpu_count()} cores; medians")
    for name, value in m.items():
        print(f"  {name:28} {value:8.2f}")
    for name, (value, target) in checks.items():
        print(f"{'met ' if value <= target else 'MISSED'} {name}: {value:.2f} (target {target})")
    return {"date": datetime.date.today().isoformat(),
            "corpus": {"briefs": args.briefs, "cases": args.cases, "runs": args.runs,
                       "cores": os.cpu_count()},
            "medians": {key: round(value, 3) for key, value in m.items()},
            "targets": {name: {"value": round(value, 3), "target": target,
                               "met": value <= target}
                        for name, (value, target) in checks.items()}}


if __name__ == "__main__":
    main()
