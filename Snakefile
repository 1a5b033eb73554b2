# Builds every brief in content/briefs: HTML and PDF per language, then the catalogue.
#
# One job per brief renders its web pages, prints its PDFs and packs its press kit; a job
# server of this run, warm and started while Snakemake plans, forks a process for each.
# Snakemake spends tens of milliseconds on each job, and a job per edition or per file would
# spend more on that than on printing. See docs/architecture.md and docs/performance.md.

import atexit
import logging
import os
import re
import sys
from pathlib import Path

from briefs.build.dependencies import (case_files, count_failure, failures, package_files,
                                       spare_garbage_collection, stop_rescheduling_timers)
from briefs.build.jobs import JobServer, explain
from briefs.build.snakemake_log import STEP_FAILED, readable
from briefs.cases.cache import casebook
from briefs.content.load import brief_inputs, discover, read_languages
from briefs.edition import output_files, press_kit_file
from briefs.errors import ContentError, ContentErrors
from briefs.project import Project
from briefs.publish.entry import edition_warnings
from briefs.render.templates import template_files

spare_garbage_collection()
logging.getLogger("snakemake.logging").addFilter(readable)

PROJECT = Project(Path(workflow.basedir))
# --config audience=internal adds restricted records and marks every page; it writes to
# its own folder so that nothing restricted can be mixed into the public build.
AUDIENCE = config.get("audience", "public")
if AUDIENCE not in ("public", "internal"):
    raise WorkflowError(f"audience must be public or internal, not '{AUDIENCE}'")
OUT = config.get("out", "build" if AUDIENCE == "public" else "build-internal")
if AUDIENCE == "internal" and Path(OUT).resolve().is_relative_to(PROJECT.root / "build"):
    raise WorkflowError("an internal build may not write into build/, which is sent to "
                        "readers: leave out 'out=' (it writes into build-internal/)")
# The build's private files, never published: logs, scratch files, the case book.
CACHE = config.get("cache", f".cache/{AUDIENCE}")
TOOLCHAIN = f"{CACHE}/templates-and-code.sha256"
# --config pdf_variant=pdf/a-3u prints archival PDFs (PDF/A) instead of PDF/UA-1.
PDF_VARIANT = config.get("pdf_variant", "pdf/ua-1")
# --config site_url=https://briefs.example.org/ : where build/ is published, for canonical
# links and the addresses of shared-link pictures.
SITE_URL = config.get("site_url", "")
SETTINGS = ["--audience", AUDIENCE, "--pdf-variant", PDF_VARIANT, "--cache", CACHE]

try:
    EDITIONS = {brief: tuple(read_languages(PROJECT, brief)) for brief in discover(PROJECT)}
    TEMPLATES = template_files(PROJECT)
    # Read and checked here, so that a mistake in a record stops the build before
    # anything runs; kept for the dependencies of each brief.
    BOOK = casebook(PROJECT, AUDIENCE, CACHE)
except (ContentError, ContentErrors) as error:
    raise WorkflowError(f"{error}\nNothing was built.") from None

# Whether this Snakemake runs inside a cluster job. In a SLURM job the plugin would hand the
# job's briefs to srun one after another, each through two more Snakemakes and job servers
# (snakemake-executor-plugin-slurm issue 469); as local rules there they run here instead,
# forked by this job's own warm job server. Other executors run a job's rules here anyway.
IN_CLUSTER_JOB = workflow.remote_exec

JOBS = JobServer(PROJECT.root, CACHE, AUDIENCE)
if IN_CLUSTER_JOB or (not workflow.dryrun and workflow.local_exec):
    JOBS.start()  # it warms up while Snakemake plans
    atexit.register(JOBS.stop)


def briefs(*arguments, log, resources, brief=None):
    """Run a briefs command as this job, in a process the job server forks; its messages
    go to the log, which Snakemake shows if it fails. A brief's failure is remembered."""
    limits = {"mem_mb": resources.get("mem_mb"), "runtime": resources.get("runtime")}
    status = JOBS.run(["--root", str(PROJECT.root), *map(str, arguments)], log, limits)
    if status != 0 and brief:
        count_failure(CACHE, brief)
    if status != 0:
        why = explain(status, limits)
        raise WorkflowError(f"{STEP_FAILED}{': ' + why if why else ''}; why is in {log}, "
                            "shown below")


def outputs(brief, langs):
    """A brief's files: four per edition, then its press kit."""
    folder = f"{OUT}/{brief}"
    return [*(path for lang in langs for path in output_files(folder, brief, lang).values()),
            press_kit_file(folder, brief)]


def entries(brief):
    return [output_files(f"{OUT}/{brief}", brief, lang)["entry"] for lang in EDITIONS[brief]]


def content_inputs(wildcards):
    return brief_inputs(PROJECT, wildcards.brief, EDITIONS[wildcards.brief])


def case_inputs(wildcards):
    return case_files(PROJECT, entries(wildcards.brief), BOOK)


OUTPUTS = [path for brief, langs in EDITIONS.items() for path in outputs(brief, langs)]
ENTRIES = [path for brief in EDITIONS for path in entries(brief)]
PRESS_KITS = [press_kit_file(f"{OUT}/{brief}", brief) for brief in EDITIONS]

wildcard_constraints:
    brief=r"[a-z0-9]+(-[a-z0-9]+)*",

# On a cluster these run on the submitting machine: each takes a second or two, less than
# a cluster job takes to start and be seen to finish.
localrules:
    fingerprint_templates_and_code,
    copy_fonts,
    publish_catalogue_and_manifest,


# Snakemake remakes a deleted file only if a target names it, not when a later step (here
# the manifest) reads it; naming every output would slow down every run, so the targets
# name the outputs that are missing now.
MISSING = [path for path in OUTPUTS if not os.path.exists(path)]


rule all:
    input:
        MISSING,
        f"{OUT}/index.html",
        f"{OUT}/manifest.json",


# Every template, stylesheet, font and module shapes every brief. Snakemake checks each
# waiting job's inputs whenever a job finishes, so the briefs depend on one file that
# changes when any of those do, rather than on fifty files each.
rule fingerprint_templates_and_code:
    input:
        templates=TEMPLATES,
        code=package_files(),
    output:
        TOOLCHAIN,
    resources:
        mem_mb=1000,
        runtime=5,
    log:
        f"{CACHE}/logs/templates-and-code.log",
    run:
        briefs("fingerprint", *input, "--out", output[0], *SETTINGS, log=log[0],
               resources=resources)


# A brief's outputs depend on its languages, and a rule's outputs are fixed, so there is one
# rule per set of languages briefs use, each limited to the briefs that have that set.
for LANGS in sorted(set(EDITIONS.values())):
    rule:
        name:
            "build_brief_" + "_".join(LANGS)
        wildcard_constraints:
            brief="|".join(re.escape(b) for b, langs in EDITIONS.items() if langs == LANGS),
        input:
            content=content_inputs,
            cases=case_inputs,
            toolchain=TOOLCHAIN,
        # update(): Snakemake keeps the last good files while the brief is built, and puts
        # them back if it fails, so that a mistake never costs the PDF that was sent.
        output:
            [update(path) for path in outputs("{brief}", LANGS)],
        # On a cluster, profiles/slurm's group-components packs several briefs into one
        # cluster job, inside which they are local rules (which a group may not be); a
        # local build ignores both.
        group:
            None if IN_CLUSTER_JOB else "briefs"
        localrule: IN_CLUSTER_JOB
        params:
            site_url=SITE_URL,
            failures=lambda wildcards: failures(CACHE, wildcards.brief),
        log:
            f"{CACHE}/logs/{{brief}}.log",
        resources:
            mem_mb=1000,
            runtime=10,
        run:
            briefs("brief", wildcards.brief, "--out", f"{OUT}/{wildcards.brief}",
                   f"--site-url={params.site_url}", "--cases-key", BOOK.key,
                   "--fingerprint", input.toolchain, *SETTINGS, log=log[0],
                   resources=resources, brief=wildcards.brief)


# The web pages' fonts, file by file: a folder as input is judged by the folder's own time,
# which a font replaced in place leaves unchanged, and a folder as output gets a
# .snakemake_timestamp file that would be published with it.
FONTS = [Path(path).name for path in TEMPLATES if Path(path).parent == PROJECT.templates / "fonts"]
FONT_COPIES = [f"{OUT}/assets/fonts/{name}" for name in FONTS]


rule copy_fonts:
    input:
        [PROJECT.templates / "fonts" / name for name in FONTS],
    output:
        FONT_COPIES,
    resources:
        mem_mb=300,
        runtime=5,
    log:
        f"{CACHE}/logs/assets.log",
    shell:
        "cp {input:q} $(dirname {output[0]:q}) 2> {log:q}"


# The catalogue and the manifest in one job: the manifest lists the catalogue, and a job
# of its own cost Snakemake as much time as the catalogue itself takes after each edit.
# Each entry gives the sizes and hashes of its edition's other files, so the job reads
# entries and press kits only: after each edit Snakemake then checks and checksums 600
# files rather than 2,200 at 200 briefs (about 0.6 s less).
rule publish_catalogue_and_manifest:
    input:
        entries=ENTRIES,
        press_kits=PRESS_KITS,
        fonts=FONT_COPIES,
        templates=TEMPLATES,
    output:
        catalogue=f"{OUT}/index.html",
        manifest=f"{OUT}/manifest.json",
    resources:
        mem_mb=1000,
        runtime=5,
    log:
        f"{CACHE}/logs/catalogue-and-manifest.log",
    run:
        briefs("publish", *input.entries, "--catalogue", output.catalogue, "--manifest",
               output.manifest, *SETTINGS, log=log[0], resources=resources)


onstart:
    spare_garbage_collection()  # the plan is made: it lives until the end


# Snakemake's job-rate limiter starts a timer on every scheduling round (its time span,
# see profiles/default), and Python waits for the last one before it exits: seconds added
# to every build that ran anything. Once the workflow is over they have nothing to do.
onsuccess:
    stop_rescheduling_timers()
    JOBS.stop()
    for warning in edition_warnings(ENTRIES):
        print(f"warning: {warning}", file=sys.stderr)


onerror:
    stop_rescheduling_timers()
    JOBS.stop()
