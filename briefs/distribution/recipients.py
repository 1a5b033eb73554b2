"""The organisation's recipients (distribution/recipients.yaml) and its mail server
(distribution/settings.yaml): kept outside content/, read only by `briefs send`, never by
the build, and treated like restricted case data (README, "Security and confidentiality")."""

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from briefs.content.load import validation_problems
from briefs.content.model import Language, Strict
from briefs.content.yamlfile import parse_mapping
from briefs.errors import ContentError, ContentErrors, did_you_mean

FOLDER = "distribution"
KINDS = ("official", "media", "partner")
# one address, no display name, nothing a mail header could be split at
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def address(email):
    """An e-mail address, in lower case, or a ValueError saying how to write one."""
    if not EMAIL.fullmatch(email):
        raise ValueError(f"'{email}' is not an e-mail address: write one address only, "
                         "such as name@example.org, without a name or angle brackets")
    return email.lower()


def one_line(text):
    """A text for a mail header: a line break in it could add a header of its own."""
    if CONTROL.search(text):
        raise ValueError("write it on one line, without line breaks or tabs")
    return text


class Recipient(Strict):
    """One person the organisation sends its briefs to."""

    name: str = Field(min_length=1)
    organisation: str = ""
    email: str
    languages: list[Language] = Field(min_length=1)  # in order of preference
    kind: Literal[KINDS]
    lists: list[str] = Field(min_length=1)

    _address = field_validator("email")(address)
    _one_line = field_validator("name", "organisation")(one_line)


class Recipients(Strict):
    recipients: list[Recipient] = Field(min_length=1)


class MailSettings(Strict):
    """The organisation's mail server and sender; the password only from the environment
    (BRIEFS_SMTP_PASSWORD), never in a file."""

    sender: str
    host: str = ""
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    user: str = ""

    _address = field_validator("sender")(address)


# what to do about a value refused by a check of this module, by its field
FIELD_HINTS = {"email": "write the address alone, e.g. name@example.org; put the name under "
                        "'name:'",
               "sender": "write the address alone, e.g. briefs@example.org",
               "name": "write it as one line, in quotes if it holds a colon",
               "organisation": "write it as one line, in quotes if it holds a colon"}


def folder(root):
    return Path(root) / FOLDER


def load_recipients(root):
    """Every recipient of distribution/recipients.yaml, validated; an address given twice
    is refused, as it would be sent everything twice."""
    path = folder(root) / "recipients.yaml"
    document = _document(path, "with one entry per recipient (docs/sending.md)")
    validated = _validated(document, Recipients)
    seen = {}
    for index, recipient in enumerate(validated.recipients):
        if recipient.email in seen:
            raise document.error(("recipients", index, "email"), f"{recipient.email} is "
                                 f"given twice (also as the {seen[recipient.email]} entry)",
                                 hint="keep one entry per address, with all its lists")
        seen[recipient.email] = index + 1
    return validated.recipients


def on_list(root, recipients, name):
    """The recipients on a list, refused with the lists there are if it has nobody."""
    chosen = [recipient for recipient in recipients if name in recipient.lists]
    if not chosen:
        known = sorted({list_name for recipient in recipients for list_name in recipient.lists})
        raise ContentError(folder(root) / "recipients.yaml", f"nobody is on the list '{name}'",
                           hint=did_you_mean(name, known) + "the lists are: " + ", ".join(known))
    return chosen


def load_mail_settings(root):
    path = folder(root) / "settings.yaml"
    document = _document(path, "with at least 'sender: briefs@your-organisation.org' "
                         "(docs/sending.md)")
    return _validated(document, MailSettings)


def _validated(document, model):
    """The document as the model, or every problem named with its line, field and what
    to do."""
    validated, problems = validation_problems(document, model)
    if problems:
        raise ContentErrors([document.error(path, reason, hint or FIELD_HINTS.get(path[-1]))
                             for path, reason, hint in problems])
    return validated


def _document(path, what):
    if not path.is_file():
        raise ContentError(path, "the file is missing", hint=f"create it {what}")
    # read here, not through Project, so that no build's record of its reads can hold it
    return parse_mapping(path, path.read_text(encoding="utf-8"))
