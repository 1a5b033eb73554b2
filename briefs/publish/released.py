"""What the build does with a released brief: it publishes every released version's files
as they were sent (from the archive the organisation commits, checked against the record),
and refuses a change made after a release without a correction."""

import json
from pathlib import Path

from briefs import i18n
from briefs.content.releases import archive_folder, record_path, sources_digest
from briefs.errors import ContentError
from briefs.publish.entry import sha256_of

RESTORE_HINT = ("put back the file as it was released (e.g. 'git checkout -- {path}'): a "
                "released file is never changed; a change goes into a correction")


def stage_versions(project, built, folder):
    """Copy the files of each released version of the brief (built: its editions) from
    its archive into folder/v1, v2..., each checked against the SHA-256 its record holds.
    Each edition records them among what it read, so that a changed one is checked again
    at the next build. A build of another PDF standard (e.g. an archival PDF/A build
    beside the one sent) has no released files of its own to serve."""
    brief_id = built[0].brief.id
    for release in built[0].releases:
        if release.pdf_variant != built[0].settings.pdf_variant:
            continue
        archive = archive_folder(project, brief_id, release.version)
        target = Path(folder) / f"v{release.version}"
        target.mkdir()
        for name, digest in sorted(release.outputs.items()):
            path = archive / name
            relative = path.relative_to(project.root).as_posix()
            if not project.exists(path):
                raise ContentError(path, f"this file of version {release.version} of "
                                   f"{brief_id}, as released, is missing",
                                   hint=RESTORE_HINT.format(path=relative))
            data = project.read_bytes(path, "release")
            if sha256_of(data) != digest:
                raise ContentError(path, f"this file is not what version {release.version} "
                                   f"of {brief_id} was released as: its SHA-256 differs from "
                                   f"the one {record_path(project, brief_id).name} records",
                                   hint=RESTORE_HINT.format(path=relative))
            (target / name).write_bytes(data)
            for edition in built:
                edition.reads[relative] = digest


def refuse_silent_change(built):
    """A released brief whose sources changed since its last release is refused, unless
    brief.yaml gives a new correction (its editions are then the next version)."""
    first = built[0]
    release, brief = first.release, first.brief
    if release is None or release.pending:
        return
    last = first.releases[-1]
    brief_yaml = first.project.brief_dir(brief.id) / "brief.yaml"
    if len(brief.corrections) < last.corrections:
        raise ContentError(brief_yaml, f"version {last.version} of {brief.id} was released "
                           f"with {last.corrections} correction(s), and brief.yaml now gives "
                           f"{len(brief.corrections)}", field="corrections",
                           hint="put back the corrections that were released: a correction "
                           "is never taken back, only followed by another")
    entries = [json.loads(Path(e.files["entry"]).read_text(encoding="utf-8")) for e in built]
    if sources_digest(entries) != last.sources:
        raise ContentError(brief_yaml, f"{brief.id} was released as {released(last)}, and "
                           "what it is made from has changed since: a released brief is "
                           "never changed silently, and the build keeps what was sent",
                           hint="undo the change; or, if it corrects the brief, add under "
                           "'corrections:' in brief.yaml a dated note in each of its "
                           "languages (- date: YYYY-MM-DD, note: {en: ...}): the build then "
                           f"makes version {last.version + 1}, and 'briefs release "
                           f"{brief.id}' records it once it is sent (docs/content.md)")


def released(release):
    """A release as messages name it: 'version 1 (KIBHR/2023/004) of 25 April 2023'."""
    number = f" ({release.number})" if release.number else ""
    return (f"version {release.version}{number} of "
            f"{i18n.long_date(release.released_at.date(), 'en')}")
