"""The jobs the job server runs, as typed requests: a brief built into its folder, one
edition built for the preview, the catalogue and manifest published. The Snakefile and the
preview make them, the job server (briefs.workflow.jobs) sends them as JSON and runs them;
`briefs brief` and `briefs publish` run the same functions by hand."""

import json
import logging
import sys
from dataclasses import dataclass, fields

from briefs.errors import ContentError, ContentErrors, problems_of
from briefs.project import Project
from briefs.settings import Settings

log = logging.getLogger("briefs")

# What a job may take: memory (MB) and time (minutes). The Snakefile's rules declare them
# (Snakemake passes them to a cluster), and the preview's jobs have a brief's.
LIMITS = {"brief": {"mem_mb": 1000, "runtime": 10}, "publish": {"mem_mb": 1000, "runtime": 5},
          "fonts": {"mem_mb": 300, "runtime": 5}}


@dataclass(frozen=True)
class BuildBrief:
    """Every edition of a brief and its press kit, published into folder together."""

    brief: str
    folder: str
    settings: Settings

    def run(self, project):
        from briefs.workflow.driver import build_brief

        build_brief(project, self.brief, self.folder, self.settings)


@dataclass(frozen=True)
class BuildEdition:
    """One edition built as the brief's job builds it, into folder (the preview's)."""

    brief: str
    lang: str
    folder: str
    settings: Settings

    def run(self, project):
        from briefs.workflow.driver import build_one_edition

        build_one_edition(project, self.brief, self.lang, self.folder, self.settings)


@dataclass(frozen=True)
class Publish:
    """The catalogue of a build folder and the manifest that lists it, from its entries."""

    entries: tuple
    catalogue: str
    manifest: str
    settings: Settings

    def run(self, project):
        from briefs.workflow.driver import publish

        publish(project, list(self.entries), self.catalogue, self.manifest, self.settings)


REQUESTS = {kind.__name__: kind for kind in (BuildBrief, BuildEdition, Publish)}


def encode(root, request):
    """A request for the project at root as JSON text."""
    values = {field.name: getattr(request, field.name) for field in fields(request)}
    values["settings"] = request.settings.as_dict()
    return json.dumps({"root": str(root), "job": type(request).__name__, **values},
                      default=list)


def decode(text):
    """(project root, request) from encode()'s text."""
    values = json.loads(text)
    root, kind = values.pop("root"), REQUESTS[values.pop("job")]
    values["settings"] = Settings(**values["settings"])
    if kind is Publish:
        values["entries"] = tuple(values["entries"])
    return root, kind(**values)


def run(text):
    """Run an encoded request as `briefs` would run the command: its messages on standard
    error, an editor's mistake as `error:` lines; its exit status."""
    setup_logging()
    root, request = decode(text)
    try:
        request.run(Project(root))
    except (ContentError, ContentErrors) as error:
        for problem in problems_of(error):
            print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


def setup_logging():
    """Messages as the command line prints them: the text alone, on standard error."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint").addFilter(_quiet_subsetter_notice)
    log.setLevel(logging.INFO)


def _quiet_subsetter_notice(record):
    """WeasyPrint says on every font that it subsets with fontTools; that is expected here."""
    return "HarfBuzz-Subset" not in record.getMessage()

