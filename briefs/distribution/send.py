"""`briefs send` and `briefs sent`: a brief's current released version sent to a list of
recipients, or its correction to those who received an earlier version, each message
logged; and who received what."""

import collections
import datetime
import hashlib
import os
from pathlib import Path

from briefs.content.load import load_brief, load_organisations
from briefs.content.releases import archive_folder, load_releases
from briefs.distribution.message import compose, edition_language
from briefs.distribution.progress import progress_for
from briefs.distribution.recipients import (folder, load_mail_settings, load_recipients,
                                            on_list)
from briefs.distribution.sendlog import Entry, SendLog
from briefs.distribution.transport import DeliveryFailed, Outbox, Smtp
from briefs.errors import ContentError

PASSWORD = "BRIEFS_SMTP_PASSWORD"


def send(project, brief_id, *, list_name=None, outbox=None, smtp=None, force=False,
         corrections=False, now=None):
    """Send and log; return the exit status: 1 if any recipient's message failed."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    organisations = load_organisations(project)
    brief = load_brief(project, brief_id, organisations)
    releases = released(project, brief)
    release = releases[-1]
    recipients = load_recipients(project.root)
    settings = load_mail_settings(project.root)
    transport = transport_for(project.root, settings, outbox, smtp)
    log = SendLog(folder(project.root) / "sent.sqlite")
    try:
        if corrections:
            targets = correction_targets(project, brief, releases, recipients, log)
        else:
            targets = list_targets(project, brief, release, recipients, list_name)
        embargo = brief.embargo if brief.embargo and now < brief.embargo else None
        failed = deliver_all(targets, log, transport, force, dict(
            brief=brief, release=release, publisher=organisations[brief.organisations[0]],
            sender=settings.sender, embargo=embargo))
    finally:
        log.close()
    return 1 if failed else 0


def released(project, brief):
    """The brief's releases, refused if it has none: only what was released is sent."""
    releases = load_releases(project, brief.id)
    if not releases:
        raise ContentError(project.brief_dir(brief.id) / "brief.yaml",
                           f"{brief.id} is not released: only a released version is sent",
                           hint=f"release it first: briefs release {brief.id}")
    return releases


def transport_for(root, settings, outbox, smtp):
    """The outbox folder given, else the SMTP server given or in settings.yaml."""
    if outbox:
        refuse_public_outbox(root, outbox)
        return Outbox(outbox)
    host, port = settings.host, settings.port
    if smtp:
        host, _, given = smtp.rpartition(":")
        port = int(given)
    where = folder(root) / "settings.yaml"
    if not host:
        raise ContentError(where, "no mail server is given", field="host",
                           hint="give --outbox FOLDER, or --smtp HOST:PORT, or 'host:' here")
    password = os.environ.get(PASSWORD, "")
    if settings.user and not password:
        raise ContentError(where, f"the password of '{settings.user}' is not given",
                           field="user", hint=f"set the environment variable {PASSWORD}; "
                           "a password is never written in a file")
    if settings.user and not settings.starttls:
        raise ContentError(where, "a password would travel unencrypted", field="starttls",
                           hint="leave STARTTLS on (starttls: true) to log in")
    return Smtp(host, port, starttls=settings.starttls,
                user=settings.user, password=password)


def refuse_public_outbox(root, outbox):
    """Messages name their recipients: never written where the build publishes or where
    the organisation commits its content."""
    for public in ("build", "content"):
        if Path(outbox).resolve().is_relative_to((Path(root) / public).resolve()):
            raise ContentError(outbox, f"the outbox may not be inside {public}/, which is "
                               "published or shared, as its messages name their recipients",
                               hint="name a folder outside it, e.g. distribution/outbox")


def released_pdfs(project, brief, release):
    """{lang: path} of the version's archived PDFs, each checked against its record: a
    file changed since it was released is never sent."""
    pdfs = {}
    for lang in brief.languages:
        name = f"{brief.id}.{lang}.pdf"
        if name not in release.outputs:
            continue
        path = archive_folder(project, brief.id, release.version) / name
        if not path.is_file() or sha256(path) != release.outputs[name]:
            raise ContentError(path, f"this is not the file released as version "
                               f"{release.version}", hint="restore it from the "
                               "organisation's repository (git checkout -- content/releases)")
        pdfs[lang] = path
    return pdfs


def list_targets(project, brief, release, recipients, list_name):
    """(recipient, edition language, PDF, correction) for each recipient on the list."""
    pdfs = released_pdfs(project, brief, release)
    source = brief.source_language or brief.languages[0]
    targets = []
    for recipient in on_list(project.root, recipients, list_name):
        lang = edition_language(recipient, pdfs, source)
        targets.append((recipient, lang, pdfs[lang], None))
    return targets


def correction_targets(project, brief, releases, recipients, log):
    """Those who received an earlier version, each with the language they received and
    the notes of the corrections made since: nobody else."""
    release = releases[-1]
    if release.version == 1:
        raise ContentError(project.brief_dir(brief.id) / "brief.yaml",
                           f"{brief.id} has no released correction", field="corrections",
                           hint="add the correction, build, and release it (briefs release "
                           f"{brief.id}) before sending it")
    pdfs = released_pdfs(project, brief, release)
    known = {recipient.email: recipient for recipient in recipients}
    targets, missing = [], []
    for email, entry in sorted(log.earlier_readers(brief.id, release.version).items()):
        if email not in known:
            missing.append(email)
            continue
        made = brief.corrections[releases[entry.version - 1].corrections:release.corrections]
        note = " ".join(correction.note[entry.lang] for correction in made)
        targets.append((known[email], entry.lang, pdfs[entry.lang], note))
    if missing:
        raise ContentError(folder(project.root) / "recipients.yaml",
                           f"{len(missing)} who received an earlier version are no longer "
                           f"here: {', '.join(missing)}", hint="add them back to send them "
                           "the correction; nobody is sent anything until then")
    return targets


def deliver_all(targets, log, transport, force, common):
    """Each target's message delivered and logged, one after another, shown as it goes
    (briefs.distribution.progress); a failure never stops the others. Then a report;
    return the addresses that failed."""
    release, brief = common["release"], common["brief"]
    counts, failed = collections.Counter(), {}
    title = f"{brief.id} version {release.version}"
    with progress_for(title, len(targets), transport.result) as progress:
        for index, (recipient, lang, pdf, note) in enumerate(targets, 1):
            if not force and log.received(brief.id, release.version, recipient.email):
                result, words = "skipped", (f"skipped, version {release.version} was sent "
                                            "before (--force sends it again)")
            else:
                result, reason = deliver(recipient, lang, pdf, note, log, transport, common)
                words = f"failed ({reason}) ({lang})" if reason else f"{result} ({lang})"
                if reason:
                    failed[recipient.email] = reason
            counts[result] += 1
            progress.advance(index, recipient, words, counts)
    print(f"{title}: {counts[transport.result]} {transport.result}, {counts['skipped']} "
          f"skipped, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""),
          flush=True)
    for address, reason in failed.items():
        print(f"  {address}: failed ({reason})", flush=True)
    return list(failed)


def deliver(recipient, lang, pdf, note, log, transport, common):
    """One message composed, delivered and logged: (its result, the server's reason if
    it failed)."""
    release, brief = common["release"], common["brief"]
    when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    message = compose(recipient=recipient, lang=lang, pdf=pdf, when=when, correction=note,
                      **common)
    try:
        transport.deliver(message)
        result, reason = transport.result, None
    except DeliveryFailed as error:
        result, reason = "failed", str(error)
    log.add(Entry(recipient.email, brief.id, release.version, release.number, lang,
                  {pdf.name: sha256(pdf)}, when.isoformat(), message["Message-ID"], result))
    return result, reason


def sent_report(project, brief_id):
    """`briefs sent`: every message of the brief in the log, oldest first."""
    path = folder(project.root) / "sent.sqlite"
    entries = []
    if path.is_file():
        log = SendLog(path)
        try:
            entries = log.entries(brief_id)
        finally:
            log.close()
    if not entries:
        print(f"{brief_id} was not sent to anybody")
    for entry in entries:
        number = f" {entry.number}" if entry.number else ""
        files = ", ".join(f"{name} (SHA-256 {digest[:12]}…)"
                          for name, digest in entry.attachments.items())
        print(f"{entry.time}  {entry.recipient}  version {entry.version}{number}  "
              f"{entry.lang}  {entry.result}  {files}  {entry.message_id}")


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()
