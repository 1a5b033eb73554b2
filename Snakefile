# Builds every brief in content/briefs: HTML and PDF per language, then the catalogue.
#
# One job per brief renders its web pages, prints its PDFs and packs its press kit; a job
# server of this run, started as soon as planning finds a change, forks a process for each.
# Snakemake spends tens of milliseconds on each job, and a job per edition or per file would
# spend more on that than on printing. Which briefs to build is decided by their bytes
# (briefs/workflow/plan.py): Snakemake is shown the stale ones only, unless told to force jobs.
# See docs/architecture.md and docs/performance.md.

import atexit
import logging
import os
import re
import sys
from pathlib import Path

from briefs.errors import ContentError, ContentErrors
from briefs.files import brief_files, feed_file, publish_folder, write_whole
from briefs.project import Project
from briefs.settings import Settings, SettingsError
from briefs.workflow.dependencies import (spare_garbage_collection, stop_job_rate_limiter,
                                          stop_rescheduling_timers)
from briefs.workflow.jobs import JobServer, explain, private_tmp
from briefs.workflow.leftovers import (hold_output_folder, move_snakemakes_temporary_folder,
                                       remove_backups, remove_dead_processes_folders)
from briefs.workflow.plan import Plan, brief_outputs
from briefs.workflow.requests import LIMITS, BuildBrief, Publish
from briefs.workflow.snakemake_log import NOTHING_BUILT, STEP_FAILED, readable
from briefs.workflow.snakemake_records import remove_damaged_records

spare_garbage_collection()
logging.getLogger("snakemake.logging").addFilter(readable)

PROJECT = Project(Path(workflow.basedir))


def signing_key(settings, project):
    """The organisation's key, if the build is given one (briefs.publish.keys, imported
    only then: with cryptography, it took a tenth of a second of every run)."""
    if not settings.signing_key and not settings.signing_certificate:
        return None
    from briefs.publish.keys import configured_key

    return configured_key(settings.signing_key, settings.signing_certificate, project)


# --config key=value ...: audience=internal adds restricted records, marks every page and
# writes into build-internal/; pdf_variant, site_url, translations, now, out, cache;
# signing_key and signing_certificate, the organisation's PEM files kept outside the
# project, sign released PDFs and the manifest (briefs/settings.py says what each does).
# The key is read here first, so that a wrong passphrase stops the build before it makes
# anything; the plan's key holds only the certificate's fingerprint, never a path.
try:
    SETTINGS = Settings.from_config(config, PROJECT.root)
    SETTINGS.refuse_internal_into_public(PROJECT.root, SETTINGS.folder())
    SIGNING_KEY = signing_key(SETTINGS, PROJECT)
except (SettingsError, ContentError) as error:
    raise WorkflowError(f"{error}\nNothing was built.") from None
OUT, CACHE = SETTINGS.folder(), SETTINGS.cache

# Whether this Snakemake runs inside a cluster job. In a SLURM job the plugin would hand the
# job's briefs to srun one after another, each through two more Snakemakes and job servers
# (snakemake-executor-plugin-slurm issue 469); as local rules there they run here instead,
# forked by this job's own warm job server. Other executors run a job's rules here anyway.
IN_CLUSTER_JOB = workflow.remote_exec

# Before Snakemake reads them, its damaged records go (briefs/workflow/snakemake_records.py).
# Then what killed runs left: their processes' scratch and temporary folders, and, once this
# run holds its output folder (a cluster job's does not: the run that sent it does),
# Snakemake's backups of that folder's files; and Snakemake's own temporary folder leaves
# /tmp for this process's folder in the cache (briefs/workflow/leftovers.py).
for warning in remove_damaged_records():
    print(f"warning: {warning}", file=sys.stderr)
remove_dead_processes_folders(CACHE)
if not IN_CLUSTER_JOB and hold_output_folder(OUT):
    remove_backups(OUT)
move_snakemakes_temporary_folder(workflow, private_tmp(CACHE))
atexit.register(remove_dead_processes_folders, CACHE)  # at exit after JOBS.stop, below

# Started as soon as planning finds a change a brief will be built for (a record a brief
# showed, a brief to build), so that it warms up beside the rest of the run, and stopped if
# no brief is to be built after all; the first job of a run that planned none (the
# catalogue's) starts it. A no-op never starts it: started before planning, its warm-up
# took a core from every no-op.
JOBS = JobServer(PROJECT.root, CACHE, SETTINGS.audience)
atexit.register(JOBS.stop)


def warm_up():
    """Start the job server, if it is not running (planning calls this)."""
    if not JOBS.started and (IN_CLUSTER_JOB or workflow.local_exec):
        JOBS.start()


try:
    PLAN = Plan(PROJECT, SETTINGS, [Path(workflow.main_snakefile).read_text(encoding="utf-8"),
                                    SIGNING_KEY.fingerprint if SIGNING_KEY else ""], warm_up)
except (ContentError, ContentErrors) as error:
    raise WorkflowError(f"{NOTHING_BUILT} Fix what is below, then build again:\n{error}") from None
BRIEFS = PLAN.briefs
TOOLCHAIN = PLAN.toolchain
if not PLAN.stale():
    JOBS.stop()


def run_job(request, log, resources, brief=None, settle=None):
    """Run a request (briefs/workflow/requests.py) as this job, in a process the job server
    forks; its messages go to the log, which Snakemake shows if it fails. A brief that
    failed is built again next time. settle: what to record once it succeeded."""
    limits = {"mem_mb": resources.get("mem_mb"), "runtime": resources.get("runtime")}
    status = JOBS.run(request, log, limits)
    if brief and status == 0:
        PLAN.settle(brief)
    elif brief:
        PLAN.forget(brief)
    if settle and status == 0:
        settle()
    if status != 0:
        why = explain(status, limits)
        raise WorkflowError(f"{STEP_FAILED}{': ' + why if why else ''}; why is in {log}, "
                            "shown below")


def chosen():
    """The briefs Snakemake is shown: the stale ones when it builds; all when it forces jobs
    (-F, -R), or has no executor as it only reports or deletes (--summary,
    --delete-all-output), which it knows only once the Snakefile is read."""
    forcing = workflow.dag_settings.forceall or workflow.dag_settings.forcerun
    building = workflow.executor_plugin is not None
    return PLAN.stale() if building and not forcing else list(BRIEFS)


ENTRIES = PLAN.published_entries()

# On a cluster these run on the submitting machine: each takes a second or two, less than
# a cluster job takes to start and be seen to finish.
localrules:
    copy_fonts,
    publish_catalogue_and_manifest,


rule all:
    input:
        lambda wildcards: [path for brief in chosen() for path in BRIEFS[brief].outputs],
        f"{OUT}/index.html",
        f"{OUT}/manifest.json",


# A brief's outputs depend on its languages and its folder (the build's, or the one of
# briefs under embargo, never published), and a rule's outputs are fixed, so there is one
# rule per pair briefs use, each limited to the briefs that have it.
for LANGS, FOLDER in sorted({(plan.languages, plan.folder) for plan in BRIEFS.values()}):
    rule:
        name:
            "build_brief_" + "_".join(LANGS) + ("" if FOLDER == OUT else "_embargoed")
        wildcard_constraints:
            brief="|".join(re.escape(b) for b, plan in BRIEFS.items()
                           if (plan.languages, plan.folder) == (LANGS, FOLDER)),
        # The brief's stamp and the fingerprint of templates and code, each rewritten only
        # when the bytes behind it change. The files the job reads are not inputs: their
        # dates would count, and one dated in the future would fail the job.
        input:
            stamp=lambda wildcards: BRIEFS[wildcards.brief].stamp,
            toolchain=TOOLCHAIN,
        # update(): Snakemake keeps the last good files while the brief is built, and puts
        # them back if it fails, so that a mistake never costs the PDF that was sent.
        output:
            [update(path) for path in brief_outputs(FOLDER, "{brief}", LANGS)],
        # On a cluster, profiles/slurm's group-components packs several briefs into one
        # cluster job, inside which they are local rules (which a group may not be); a
        # local build ignores both.
        group:
            None if IN_CLUSTER_JOB else "briefs"
        localrule: IN_CLUSTER_JOB
        params:
            folder=FOLDER,
        log:
            f"{CACHE}/logs/{{brief}}.log",
        resources:
            **LIMITS["brief"],
        run:
            run_job(BuildBrief(wildcards.brief, f"{params.folder}/{wildcards.brief}",
                               PLAN.settings),
                    log[0], resources, brief=wildcards.brief)


# The web pages' fonts, file by file: a folder as output gets a .snakemake_timestamp file
# that would be published with it.
FONTS = [Path(path).name for path in PLAN.templates
         if Path(path).parent == PROJECT.templates / "fonts"]
FONT_COPIES = [f"{OUT}/assets/fonts/{name}" for name in FONTS]


# Its input is the fingerprint of the templates, which changes with any font's bytes: the
# fonts' own dates would count, and one dated in the future would fail the job.
rule copy_fonts:
    input:
        TOOLCHAIN,
    output:
        FONT_COPIES,
    resources:
        **LIMITS["fonts"],
    params:
        fonts=[PROJECT.templates / "fonts" / name for name in FONTS],
    run:
        publish_folder(f"{OUT}/assets")  # Snakemake made it, with the umask's modes
        for source, target in zip(params.fonts, output):
            write_whole(target, PROJECT.read_bytes(source, "font"), f"{CACHE}/scratch")


# The catalogue and the manifest in one job: the manifest lists the catalogue, and a job
# of its own cost Snakemake as much time as the catalogue itself takes after each edit.
# Each entry gives the sizes and hashes of its edition's other files, so the job reads
# entries and the briefs' own files (press kits) only. Its inputs are those of the briefs Snakemake is shown, and
# a stamp of every entry's bytes (briefs/workflow/plan.py), which changes when a brief comes
# or goes, or when a run ended before this job could follow its briefs' jobs.
rule publish_catalogue_and_manifest:
    input:
        entries=lambda wildcards: [path for brief in chosen() if BRIEFS[brief].published
                                   for path in BRIEFS[brief].entries],
        own=lambda wildcards: [path for brief in chosen() if BRIEFS[brief].published
                               for path in brief_files(f"{OUT}/{brief}", brief).values()],
        fonts=FONT_COPIES,
        toolchain=TOOLCHAIN,
        briefs=PLAN.catalogue_stamp,
    output:
        catalogue=f"{OUT}/index.html",
        feeds=[feed_file(OUT, lang) for lang in sorted({lang for plan in BRIEFS.values()
                                                       if plan.published
                                                       for lang in plan.languages})],
        manifest=f"{OUT}/manifest.json",
    resources:
        **LIMITS["publish"],
    log:
        f"{CACHE}/logs/catalogue-and-manifest.log",
    run:
        run_job(Publish(tuple(ENTRIES), output.catalogue, output.manifest, PLAN.settings),
                log[0], resources, settle=PLAN.settle_catalogue)


onstart:
    spare_garbage_collection()  # the plan is made: it lives until the end
    stop_job_rate_limiter(workflow)


# Snakemake's job-rate limiter starts a timer on every scheduling round (its time span,
# see profiles/default), and Python waits for the last one before it exits: seconds added
# to every build that ran anything. Once the workflow is over they have nothing to do.
onsuccess:
    stop_rescheduling_timers()
    JOBS.stop()
    for warning in PLAN.warnings():
        print(f"warning: {warning}", file=sys.stderr)
    if not SIGNING_KEY:
        from briefs.publish.keys import unsigned_warning  # see signing_key

        for warning in filter(None, [unsigned_warning(PROJECT)]):
            print(f"warning: {warning}", file=sys.stderr)


onerror:
    stop_rescheduling_timers()
    JOBS.stop()
