"""``manage.py ingest_email [PATH ...]``: feed raw emails to the inbound handler, for local
development and for servers that receive mail themselves (a Postfix pipe, fetchmail).

With no path, one RFC 5322 message is read from stdin. A path may be a message file or a
maildir (its ``new/`` and ``cur/`` messages are read; ``--move`` moves the ones stored
from ``new/`` to ``cur/`` as a mail client would). The same message read twice is stored
once."""

import mailbox
import sys
from pathlib import Path

from anymail.inbound import AnymailInboundMessage
from django.core.management.base import BaseCommand, CommandError

from tickets.email.inbound import inbound_email_from_message
from tickets.services import email_receive


class Command(BaseCommand):
    help = "Read raw MIME emails (stdin, files or maildirs) into tickets and chats."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="message files or maildirs")
        parser.add_argument(
            "--move", action="store_true", help="move stored maildir messages to cur/"
        )

    def handle(self, *args, paths=(), move=False, **options):
        if not paths:
            self._ingest(sys.stdin.buffer.read(), "stdin")
            return
        for name in paths:
            path = Path(name)
            if (path / "new").is_dir() or (path / "cur").is_dir():
                self._maildir(path, move)
            elif path.is_file():
                self._ingest(path.read_bytes(), str(path))
            else:
                raise CommandError(f"{path}: neither a message file nor a maildir")

    def _maildir(self, path: Path, move: bool) -> None:
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in list(box.keys()):
            raw = box.get_bytes(key)
            self._ingest(raw, f"{path}:{key}")
            if move:
                message = box.get_message(key)
                if message.get_subdir() == "new":
                    message.set_subdir("cur")
                    message.add_flag("S")
                    box[key] = message

    def _ingest(self, raw: bytes, origin: str) -> None:
        if not raw.strip():
            raise CommandError(f"{origin}: empty message")
        message = AnymailInboundMessage.parse_raw_mime_bytes(raw)
        received = email_receive(email=inbound_email_from_message(message, raw=raw))
        if received.ignored:
            outcome = f"ignored ({received.ignored})"
        elif received.duplicate:
            outcome = "already stored"
        elif received.event is not None:
            outcome = f"ticket #{received.event.ticket_id} ({received.event.kind})"
        else:
            outcome = f"chat #{received.message.conversation_id}"
        self.stdout.write(f"{origin}: {outcome}")
