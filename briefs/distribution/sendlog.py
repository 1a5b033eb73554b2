"""The log of what was sent (distribution/sent.sqlite): each message to each recipient,
with the version, document number and attachments' SHA-256 it carried, so that the
organisation can say who holds which version, and send a correction to exactly them."""

import json
import sqlite3
from dataclasses import dataclass

DELIVERED = ("outbox", "sent")  # results that count as received
SCHEMA = """
create table if not exists messages (
    recipient text not null,
    brief text not null,
    version integer not null,
    number text,
    lang text not null,
    attachments text not null,
    time text not null,
    message_id text not null,
    result text not null check (result in ('outbox', 'sent', 'failed'))
)
"""


@dataclass(frozen=True)
class Entry:
    recipient: str  # the address
    brief: str
    version: int
    number: str | None
    lang: str  # of the edition attached
    attachments: dict  # {file name: SHA-256}
    time: str  # UTC, ISO 8601
    message_id: str
    result: str


class SendLog:
    """The log, opened (and made, the first time) at path."""

    def __init__(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(path)
        self.connection.execute(SCHEMA)

    def close(self):
        self.connection.close()

    def add(self, entry):
        with self.connection:  # committed at once: a send stopped halfway keeps its lines
            self.connection.execute(
                "insert into messages values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.recipient, entry.brief, entry.version, entry.number, entry.lang,
                 json.dumps(entry.attachments, sort_keys=True), entry.time,
                 entry.message_id, entry.result))

    def entries(self, brief):
        """Every message of a brief, oldest first."""
        rows = self.connection.execute(
            "select * from messages where brief = ? order by time, rowid", (brief,))
        return [Entry(*row[:5], json.loads(row[5]), *row[6:]) for row in rows]

    def received(self, brief, version, recipient):
        """Whether the recipient was sent (or written to the outbox) this version."""
        return any(entry.version == version and entry.recipient == recipient
                   and entry.result in DELIVERED for entry in self.entries(brief))

    def earlier_readers(self, brief, version):
        """{address: the last Entry each was sent} of those who received a version before
        this one: who a correction goes to, and in which language."""
        last = {}
        for entry in self.entries(brief):
            if entry.result in DELIVERED and entry.version < version:
                last[entry.recipient] = entry
        return last
