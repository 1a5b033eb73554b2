# Builds every brief in content/briefs: HTML and PDF per language, then the catalogue.
#
# One job per edition (a brief in one language) renders its web page and prints its PDF in
# one process, so WeasyPrint is imported once per edition rather than once per file, and an
# edited section rebuilds only its own edition and the catalogue. See README "Build design".

from pathlib import Path

from briefs.content import Project, discover, edition_inputs, read_languages
from briefs.errors import ContentError
from briefs.workflow import case_files, package_files, template_files

PROJECT = Project(Path(workflow.basedir))
# --config audience=internal adds restricted records and marks every page; it writes to
# its own folder so that nothing restricted can be mixed into the public build.
AUDIENCE = config.get("audience", "public")
if AUDIENCE not in ("public", "internal"):
    raise WorkflowError(f"audience must be public or internal, not '{AUDIENCE}'")
OUT = config.get("out", "build" if AUDIENCE == "public" else "build-internal")
# --config pdf_variant=pdf/a-3u prints archival PDFs (PDF/A) instead of PDF/UA-1.
PDF_VARIANT = config.get("pdf_variant", "pdf/ua-1")
# --config site_url=https://briefs.example.org/ : where build/ is published, for canonical
# links and the addresses of shared-link pictures.
SITE_URL = config.get("site_url", "")

try:
    EDITIONS = {brief: read_languages(PROJECT, brief) for brief in discover(PROJECT)}
except ContentError as error:
    raise WorkflowError(f"{error}\nNothing was built.") from None

RECORDS = [f"{OUT}/{b}/{b}.{lang}.json" for b, langs in EDITIONS.items() for lang in langs]
EDITION_FILES = [record.removesuffix(".json") + suffix
                 for record in RECORDS for suffix in (".html", ".pdf")]
PRESS_KITS = [f"{OUT}/{b}/{b}-press-kit.zip" for b in EDITIONS]

wildcard_constraints:
    brief=r"[a-z0-9]+(-[a-z0-9]+)*",
    lang=r"en|ru|kk",


rule all:
    input:
        f"{OUT}/index.html",
        f"{OUT}/manifest.json",


rule build_edition:
    input:
        content=lambda w: edition_inputs(PROJECT, w.brief, w.lang),
        cases=lambda w: case_files(PROJECT, f"{OUT}/{w.brief}/{w.brief}.{w.lang}.json",
                                   internal=AUDIENCE == "internal"),
        templates=template_files(PROJECT),
        code=package_files(),
    output:
        html=f"{OUT}/{{brief}}/{{brief}}.{{lang}}.html",
        pdf=f"{OUT}/{{brief}}/{{brief}}.{{lang}}.pdf",
        record=f"{OUT}/{{brief}}/{{brief}}.{{lang}}.json",
        card=f"{OUT}/{{brief}}/{{brief}}.{{lang}}.card.png",
    params:
        variant=PDF_VARIANT,
        site_url=SITE_URL,
    log:
        f"{OUT}/logs/{{brief}}.{{lang}}.log",
    resources:
        mem_mb=600,
        runtime=10,
    shell:
        "python -m briefs.job --root {PROJECT.root:q} edition {wildcards.brief} {wildcards.lang}"
        " --html {output.html:q} --pdf {output.pdf:q} --record {output.record:q}"
        " --card {output.card:q} --site-url={params.site_url:q}"
        " --audience {AUDIENCE} --pdf-variant {params.variant} 2> {log:q}"


rule pack_press_kit:
    input:
        records=lambda w: [f"{OUT}/{w.brief}/{w.brief}.{lang}.json" for lang in EDITIONS[w.brief]],
        editions=lambda w: [f"{OUT}/{w.brief}/{w.brief}.{lang}.{suffix}"
                            for lang in EDITIONS[w.brief] for suffix in ("html", "pdf")],
    output:
        f"{OUT}/{{brief}}/{{brief}}-press-kit.zip",
    resources:
        mem_mb=300,
        runtime=5,
    log:
        f"{OUT}/logs/{{brief}}.press-kit.log",
    shell:
        "python -m briefs.job --root {PROJECT.root:q} press-kit {input.records:q}"
        " --out {output:q} 2> {log:q}"


rule copy_fonts:
    input:
        PROJECT.templates / "fonts",
    output:
        directory(f"{OUT}/assets/fonts"),
    resources:
        mem_mb=300,
        runtime=5,
    log:
        f"{OUT}/logs/assets.log",
    shell:
        "cp -r {input:q} {output:q} 2> {log:q}"


rule publish_catalogue:
    input:
        records=RECORDS,
        fonts=f"{OUT}/assets/fonts",
        templates=template_files(PROJECT),
    output:
        f"{OUT}/index.html",
    resources:
        mem_mb=300,
        runtime=5,
    log:
        f"{OUT}/logs/catalogue.log",
    shell:
        "python -m briefs.job --root {PROJECT.root:q} catalogue {input.records:q}"
        " --out {output:q} 2> {log:q}"


rule write_manifest:
    input:
        records=RECORDS,
        editions=EDITION_FILES,
        catalogue=f"{OUT}/index.html",
        fonts=f"{OUT}/assets/fonts",
        press_kits=PRESS_KITS,
    output:
        f"{OUT}/manifest.json",
    params:
        variant=PDF_VARIANT,
    resources:
        mem_mb=300,
        runtime=5,
    log:
        f"{OUT}/logs/manifest.log",
    shell:
        "python -m briefs.job --root {PROJECT.root:q} manifest {input.records:q} --out {output:q}"
        " --audience {AUDIENCE} --pdf-variant {params.variant} 2> {log:q}"
