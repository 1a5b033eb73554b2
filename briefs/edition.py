"""An edition: one brief in one language for one audience, with what every stage needs.

The build makes one per language of a brief and passes it to render, print and publish;
`briefs check` and the preview make them the same way.
"""

import functools
from dataclasses import dataclass, field
from pathlib import Path

from briefs.cases.cache import casebook
from briefs.cases.queries import CaseQueries
from briefs.content.load import load_brief, load_organisations
from briefs.content.releases import edition_release, load_releases
from briefs.content.translations import edition_notice
from briefs.files import output_files
from briefs.project import Project

AUDIENCES = ("public", "internal")
# What the build does with an outdated translation: print it with a notice, or refuse it.
TRANSLATION_RULES = ("notice", "strict")
# The PDF standards WeasyPrint can follow that keep the document tagged.
PDF_VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2a", "pdf/a-2u", "pdf/a-3a", "pdf/a-3u",
                "pdf/a-4u")


@dataclass(frozen=True)
class Settings:
    """What a whole build shares: who it is for, the PDF standard, where it is published
    and the build's private folder for this audience (None: keep nothing)."""

    audience: str = "public"
    pdf_variant: str = "pdf/ua-1"
    site_url: str = ""
    cache: Path | None = None
    cases_key: str = ""  # the case book's key as this run's planning read it, if known
    fingerprint: str = ""  # the workflow's fingerprint of templates and code, if any
    translations: str = "notice"  # strict: refuse an edition whose translation is behind
    # The organisation's key and certificate (PEM files outside the project) that sign
    # released PDFs, if given; a build without them may take signatures from the PDFs
    # that were sent (briefs verify's rebuild): the folder they are in.
    signing_key: Path | None = None
    signing_certificate: Path | None = None
    signed_pdfs: Path | None = None

    @property
    def internal(self):
        return self.audience == "internal"


@dataclass
class Edition:
    project: Project
    brief: object  # a briefs.content.model.Brief
    lang: str
    organisations: dict  # every organisation of the project, by key
    settings: Settings
    files: dict = field(default_factory=dict)  # output_files(), where it is built
    # {relative path: SHA-256} of the files it was made from, recorded as they were read
    # (Project.recording): those loading the brief read, then those its pages read.
    reads: dict = field(default_factory=dict)
    releases: list = field(default_factory=list)  # the brief's Releases, oldest first
    release: object = None  # what it prints of them: an EditionRelease, or None

    @property
    def document_number(self):
        """The brief's document number, given at its first release, or None."""
        return self.release.number if self.release else None

    @property
    def day(self):
        """The date the edition's facts are valid for."""
        return self.brief.data_date

    @property
    def date_style(self):
        """How its pages write dates: the brief's choice, else its publisher's, else long."""
        return (self.brief.date_style or self.organisations[self.brief.organisations[0]]
                .date_style or "long")

    @property
    def publishers(self):
        """The brief's organisations, the publishing one first."""
        return [self.organisations[key] for key in self.brief.organisations]

    @functools.cached_property
    def cases(self):
        """The edition's questions to the case book of its audience, read when a section
        first asks for case data."""
        settings = self.settings
        return CaseQueries(casebook(self.project, settings.audience, settings.cache,
                                    settings.cases_key))

    @functools.cached_property
    def translation(self):
        """(source language, date) of the source text an outdated translation follows, or
        None: every section is up to date, unconfirmed or not a translation."""
        return edition_notice(self.project, self.brief, self.lang)

    def asked_cases(self):
        """Whether any section asked for case data."""
        return "cases" in self.__dict__


def editions(project, brief_id, settings, folder=None, releases=None):
    """The editions of one brief, in its language order; folder: where they are built.
    releases: the brief's releases, if not those of its record (`briefs release`)."""
    with project.recording() as reads:
        organisations = load_organisations(project)
        brief = load_brief(project, brief_id, organisations)
        if releases is None:
            releases = load_releases(project, brief_id)
    release = edition_release(brief, releases)
    return [Edition(project, brief, lang, organisations, settings,
                    output_files(folder, brief.id, lang) if folder else {}, dict(reads),
                    releases, release)
            for lang in brief.languages]
