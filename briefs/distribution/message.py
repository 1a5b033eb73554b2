"""One message to one recipient: a short cover note from the template of their kind and
language, the embargo first while it is on, and the released PDF of their language."""

import hashlib
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from briefs import i18n

TEMPLATES = Path(__file__).parent / "templates"
NOTE_LANGUAGES = ("en", "ru", "kk")  # the languages of the cover notes

_notes = SandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, autoescape=False,
                              keep_trailing_newline=True)


def edition_language(recipient, languages, source):
    """The first of the recipient's languages the brief has, else its source language."""
    return next((lang for lang in recipient.languages if lang in languages), source)


def note_language(recipient, lang):
    """The cover note's language: the edition's, unless it is not one the recipient reads;
    then their own first, so that the note can tell them why."""
    if lang in recipient.languages:
        return lang
    return next((own for own in recipient.languages if own in NOTE_LANGUAGES), "en")


def embargo_words(embargo, lang):
    """'29 January 2024, 09:00 (UTC+06:00)' in the note's language."""
    offset = embargo.isoformat()[-6:] if embargo.utcoffset() else "+00:00"
    return f"{i18n.long_date(embargo.date(), lang)}, {embargo:%H:%M} (UTC{offset})"


def message_id(brief_id, version, email, sender):
    """The same Message-ID for the same version sent to the same person, at every send
    (make_msgid would add the clock and chance), in the sender's domain."""
    key = hashlib.sha256(f"{brief_id}\n{version}\n{email}".encode()).hexdigest()[:20]
    return f"<{brief_id}.v{version}.{key}@{sender.rpartition('@')[2]}>"


def compose(*, brief, release, recipient, lang, pdf, publisher, sender, when,
            embargo=None, correction=None):
    """The message of one released version to one recipient, in lang's edition (pdf: the
    released file). embargo: the time, while it is on; correction: the note to give."""
    note_lang = note_language(recipient, lang)
    text = _notes.get_template(f"{recipient.kind}.{note_lang}.txt").render(
        name=recipient.name, title=brief.title[lang], number=release.number,
        version=release.version, publisher=publisher.name.get(note_lang)
        or publisher.name["en"],
        embargo=embargo and embargo_words(embargo, note_lang), correction=correction,
        fallback=None if lang in recipient.languages
        else i18n.language_name(recipient.languages[0]),
        edition_language=i18n.language_name(lang))
    subject, _, body = text.partition("\n")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
    message["Subject"] = subject.strip()
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id(brief.id, release.version, recipient.email, sender)
    message["Content-Language"] = note_lang
    message.set_content(re.sub(r"\n{3,}", "\n\n", body).strip() + "\n")
    message.add_attachment(Path(pdf).read_bytes(), maintype="application", subtype="pdf",
                           filename=Path(pdf).name)
    return message
