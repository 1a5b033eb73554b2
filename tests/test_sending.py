"""Sending released briefs: `briefs send` to a list of recipients kept outside content/,
through a real SMTP server on 127.0.0.1 (aiosmtpd) or into an outbox, the log of who
received which version, corrections to exactly those, and no recipient in build/."""

import collections
import email
import fcntl
import hashlib
import html
import json
import os
import pty
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import zipfile
from email import policy

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from briefs.cli import main
from briefs.project import Project

from conftest import make_project, refusal, run_snakemake

STATEMENT = "test-statement"  # languages en, ru
COLUMN = "test-column"  # languages en, kk
EMBARGO = "2023-04-25T12:00+06:00"
BEFORE = "2023-04-25T11:59+06:00"
AFTER = "2023-04-25T12:01+06:00"
NOTE = {"en": "An earlier version gave the sentence as nine years.",
        "ru": "В предыдущей версии срок был указан как девять лет."}
# three recipients: English, Russian, and Kazakh (which the brief is not published in)
PEOPLE = [("Ann Hiddenfield", "ann.hidden@un-example.org", "[en]", "official", "[press, first]"),
          ("Борис Тайнов", "boris.tainov@media-example.ru", "[ru, en]", "media", "[press, first]"),
          ("Қанат Құпиясов", "kanat.kupiya@partner-example.kz", "[kk]", "partner", "[press]")]
SETTINGS = "sender: briefs@alpha-example.org\nstarttls: false\n"


def recipients_text(people=PEOPLE):
    lines = ["recipients:"]
    for name, address, languages, kind, lists in people:
        lines += [f"  - name: {name}", "    organisation: Example Office",
                  f"    email: {address}", f"    languages: {languages}",
                  f"    kind: {kind}", f"    lists: {lists}"]
    return "\n".join(lines) + "\n"


def with_distribution(root, recipients=None, settings=SETTINGS):
    folder = root / "distribution"
    folder.mkdir(exist_ok=True)
    (folder / "recipients.yaml").write_text(recipients or recipients_text())
    (folder / "settings.yaml").write_text(settings)


def digest(data):
    return hashlib.sha256(data).hexdigest()


def built(project):
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr


def release(project, at):
    assert main(["--root", str(project.root), "release", STATEMENT, "--at", at]) == 0


def send(project, *args):
    return main(["--root", str(project.root), "send", STATEMENT, *args])


def released_file(project, version, lang):
    return (project.content / "releases" / STATEMENT / f"v{version}"
            / f"{STATEMENT}.{lang}.pdf").read_bytes()


def add_correction(project):
    path = project.brief_dir(STATEMENT) / "brief.yaml"
    path.write_text(path.read_text() + "corrections:\n  - date: 2023-05-02\n    note:\n"
                    + "".join(f"      {lang}: {text}\n" for lang, text in NOTE.items()))


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The fixture content, the statement under embargo, built and released as version 1."""
    project = make_project(tmp_path_factory.mktemp("sending"))
    path = project.brief_dir(STATEMENT) / "brief.yaml"
    path.write_text(path.read_text() + f"embargo: {EMBARGO}\n")
    built(project)
    release(project, "2023-04-25T10:00+06:00")
    assert main(["--root", str(project.root), "release", COLUMN, "--at",
                 "2024-01-29T09:00+05:00"]) == 0
    return project


def copy_of(project, folder):
    """A project of its own for one test, with the recipients and settings."""
    shutil.copytree(project.root, folder, ignore=shutil.ignore_patterns(".cache", ".snakemake"))
    with_distribution(folder)
    return Project(folder)


@pytest.fixture
def project(released, tmp_path):
    return copy_of(released, tmp_path / "project")


@pytest.fixture(scope="module")
def corrected(released, tmp_path_factory):
    """Version 1 written to the outbox for the list 'first' (English and Russian), then a
    correction built and released as version 2."""
    project = copy_of(released, tmp_path_factory.mktemp("corrected") / "project")
    assert send(project, "--list", "first", "--outbox", str(project.root / "outbox")) == 0
    add_correction(project)
    built(project)
    release(project, "2023-05-02T12:00+06:00")
    return project


class Mailbox:
    """An SMTP handler keeping what it is sent; it refuses some addresses for good (550)
    and some once (451), as a greylisting server does."""

    def __init__(self):
        self.messages = []
        self.refuse, self.refuse_once = set(), set()
        self.attempts = collections.Counter()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts[address] += 1
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        if address in self.refuse_once and self.attempts[address] == 1:
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for rcpt, message in self.messages if rcpt == [address]]


@pytest.fixture
def smtp():
    """A real SMTP server on a free port of 127.0.0.1; its handler and HOST:PORT."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, f"127.0.0.1:{port}"
    controller.stop()


def pdf_attachment(message):
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    return attachment.get_filename(), attachment.get_content()


def log_rows(project):
    with sqlite3.connect(project.root / "distribution" / "sent.sqlite") as connection:
        return connection.execute(
            "select recipient, brief, version, lang, attachments, message_id, result, time "
            "from messages order by rowid").fetchall()


def test_each_recipient_receives_their_language_with_the_embargo_and_is_logged(
        project, smtp, capsys):
    mailbox, server = smtp
    assert send(project, "--list", "press", "--smtp", server, "--now", BEFORE) == 0
    out = capsys.readouterr().out
    assert "3 sent, 0 skipped, 0 failed" in out
    expected = {PEOPLE[0][1]: "en", PEOPLE[1][1]: "ru", PEOPLE[2][1]: "en"}
    for (name, address, *_), (rcpt, message) in zip(PEOPLE, mailbox.messages):
        lang = expected[address]
        assert rcpt == [address] and message["To"].addresses[0].addr_spec == address
        assert message["From"] == "briefs@alpha-example.org"
        assert message["Message-ID"].endswith("@alpha-example.org>")
        assert message.defects == []
        filename, data = pdf_attachment(message)
        assert filename == f"{STATEMENT}.{lang}.pdf"
        assert data == released_file(project, 1, lang)
        body = message.get_body(("plain",)).get_content()
        embargo = {"en": "EMBARGOED UNTIL 25 April 2023, 12:00 (UTC+06:00)",
                   "ru": "ЭМБАРГО ДО 25 апреля 2023 г., 12:00 (UTC+06:00)",
                   "kk": "ЭМБАРГО 2023 жылғы 25 сәуір, 12:00 (UTC+06:00) ДЕЙІН"}
        note_lang = "kk" if address == PEOPLE[2][1] else lang
        subject = message["Subject"].strip().replace("\xa0", " ")  # a space unbroken
        assert subject.startswith(embargo[note_lang]), subject
        assert body.replace("\xa0", " ").startswith(embargo[note_lang]), body
        assert name in body
    kazakh = mailbox.messages[2][1].get_body(("plain",)).get_content()
    assert "мына тілде жарияланбаған: Қазақ тілі" in kazakh and "English" in kazakh
    rows = log_rows(project)
    assert [(r[0], r[1], r[2], r[3], r[6]) for r in rows] == [
        (address, STATEMENT, 1, expected[address], "sent") for _, address, *_ in PEOPLE]
    for row, (_, message) in zip(rows, mailbox.messages):
        filename, data = pdf_attachment(message)
        assert json.loads(row[4]) == {filename: digest(data)}
        assert row[5] == message["Message-ID"].strip() and row[7].endswith("+00:00")
    assert main(["--root", str(project.root), "sent", STATEMENT]) == 0
    report = capsys.readouterr().out
    for _, address, *_ in PEOPLE:
        assert f"{address}  version 1  {expected[address]}  sent" in report


def test_a_kazakh_reader_receives_the_kazakh_edition_of_a_brief_that_has_one(project, smtp):
    mailbox, server = smtp
    assert main(["--root", str(project.root), "send", COLUMN, "--list", "press", "--smtp",
                 server]) == 0
    expected = {PEOPLE[0][1]: "en", PEOPLE[1][1]: "en", PEOPLE[2][1]: "kk"}
    for rcpt, message in mailbox.messages:
        lang = expected[rcpt[0]]
        filename, data = pdf_attachment(message)
        assert filename == f"{COLUMN}.{lang}.pdf"
        assert data == (project.content / "releases" / COLUMN / "v1" / filename).read_bytes()
    kazakh = mailbox.to(PEOPLE[2][1])[0].get_body(("plain",)).get_content()
    assert kazakh.startswith("Құрметті Қанат Құпиясов,") and "жарияланбаған" not in kazakh
    # the Russian reader, who also reads English, is told nothing is missing, in English
    russian = mailbox.to(PEOPLE[1][1])[0].get_body(("plain",)).get_content()
    assert russian.startswith("Dear Борис Тайнов,") and "not published" not in russian


def test_once_the_embargo_is_past_the_messages_do_not_carry_it(project, smtp):
    mailbox, server = smtp
    assert send(project, "--list", "press", "--smtp", server, "--now", AFTER) == 0
    assert len(mailbox.messages) == 3
    for _, message in mailbox.messages:
        text = message["Subject"] + message.get_body(("plain",)).get_content()
        assert "EMBARGO" not in text.upper(), text


def test_a_second_send_is_skipped_unless_forced(project, smtp, capsys):
    mailbox, server = smtp
    assert send(project, "--list", "press", "--smtp", server) == 0
    first_ids = [message["Message-ID"].strip() for _, message in mailbox.messages]
    capsys.readouterr()
    assert send(project, "--list", "press", "--smtp", server) == 0
    out = capsys.readouterr().out
    assert len(mailbox.messages) == 3 and out.count("skipped, version 1 was sent") == 3
    assert "0 sent, 3 skipped" in out
    assert send(project, "--list", "press", "--smtp", server, "--force") == 0
    # the same Message-ID for the same version to the same person
    assert [message["Message-ID"].strip() for _, message in mailbox.messages[3:]] == first_ids
    assert len(log_rows(project)) == 6


def test_a_correction_goes_to_those_who_received_the_error_and_nobody_else(
        corrected, smtp, tmp_path, capsys):
    project = copy_of(corrected, tmp_path / "project")
    mailbox, server = smtp
    assert send(project, "--corrections", "--smtp", server) == 0
    received = {rcpt[0]: message for rcpt, message in mailbox.messages}
    assert set(received) == {PEOPLE[0][1], PEOPLE[1][1]}  # not the Kazakh partner
    for address, lang in [(PEOPLE[0][1], "en"), (PEOPLE[1][1], "ru")]:
        message = received[address]
        filename, data = pdf_attachment(message)
        assert (filename, data) == (f"{STATEMENT}.{lang}.pdf", released_file(project, 2, lang))
        assert data != released_file(project, 1, lang)
        assert NOTE[lang] in message.get_body(("plain",)).get_content()
        subject = message["Subject"].strip()
        assert subject.startswith({"en": "Correction", "ru": "Исправление"}[lang]), subject
    versions = [(r[0], r[2], r[6]) for r in log_rows(project)]
    assert versions == [(PEOPLE[0][1], 1, "outbox"), (PEOPLE[1][1], 1, "outbox"),
                        (PEOPLE[0][1], 2, "sent"), (PEOPLE[1][1], 2, "sent")]
    capsys.readouterr()
    assert send(project, "--corrections", "--smtp", server) == 0
    assert len(mailbox.messages) == 2 and "0 sent, 2 skipped" in capsys.readouterr().out


def test_a_correction_of_a_brief_never_corrected_is_refused(project, capsys):
    err = refusal(project, capsys, "send", STATEMENT, "--corrections", "--outbox",
                  str(project.root / "outbox"))
    assert "has no released correction" in err and "briefs release" in err


def test_a_refused_recipient_is_reported_the_others_are_sent_and_a_greylisted_one_retried(
        project, smtp, capsys):
    mailbox, server = smtp
    mailbox.refuse.add(PEOPLE[1][1])
    mailbox.refuse_once.add(PEOPLE[2][1])
    assert send(project, "--list", "press", "--smtp", server) == 1
    out = capsys.readouterr().out
    assert f"{PEOPLE[1][1]}: failed (550 5.1.1 No such mailbox)" in out
    assert f"2 sent, 0 skipped, 1 failed: {PEOPLE[1][1]}" in out
    assert [rcpt for rcpt, _ in mailbox.messages] == [[PEOPLE[0][1]], [PEOPLE[2][1]]]
    assert mailbox.attempts[PEOPLE[2][1]] == 2
    results = {row[0]: row[6] for row in log_rows(project)}
    assert results == {PEOPLE[0][1]: "sent", PEOPLE[1][1]: "failed", PEOPLE[2][1]: "sent"}
    # the one who failed is sent at the next run; the others are not sent twice
    mailbox.refuse.clear()
    assert send(project, "--list", "press", "--smtp", server) == 0
    assert [rcpt for rcpt, _ in mailbox.messages[2:]] == [[PEOPLE[1][1]]]


def test_the_outbox_holds_one_valid_eml_file_per_recipient(project):
    outbox = project.root / "outbox"
    assert send(project, "--list", "press", "--outbox", str(outbox), "--now", BEFORE) == 0
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 3
    addresses = set()
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message.defects == [] and message["Subject"].strip().startswith(
            ("EMBARGO", "ЭМБАРГО"))
        addresses.add(message["To"].addresses[0].addr_spec)
        filename, data = pdf_attachment(message)
        assert data == (project.content / "releases" / STATEMENT / "v1" / filename).read_bytes()
    assert addresses == {address for _, address, *_ in PEOPLE}
    assert {row[6] for row in log_rows(project)} == {"outbox"}


@pytest.mark.parametrize("folder", ["build/outbox", "content/outbox", "build"])
def test_the_outbox_is_never_where_the_build_publishes(project, capsys, folder):
    err = refusal(project, capsys, "send", STATEMENT, "--list", "press", "--outbox",
                  str(project.root / folder))
    assert f"may not be inside {folder.split('/')[0]}/" in err
    assert not list(project.root.rglob("*.eml")) and not log_path(project).exists()


def log_path(project):
    return project.root / "distribution" / "sent.sqlite"


def test_a_released_file_changed_since_is_never_sent(project, capsys):
    path = project.content / "releases" / STATEMENT / "v1" / f"{STATEMENT}.ru.pdf"
    path.write_bytes(path.read_bytes() + b"%")
    err = refusal(project, capsys, "send", STATEMENT, "--list", "press", "--outbox",
                  str(project.root / "outbox"))
    assert f"{STATEMENT}.ru.pdf" in err and "not the file released as version 1" in err
    assert not list((project.root / "outbox").glob("*.eml"))


def test_no_recipient_appears_anywhere_under_build_after_a_full_build(project, smtp):
    mailbox, server = smtp
    assert send(project, "--list", "press", "--smtp", server) == 0
    built(project)
    secrets = [word for name, address, *_ in PEOPLE for word in (name, address)]
    secrets += [address.partition("@")[0] for _, address, *_ in PEOPLE]
    checked = 0
    for path in sorted((project.root / "build").rglob("*")):
        if not path.is_file():
            continue
        for where, text in readable(path):
            checked += 1
            for secret in secrets:
                assert secret.lower() not in text.lower(), (where, secret)
    assert checked > 20
    # nor is the folder among what any edition read
    manifest = (project.root / "build" / "manifest.json").read_text()
    assert '"distribution/' not in manifest and "sent.sqlite" not in manifest


def readable(path):
    """(where, text) for every text a file holds: its bytes, its PDF text, its members."""
    data = path.read_bytes()
    yield path, data.decode("utf-8", "replace") + html.unescape(data.decode("utf-8", "replace"))
    if path.suffix == ".pdf":
        yield path, " ".join(page.extract_text() for page in PdfReader(path).pages)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as kit:
            for member in kit.namelist():
                text = kit.read(member).decode("utf-8", "replace")
                yield f"{path}:{member}", text
                if member.endswith(".pdf"):
                    with kit.open(member) as pdf:
                        yield f"{path}:{member}", " ".join(
                            page.extract_text() for page in PdfReader(pdf).pages)


def test_an_unreleased_brief_is_refused(released, tmp_path, capsys):
    project = copy_of(released, tmp_path / "project")
    err = refusal(project, capsys, "send", "test-report", "--list", "press", "--outbox",
                  str(tmp_path / "outbox"))
    assert "test-report is not released" in err
    assert "release it first: briefs release test-report" in err
    assert not (tmp_path / "outbox").exists()


def test_an_unknown_list_is_refused_with_the_lists_there_are(project, capsys):
    err = refusal(project, capsys, "send", STATEMENT, "--list", "pres", "--outbox",
                  str(project.root / "outbox"))
    assert "nobody is on the list 'pres'" in err and "did you mean 'press'?" in err


def test_a_password_is_taken_from_the_environment_only(project, capsys, monkeypatch):
    monkeypatch.delenv("BRIEFS_SMTP_PASSWORD", raising=False)
    with_distribution(project.root, settings=SETTINGS + "user: alpha\n")
    err = refusal(project, capsys, "send", STATEMENT, "--list", "press", "--smtp",
                  "127.0.0.1:1")
    assert "settings.yaml, field 'user'" in err and "BRIEFS_SMTP_PASSWORD" in err
    monkeypatch.setenv("BRIEFS_SMTP_PASSWORD", "secret")
    err = refusal(project, capsys, "send", STATEMENT, "--list", "press", "--smtp",
                  "127.0.0.1:1")
    assert "field 'starttls'" in err and "unencrypted" in err


RECIPIENT = ("  - name: Ann Hiddenfield\n    email: ann@example.org\n    languages: [en]\n"
             "    kind: official\n    lists: [press]\n")


@pytest.mark.parametrize("recipients, words", [
    (RECIPIENT.replace("    email:", "    emial:"),
     ["recipients.yaml, line 3, field 'emial' of the 1st recipient", "did you mean 'email'?"]),
    (RECIPIENT.replace("official", "journalist"),
     ["line 5, field 'kind'", "'official', 'media' or 'partner'", "journalist"]),
    (RECIPIENT.replace("ann@example.org", "Ann <ann@example.org>"),
     ["line 3, field 'email'", "is not an e-mail address"]),
    (RECIPIENT.replace("ann@example.org", '"ann@example.org\\nBcc: all@example.org"'),
     ["line 3, field 'email'", "is not an e-mail address"]),
    (RECIPIENT.replace("Ann Hiddenfield", '"Ann\\r\\nBcc: all@example.org"'),
     ["line 2, field 'name'", "on one line"]),
    (RECIPIENT.replace("[en]", "[de]"), ["line 4, the 1st language ('de') of the 1st",
                                         "'en', 'ru' or 'kk'"]),
    (RECIPIENT + RECIPIENT.replace("Ann Hiddenfield", "Ann Again"),
     ["line 8, field 'email' of the 2nd recipient", "given twice", "one entry per address"]),
    (RECIPIENT.replace("    kind: official\n", "    kind: official\n    kind: media\n"),
     ["line 6", "kind"]),
    (RECIPIENT.replace("    lists: [press]\n", ""), ["field 'lists'", "this field is required"]),
])
def test_mistakes_in_recipients_are_named_with_file_line_and_field(
        project, capsys, recipients, words):
    with_distribution(project.root, "recipients:\n" + recipients)
    err = refusal(project, capsys, "send", STATEMENT, "--list", "press", "--outbox",
                  str(project.root / "outbox"))
    for word in words:
        assert word in err, err
    assert not (project.root / "outbox").exists()


def briefs_command(project, *args, terminal):
    """`briefs send ...` run as an operator runs it, its output and errors on a terminal (a
    pseudo-terminal of 100 columns) or into pipes: (exit status, all it wrote)."""
    command = [sys.executable, "-m", "briefs", "--root", str(project.root), *args]
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")}
    environment["TERM"] = "xterm"
    if not terminal:
        done = subprocess.run(command, capture_output=True, env=environment)
        return done.returncode, (done.stdout + done.stderr).decode()
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower,
                               env=environment)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the command ended and the terminal closed
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return process.wait(), output.decode()


def redrawn(output):
    """The states a terminal showed one after another: the output without its colours,
    cut where a carriage return (not a line's end) brings the cursor back to redraw."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)
    return [state.strip() for state in re.split(r"\r(?!\n)", plain)]


def test_on_a_terminal_a_bar_counts_the_messages_naming_nobody_and_the_report_names_failures(
        project, smtp):
    mailbox, server = smtp
    mailbox.refuse.add(PEOPLE[1][1])
    status, output = briefs_command(project, "send", STATEMENT, "--list", "press", "--smtp",
                                    server, terminal=True)
    assert status == 1, output
    states = redrawn(output)  # drawn, then redrawn in place at each message
    assert all(state.startswith(f"{STATEMENT} version 1 ━") for state in states[:-1]), output
    counts = [re.search(r" ([0-9]/3) ", state)[1] for state in states[:-1]]
    assert list(dict.fromkeys(counts)) == ["0/3", "1/3", "2/3", "3/3"], output
    assert states[-2].endswith("3/3 2 sent, 0 skipped, 1 failed"), output
    assert f"2 sent, 0 skipped, 1 failed: {PEOPLE[1][1]}" in output
    assert f"{PEOPLE[1][1]}: failed (550 5.1.1 No such mailbox)" in output
    # the bar names nobody: of the recipients only the one who failed, in the report
    for name, address, *_ in PEOPLE:
        assert name not in output
    for _, address, *_ in (PEOPLE[0], PEOPLE[2]):
        assert address not in output
    assert [rcpt for rcpt, _ in mailbox.messages] == [[PEOPLE[0][1]], [PEOPLE[2][1]]]


def test_on_a_terminal_an_outbox_has_the_bar_and_a_second_send_counts_the_skipped(project):
    outbox = str(project.root / "outbox")
    status, output = briefs_command(project, "send", STATEMENT, "--list", "press",
                                    "--outbox", outbox, terminal=True)
    assert status == 0 and "3/3" in redrawn(output)[-2], output
    assert f"{STATEMENT} version 1: 3 outbox, 0 skipped, 0 failed" in output
    status, output = briefs_command(project, "send", STATEMENT, "--list", "press",
                                    "--outbox", outbox, terminal=True)
    assert status == 0 and "0 outbox, 3 skipped, 0 failed" in redrawn(output)[-2], output
    assert not [address for _, address, *_ in PEOPLE if address in output]
    assert len(list(project.root.glob("outbox/*.eml"))) == 3


def test_without_a_terminal_each_recipient_has_a_plain_line_for_the_log(project, smtp):
    mailbox, server = smtp
    status, output = briefs_command(project, "send", STATEMENT, "--list", "press", "--smtp",
                                    server, terminal=False)
    assert status == 0, output
    assert "\r" not in output and "\x1b" not in output and "━" not in output
    assert output.splitlines() == [
        f"[1/3] {PEOPLE[0][1]}: sent (en)", f"[2/3] {PEOPLE[1][1]}: sent (ru)",
        f"[3/3] {PEOPLE[2][1]}: sent (en)",
        f"{STATEMENT} version 1: 3 sent, 0 skipped, 0 failed"]


FUTURE = "2099-01-29T09:00+06:00"  # an embargo still to come by the clock of any test run
FUTURE_WORDS = {"en": "EMBARGOED UNTIL 29 January 2099, 09:00 (UTC+06:00)",
                "ru": "ЭМБАРГО ДО 29 января 2099 г., 09:00 (UTC+06:00)",
                "kk": "ЭМБАРГО 2099 жылғы 29 қаңтар, 09:00 (UTC+06:00) ДЕЙІН"}


def test_without_now_an_embargo_still_to_come_by_the_clock_opens_every_message(
        project, smtp):
    mailbox, server = smtp
    path = project.brief_dir(STATEMENT) / "brief.yaml"
    path.write_text(path.read_text().replace(f"embargo: {EMBARGO}", f"embargo: {FUTURE}"))
    assert send(project, "--list", "press", "--smtp", server) == 0
    notes = {PEOPLE[0][1]: "en", PEOPLE[1][1]: "ru", PEOPLE[2][1]: "kk"}
    assert sorted(rcpt[0] for rcpt, _ in mailbox.messages) == sorted(notes)
    for (address,), message in mailbox.messages:
        words = FUTURE_WORDS[notes[address]]
        subject = message["Subject"].strip().replace("\xa0", " ")
        body = message.get_body(("plain",)).get_content().replace("\xa0", " ")
        assert subject.startswith(words) and body.startswith(words), (subject, body)


def test_without_now_an_embargo_past_by_the_clock_is_in_no_message(project, smtp):
    mailbox, server = smtp
    assert f"embargo: {EMBARGO}" in (project.brief_dir(STATEMENT) / "brief.yaml").read_text()
    assert send(project, "--list", "press", "--smtp", server) == 0
    assert len(mailbox.messages) == 3
    for _, message in mailbox.messages:
        text = message["Subject"] + message.get_body(("plain",)).get_content()
        assert "EMBARGO" not in text.upper(), text


def test_send_help_says_the_embargo_is_judged_at_the_time_of_sending_and_why(capsys):
    with pytest.raises(SystemExit) as done:
        main(["send", "--help"])
    assert done.value.code == 0
    words = " ".join(capsys.readouterr().out.split())
    assert "--now NOW the time to judge the embargo by" in words
    assert ("without it, the time of sending, by this computer's clock: unlike a build, "
            "which never reads the clock, a send happens at a real time, and its messages "
            "say the embargo that holds when they leave") in words
