"""``manage.py ingest_email``: raw MIME from stdin, files or a maildir, into the same
handler as the webhooks."""

import io
import mailbox
import sys
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from tickets.email import addresses
from tickets.models import EventKind, Source, Ticket

pytestmark = pytest.mark.django_db


def raw_email(*, message_id="<raw1@x>", to="support@help.example.com", body="Hello", **headers):
    message = EmailMessage()
    message["From"] = "Jane Doe <jane@example.com>"
    message["To"] = to
    message["Subject"] = "Order 42"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    message.add_attachment(
        b"%PDF-1.4 invoice", maintype="application", subtype="pdf", filename="invoice.pdf"
    )
    return message.as_bytes()


def run(*args, stdin=b""):
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        call_command("ingest_email", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_stdin_message_opens_a_ticket_with_its_attachment():
    out = run(stdin=raw_email())
    ticket = Ticket.objects.get()
    assert out.strip() == f"stdin: ticket #{ticket.pk} (created)"
    assert (ticket.title, ticket.source) == ("Order 42", Source.EMAIL)
    created = ticket.events.get()
    assert created.body == "Hello"
    assert [a.name for a in created.attachments.all()] == ["invoice.pdf"]
    assert run(stdin=raw_email()).strip() == "stdin: already stored"


def test_maildir_messages_are_read_and_moved(tmp_path, ticket):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(mailbox.MaildirMessage(raw_email(message_id="<a@x>")))
    box.add(
        mailbox.MaildirMessage(
            raw_email(
                message_id="<b@x>", to=addresses.ticket_reply_address(ticket), body="More info"
            )
        )
    )
    out = run(str(tmp_path / "inbox"), "--move")
    assert out.count("ticket #") == 2
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE, body="More info").exists()
    assert Ticket.objects.count() == 2
    assert {m.get_subdir() for m in mailbox.Maildir(tmp_path / "inbox").values()} == {"cur"}


def test_bad_paths_and_empty_input_are_errors(tmp_path):
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing"))
    with pytest.raises(CommandError):
        run(stdin=b"")
