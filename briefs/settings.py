"""What a whole build shares, in one typed object, and its one way to and from the places
settings come from: Snakemake's config (`--config key=value`), the command line's options
and the job requests of the job server (briefs.workflow.requests).

A new setting is a field of Settings and a row of OPTIONS; nothing else converts them.
"""

import dataclasses
import datetime
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from briefs.errors import ContentError
from briefs.files import keep_outputs_private

AUDIENCES = ("public", "internal")
# What the build does with an outdated translation: print it with a notice, or refuse it.
TRANSLATION_RULES = ("notice", "strict")
# The PDF standards WeasyPrint can follow that keep the document tagged.
PDF_VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2a", "pdf/a-2u", "pdf/a-3a", "pdf/a-3u",
                "pdf/a-4u")


@dataclass(frozen=True)
class Option:
    """A setting an editor gives: its field, the values it may take, and what it does."""

    field: str
    help: str
    choices: tuple = ()


# The settings an editor gives, as config keys and options of the same names (`site_url`,
# `--site-url`). cache, cases_key and fingerprint are the workflow's own.
OPTIONS = (
    Option("audience", "internal: include restricted records, mark every page, write into "
           "build-internal/", AUDIENCES),
    Option("pdf_variant", f"the PDF standard to follow (default {PDF_VARIANTS[0]})",
           PDF_VARIANTS),
    Option("site_url", "where build/ is published, e.g. https://briefs.example.org/ (for "
           "canonical links and the addresses of link pictures)"),
    Option("translations", "strict: refuse an edition whose translation is behind its "
           "source text (default: print it with a notice)", TRANSLATION_RULES),
    Option("out", "the build folder (default build/, or build-internal/ for the internal "
           "audience)"),
    Option("cache", "the build's private folder (default .cache/<audience>)"),
    Option("now", "the time the build takes as now for embargoes, with its time zone, e.g. "
           "2024-01-29T09:05+06:00 (default: every embargo is still on)"),
    Option("signing_key", "the organisation's private key (PEM, outside the project) that "
           "signs released PDFs and the manifest; its passphrase, if any, in the environment "
           "variable BRIEFS_SIGNING_PASSPHRASE"),
    Option("signing_certificate", "that key's certificate (PEM)"),
    Option("signed_pdfs", "briefs verify's rebuild: the folder of the PDFs that were sent, "
           "whose signatures it takes where it makes what was signed"),
)
# Paths of files outside the project: never part of a key or a record (the plan records
# the certificate's fingerprint), made absolute where they are given.
PATHS = ("signing_key", "signing_certificate", "signed_pdfs")

# What the manifest records of a build's settings: all but its folders.
RECORDED = tuple(option.field for option in OPTIONS
                 if option.field not in ("out", "cache", *PATHS))
# What a preview is given; it keeps its files in .cache/preview/<audience>.
PREVIEW_OPTIONS = frozenset({"audience", "pdf_variant", "translations"})


class SettingsError(ValueError):
    """A setting with a value the build cannot take; its message says which and what to do."""


def refuse_site_url(url):
    """The site's address goes into every page, feed and data file, so it must be a plain
    web address: no script, formula or markup can travel in it."""
    parts = urllib.parse.urlsplit(url)
    plain = all(32 < ord(char) < 127 and char not in '"\'<>`\\' for char in url)
    if parts.scheme not in ("http", "https") or not parts.hostname or not plain \
            or parts.query or parts.fragment or parts.username is not None:
        raise SettingsError(f"site_url must be the web address build/ is published at, "
                            f"such as https://briefs.example.org/, not '{url}'")


@dataclass(frozen=True)
class Settings:
    """Who a build is for, the PDF standard, where it is published, what it does with an
    outdated translation, its folders, and what planning passes to each job."""

    audience: str = "public"
    pdf_variant: str = PDF_VARIANTS[0]
    site_url: str = ""
    translations: str = TRANSLATION_RULES[0]
    out: str = ""  # the build folder; "" for the audience's own (folder())
    cache: Path | None = None  # the build's private folder for this audience; None: none
    cases_key: str = ""  # the case book's key as this run's planning read it, if known
    fingerprint: str = ""  # the workflow's fingerprint of templates and code, if any
    # Given, not read from the clock, so that a build is the same whenever it runs.
    now: str = ""
    signing_key: Path | None = None
    signing_certificate: Path | None = None
    signed_pdfs: Path | None = None

    def __post_init__(self):
        for option in OPTIONS:
            value = getattr(self, option.field)
            if option.choices and value not in option.choices:
                raise SettingsError(f"{option.field} must be one of "
                                    f"{', '.join(option.choices)}, not '{value}'")
        if self.site_url:
            refuse_site_url(self.site_url)
        if self.site_url and not self.site_url.endswith("/"):
            # so that file names can follow it
            object.__setattr__(self, "site_url", self.site_url + "/")
        if self.cache is not None:
            object.__setattr__(self, "cache", Path(self.cache))
        for field in PATHS:
            if getattr(self, field):
                object.__setattr__(self, field, Path(getattr(self, field)).absolute())
        if self.now:
            self.time_now()  # refused here if it cannot be read

    def time_now(self):
        """The time given as now (an aware datetime), or None."""
        if not self.now:
            return None
        try:
            when = datetime.datetime.fromisoformat(self.now)
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise SettingsError(f"now must be a date and time with its time zone, e.g. "
                                f"2024-01-29T09:05+06:00, not '{self.now}'")
        return when

    def under_embargo(self, embargo):
        """Whether a brief's embargo (an aware datetime, or None) is still on for this
        build: it is until the build is told a time after it."""
        return embargo is not None and (not self.now or self.time_now() < embargo)

    def embargoed_folder(self):
        """Where the public build writes briefs under embargo: beside its folder, never in
        it, since its folder is what is published."""
        return self.folder() + "-embargoed"

    @property
    def internal(self):
        return self.audience == "internal"

    def folder(self):
        """The build folder: the one given, or the audience's own."""
        return self.out or ("build" if self.audience == "public" else "build-internal")

    def refuse_internal_into_public(self, root, out):
        """The internal audience may never write into build/, the folder that is sent, and
        its outputs are never made readable by all."""
        if not self.internal:
            return
        keep_outputs_private()
        if Path(out).resolve().is_relative_to((Path(root) / "build").resolve()):
            raise ContentError(out, "an internal build may not write into build/, which is "
                               "sent to readers", hint="leave out 'out=', so that it writes "
                               "into build-internal/, or name another folder")

    def with_cache(self, root):
        """These settings with the audience's private folder in the project at root when
        none was given."""
        if self.cache is not None:
            return self
        return dataclasses.replace(self, cache=Path(root) / ".cache" / self.audience)

    def shaping(self):
        """The words that shape every output, for the keys of what was built with them
        (not the private folder's place, which shapes nothing)."""
        return [f"{option.field}={getattr(self, option.field)}" for option in OPTIONS
                if option.field not in ("cache", "signing_key", "signing_certificate")]

    def recorded(self):
        """The settings that shape the outputs, as the manifest records them so that a
        rebuild can be given the same (not the folders, which shape nothing)."""
        return {field: getattr(self, field) for field in RECORDED}

    def config(self):
        """These settings as Snakemake's config words (`--config` key=value ...), the
        defaults left out."""
        default = Settings()
        return [f"{option.field}={getattr(self, option.field)}" for option in OPTIONS
                if getattr(self, option.field) != getattr(default, option.field)]

    def as_dict(self):
        """Plain values, for a job request."""
        values = dataclasses.asdict(self)
        for field in ("cache", *PATHS):
            values[field] = None if values[field] is None else str(values[field])
        return values

    def arguments(self, fields):
        """These settings as the command-line options of fields (add_arguments)."""
        return [word for option in OPTIONS if option.field in fields
                for word in ("--" + option.field.replace("_", "-"),
                             str(getattr(self, option.field)))]

    @classmethod
    def from_config(cls, config, root):
        """The settings of Snakemake's config, with the private folder in the project at
        root by default; unknown keys are refused, as an option misspelled would be."""
        known = {option.field for option in OPTIONS}
        unknown = sorted(set(config) - known)
        if unknown:
            raise SettingsError(f"unknown setting '{unknown[0]}': the settings are "
                                f"{', '.join(sorted(known))}")
        return cls(**{key: str(value) for key, value in config.items()}).with_cache(root)

    @classmethod
    def from_arguments(cls, args, root, **workflow):
        """The settings of parsed command-line options (add_arguments), with the private
        folder in the project at root by default."""
        given = {option.field: getattr(args, option.field) for option in OPTIONS
                 if getattr(args, option.field, None) is not None}
        return cls(**given, **workflow).with_cache(root)


def add_arguments(parser, fields=None):
    """The options of OPTIONS (those of fields, if given) on an argparse parser, each
    default None (the Settings' own default)."""
    for option in OPTIONS:
        if fields is None or option.field in fields:
            parser.add_argument("--" + option.field.replace("_", "-"), dest=option.field,
                                choices=option.choices or None, help=option.help)

