"""Where messages go: .eml files in a folder, or an SMTP server, one recipient's message
at a time, with one retry after a temporary failure (a 4xx reply, a lost connection)."""

import smtplib
import time
from email import policy

RETRY_PAUSE = 2  # seconds before the retry: servers that greylist ask to come back later


class DeliveryFailed(Exception):
    """A message that could not be delivered, with the server's reason."""


class Outbox:
    """Messages written as .eml files, to be read or sent from a mail client."""

    result = "outbox"

    def __init__(self, folder):
        self.folder = folder

    def deliver(self, message):
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").partition("@")[0]
        (self.folder / f"{name}.eml").write_bytes(message.as_bytes(policy=policy.SMTP))


class Smtp:
    """An SMTP server, with STARTTLS unless turned off and a login if a user is given."""

    result = "sent"

    def __init__(self, host, port, *, starttls=True, user="", password=""):
        self.host, self.port = host, port
        self.starttls, self.user, self.password = starttls, user, password

    def deliver(self, message):
        try:
            self._send(message)
        except (smtplib.SMTPException, OSError) as error:
            if not temporary(error):
                raise DeliveryFailed(reason(error)) from None
            time.sleep(RETRY_PAUSE)
            try:
                self._send(message)
            except (smtplib.SMTPException, OSError) as again:
                raise DeliveryFailed(reason(again)) from None

    def _send(self, message):
        with smtplib.SMTP(self.host, self.port, timeout=60) as server:
            if self.starttls:
                server.starttls()
            if self.user:
                server.login(self.user, self.password)
            server.send_message(message)


def temporary(error):
    """Whether a failure may pass: a 4xx reply, or the connection rather than the server."""
    codes = [code for code, _ in getattr(error, "recipients", {}).values()]
    if hasattr(error, "smtp_code"):
        codes.append(error.smtp_code)
    if codes:
        return all(400 <= code < 500 for code in codes)
    return isinstance(error, (OSError, smtplib.SMTPServerDisconnected))


def reason(error):
    """The server's reply, or what went wrong on the way to it."""
    refused = getattr(error, "recipients", {})
    if refused:
        return "; ".join(f"{code} {text.decode(errors='replace')}"
                         for code, text in refused.values())
    if hasattr(error, "smtp_code"):
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else text
        return f"{error.smtp_code} {text}"
    return str(error) or type(error).__name__
