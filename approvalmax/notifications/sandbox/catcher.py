"""The demo's mail catcher: a real SMTP server (aiosmtpd) that keeps every message it receives
in a Maildir, where /sandbox/mail/ reads them. Tests start one in their own process."""

import mailbox
from pathlib import Path

from aiosmtpd.controller import Controller


class MaildirHandler:
    def __init__(self, directory: Path | str) -> None:
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)  # Maildir makes its own folders when it is missing
        self.maildir = mailbox.Maildir(str(directory), create=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = mailbox.MaildirMessage(envelope.original_content or envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.maildir.add(message)
        return "250 Message accepted for delivery"


def catcher(directory: Path, *, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    return Controller(MaildirHandler(directory), hostname=host, port=port)


def messages(directory: Path | str) -> list[tuple[str, mailbox.MaildirMessage]]:
    """Newest first, with their keys."""
    if not Path(directory).exists():
        return []
    box = mailbox.Maildir(str(directory), create=False)
    found = [(key, box[key]) for key in box.keys()]
    return sorted(found, key=lambda pair: pair[1].get_date(), reverse=True)


def message(directory: Path, key: str) -> mailbox.MaildirMessage | None:
    box = mailbox.Maildir(str(directory), create=False)
    try:
        return box[key]
    except KeyError:
        return None
