"""A brief's releases: the record of what was sent (content/briefs/<id>/releases.yaml),
written by `briefs release` and committed by the organisation, and what an edition prints
about them (document number, version, first published, corrections)."""

import datetime
import hashlib
from dataclasses import dataclass

from pydantic import Field, field_validator, model_validator

from briefs.content.load import validation_errors
from briefs.content.model import Strict
from briefs.content.yamlfile import load_mapping
from briefs.errors import ContentErrors, ordinal

RECORD = "releases.yaml"
HEADER = ("# Written by `briefs release`: the record of what was sent. Do not edit it by\n"
          "# hand; commit it with the released files in content/releases/.\n")
SHA256 = r"^[0-9a-f]{64}$"
ORGANISATIONS = "content/organisations.yaml"


class Release(Strict):
    """One released version of a brief, as its record holds it."""

    version: int = Field(ge=1)
    number: str | None = None  # the document number, kept by every version of the brief
    released_at: datetime.datetime
    corrections: int = Field(0, ge=0)  # how many of brief.yaml's corrections it prints
    pdf_variant: str = Field("pdf/ua-1", pattern=r"^pdf/[a-z0-9-]+$")  # its files' standard
    sources: str = Field(pattern=SHA256)  # sources_digest() of what it was made from
    outputs: dict[str, str]  # {file name: SHA-256} of each released file

    @field_validator("released_at")
    @classmethod
    def _with_time_zone(cls, moment):
        if moment.tzinfo is None:
            raise ValueError("the time has no time zone: write it as "
                             "2023-04-25T10:00:00+06:00")
        return moment

    @field_validator("outputs")
    @classmethod
    def _hashes(cls, outputs):
        for name, digest in outputs.items():
            if "/" in name or name.startswith(".") or len(digest) != 64:
                raise ValueError(f"'{name}' is not a released file with its SHA-256")
        return outputs


class Record(Strict):
    releases: list[Release] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_in_order(self):
        for index, release in enumerate(self.releases):
            if release.version != index + 1:
                raise ValueError(f"the versions must be 1, 2, ... in order; the "
                                 f"{ordinal(index + 1)} is {release.version}")
        return self


@dataclass(frozen=True)
class Version:
    """A version of a brief an edition tells of (in its history, or as itself)."""

    version: int
    number: str | None
    released_at: datetime.datetime | None  # None: built with a correction, not yet sent


@dataclass(frozen=True)
class EditionRelease:
    """What an edition of a released brief prints: which version it is, its document
    number, when the brief was first published, its corrections and the versions before."""

    version: int
    number: str | None
    released_at: datetime.datetime | None  # None while pending: not yet sent
    first_published: datetime.datetime
    corrections: tuple  # the brief's Corrections this version prints, oldest first
    history: tuple  # every Version up to and including this one
    pending: bool  # a correction made it the next version, which is not yet released

    @property
    def moment(self):
        """When the edition's files say they were made: the release's time, or while it
        is pending the date of its newest correction, so that its bytes are the same at
        every build."""
        if self.released_at is not None:
            return self.released_at
        day = self.corrections[-1].date
        return datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc)


def record_path(project, brief_id):
    return project.brief_dir(brief_id) / RECORD


def archive_folder(project, brief_id, version):
    """Where the files of a released version are kept: content/releases/<id>/v<N>/."""
    return project.content / "releases" / brief_id / f"v{version}"


def load_releases(project, brief_id):
    """The brief's releases, oldest first, validated; none if it was never released."""
    path = record_path(project, brief_id)
    if not project.exists(path):
        return []
    document = load_mapping(project, path)
    record, errors = validation_errors(document, Record)
    if errors:
        raise ContentErrors(errors)
    return list(record.releases)


def edition_release(brief, releases):
    """What the editions of a brief print about its releases, or None if it has none.

    The last release is printed as it was sent, unless brief.yaml gives corrections it did
    not print: then the editions are the next version, pending until `briefs release`."""
    if not releases:
        return None
    last = releases[-1]
    pending = len(brief.corrections) > last.corrections
    history = [Version(r.version, r.number, r.released_at) for r in releases]
    if pending:
        history.append(Version(last.version + 1, last.number, None))
    return EditionRelease(
        version=history[-1].version, number=last.number,
        released_at=None if pending else last.released_at,
        first_published=releases[0].released_at,
        corrections=tuple(brief.corrections if pending
                          else brief.corrections[:last.corrections]),
        history=tuple(history), pending=pending)


def record_text(releases):
    """The text of a brief's releases.yaml, one field a line, in a fixed order."""
    lines = [HEADER, "releases:"]
    for release in releases:
        lines += [f"  - version: {release.version}",
                  f"    number: {_quoted(release.number) if release.number else 'null'}",
                  f"    released_at: \"{release.released_at.isoformat()}\"",
                  f"    corrections: {release.corrections}",
                  f"    pdf_variant: {release.pdf_variant}",
                  f"    sources: {release.sources}",
                  "    outputs:"]
        lines += [f"      {_quoted(name)}: {digest}"
                  for name, digest in sorted(release.outputs.items())]
    return "\n".join(lines) + "\n"


def _quoted(text):
    """A text in YAML's double quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def sources_digest(entries):
    """The SHA-256 of what a brief's editions were made from, from their entries: the
    content files they read (but the record of releases and the released files), the
    entries of organisations.yaml they printed (an edit of another organisation is no
    change to them) and the case records they showed, as their audience saw them. A
    change to any of them after a release is a change to what was sent."""
    lines = set()
    for entry in entries:
        lines.update(f"{path} {digest}" for path, digest in entry["sources"].items()
                     if path.startswith("content/") and not release_file(path)
                     and path != ORGANISATIONS)
        lines.update(f"organisation {key} {digest}"
                     for key, digest in entry["organisations_used"].items())
        lines.update(f"case {case_id} {digest}"
                     for case_id, digest in entry["case_records"].items())
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def release_file(path):
    """Whether a project path is a brief's record of releases or a released file."""
    return path.startswith("content/releases/") or (
        path.startswith("content/briefs/") and path.endswith("/" + RECORD))
