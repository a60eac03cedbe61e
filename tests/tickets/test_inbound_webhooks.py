"""Email in through django-anymail's real inbound webhooks (T2, W5, I3), in the payload
shapes of two providers: Mailgun (signed form data, fully parsed) and Postmark (JSON with
basic auth). Both end in the same handler."""

import base64
import hashlib
import hmac
import json
import secrets
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import AuthorType, ConversationStatus, Message
from contacts.models import Contact
from contacts.services import contact_block
from tests.chat.conftest import events_of
from tests.tickets.factories import chat_with_messages
from tickets.email import addresses
from tickets.models import EventKind, Source, Ticket, TicketEvent, TicketState
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db

SECRET = "anymail-user:s3cret-pass"
SIGNING_KEY = "mailgun-signing-key-123"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def anymail_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.REPLY_DOMAIN = "help.example.com"
    settings.DEFAULT_FROM_EMAIL = "Comptoir <support@example.com>"


def basic_auth(secret=SECRET):
    return "Basic " + base64.b64encode(secret.encode()).decode()


# --- the two providers' payloads -------------------------------------------------------------


def mailgun_post(
    client,
    *,
    sender="jane@example.com",
    name="Jane Doe",
    to="support@help.example.com",
    subject="Printer on fire",
    text="It burns.",
    message_id="<m1@mail.example.com>",
    in_reply_to=None,
    files=(),
    key=SIGNING_KEY,
    auth=SECRET,
):
    """Mailgun's "forward" route to the fully-parsed inbound URL."""
    timestamp, token = str(int(time.time())), secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    headers = [
        ["Received", "by mxa.mailgun.org with SMTP id 5f2e; Thu, 05 Nov 2026 10:00:00 +0000"],
        ["From", f"{name} <{sender}>"],
        ["To", to],
        ["Subject", subject],
        ["Date", "Thu, 05 Nov 2026 10:00:00 +0000"],
        ["Message-Id", message_id],
        ["Mime-Version", "1.0"],
        ["Content-Type", 'multipart/mixed; boundary="b1"'],
    ]
    if in_reply_to:
        headers += [["In-Reply-To", in_reply_to], ["References", in_reply_to]]
    data = {
        "recipient": to,
        "sender": sender,
        "from": f"{name} <{sender}>",
        "subject": subject,
        "body-plain": text,
        "stripped-text": text.split("\n>")[0],
        "body-html": f"<div>{text}</div>",
        "message-headers": json.dumps(headers),
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
        "attachment-count": str(len(files)),
        "content-id-map": "{}",
    }
    for n, upload in enumerate(files, start=1):
        data[f"attachment-{n}"] = upload
    return client.post("/anymail/mailgun/inbound/", data, HTTP_AUTHORIZATION=basic_auth(auth))


def postmark_post(
    client,
    *,
    sender="jane@example.com",
    name="Jane Doe",
    to="support@help.example.com",
    subject="Printer on fire",
    text="It burns.",
    html="",
    message_id="<m1@mail.example.com>",
    in_reply_to=None,
    attachments=(),
    extra_headers=(),
    spam_status="No",
    auth=SECRET,
):
    """Postmark's inbound JSON (``RawEmail`` not requested)."""
    headers = [
        {"Name": "Return-Path", "Value": f"<{sender}>"},
        {"Name": "X-Spam-Status", "Value": spam_status},
        {"Name": "X-Spam-Score", "Value": "-0.1"},
        {"Name": "MIME-Version", "Value": "1.0"},
        {"Name": "Message-ID", "Value": message_id},
        *({"Name": n, "Value": v} for n, v in extra_headers),
    ]
    if in_reply_to:
        headers += [
            {"Name": "In-Reply-To", "Value": in_reply_to},
            {"Name": "References", "Value": in_reply_to},
        ]
    payload = {
        "FromName": name,
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": name, "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Thu, 5 Nov 2026 10:00:00 +0000",
        "TextBody": text,
        "HtmlBody": html,
        "StrippedTextReply": text,
        "Tag": "",
        "Headers": headers,
        "Attachments": [
            {
                "Name": a_name,
                "Content": base64.b64encode(content).decode(),
                "ContentType": content_type,
                "ContentLength": len(content),
                "ContentID": "",
            }
            for a_name, content, content_type in attachments
        ],
    }
    return client.post(
        "/anymail/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic_auth(auth),
    )


PROVIDERS = {"mailgun": mailgun_post, "postmark": postmark_post}


@pytest.fixture(params=list(PROVIDERS))
def deliver(request, client):
    post = PROVIDERS[request.param]

    def send(**kwargs):
        files = kwargs.pop("files", ())
        if files:
            if request.param == "mailgun":
                kwargs["files"] = [SimpleUploadedFile(n, c, content_type=t) for n, c, t in files]
            else:
                kwargs["attachments"] = files
        return post(client, **kwargs)

    send.provider = request.param
    return send


# --- new tickets ------------------------------------------------------------------------------


def test_email_from_an_unknown_sender_opens_a_ticket_and_a_contact(
    deliver, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(subject="Printer on fire", text="It burns.\nHelp!")
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.source, ticket.state) == (
        "Printer on fire",
        Source.EMAIL,
        TicketState.OPEN,
    )
    contact = ticket.requester
    assert (contact.name, contact.email) == ("Jane Doe", "jane@example.com")
    created = ticket.events.get()
    assert created.kind == EventKind.CREATED
    assert created.body == "It burns.\nHelp!"
    assert created.email_message_id == "<m1@mail.example.com>"
    assert created.contact == contact
    assert events_of(capture_events, "ticket.created", "supervisors")


def test_known_sender_gets_a_new_ticket_on_their_contact(deliver):
    known = Contact.objects.create(name="Jane", email="JANE@example.com")
    deliver()
    assert Ticket.objects.get().requester == known
    assert Contact.objects.count() == 1


def test_same_email_delivered_twice_is_stored_once(deliver):
    assert deliver().status_code == 200
    assert deliver().status_code == 200
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.count() == 1


def test_attachments_are_stored_and_refused_ones_listed(deliver, settings):
    deliver(
        files=[
            ("photo.png", PNG, "image/png"),
            ("virus.exe", b"MZ\x90\x00", "application/x-msdownload"),
        ]
    )
    created = TicketEvent.objects.get()
    [stored] = created.attachments.all()
    assert (stored.name, stored.content_type, stored.size) == ("photo.png", "image/png", len(PNG))
    assert stored.file.read() == PNG
    assert created.data["refused_attachments"] == [
        {"name": "virus.exe", "code": "attachment_type_not_allowed"}
    ]


def test_blocked_senders_email_is_kept_as_spam_and_nobody_is_told(
    deliver, supervisor, mailoutbox, capture_events, django_capture_on_commit_callbacks
):
    blocked = Contact.objects.create(email="jane@example.com")
    contact_block(contact=blocked, actor=supervisor)
    capture_events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver().status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.SPAM
    assert ticket.requester == blocked
    assert capture_events == []
    assert mailoutbox == []


# --- replies ---------------------------------------------------------------------------------


@pytest.fixture
def answered(ticket, agent, django_capture_on_commit_callbacks, settings):
    """A ticket the agent answered by email, asking for information (pending)."""
    settings.REPLY_DOMAIN = "help.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(
            ticket=ticket, actor=agent, body="Which model?", ask_for_information=True
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.PENDING
    return ticket, reply


def test_reply_to_the_reply_address_joins_the_ticket_and_reopens_it(
    deliver, answered, capture_events, django_capture_on_commit_callbacks
):
    ticket, _reply = answered
    text = (
        "The X200.\n\n"
        "On Thu, Nov 5, 2026 at 10:00 AM Agent <support@example.com> wrote:\n> Which model?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            to=addresses.ticket_reply_address(ticket),
            subject="Re: Printer on fire",
            text=text,
            message_id="<answer@mail.example.com>",
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    message = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert message.body == text  # kept whole…
    assert message.contact == ticket.requester
    [event] = events_of(capture_events, "ticket.updated", "supervisors")
    shown = event["events"][0]
    assert shown["display_body"] == "The X200."  # …shown trimmed
    assert shown["body"] == text
    assert "state" in event["changes"]
    assert Ticket.objects.count() == 1


def test_reply_matched_by_headers_alone(deliver, answered):
    ticket, reply = answered
    deliver(
        to="support@help.example.com",
        subject="Re: something else",
        text="Answer",
        message_id="<a2@mail.example.com>",
        in_reply_to=reply.email_message_id,
    )
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1
    assert Ticket.objects.count() == 1


def test_reply_matched_by_the_tickets_root_id(deliver, ticket):
    deliver(in_reply_to=addresses.ticket_root_message_id(ticket), message_id="<a3@x>")
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_forged_root_id_opens_a_new_ticket_instead(deliver, ticket):
    forged = f"<ticket-{ticket.pk}.0000000000000000@help.example.com>"
    deliver(in_reply_to=forged, message_id="<a4@x>")
    assert Ticket.objects.count() == 2


def test_reply_to_a_solved_ticket_reopens_it(deliver, ticket, agent):
    from tickets.services import ticket_set_state

    ticket_set_state(ticket=ticket, actor=agent, state="solved")
    deliver(to=addresses.ticket_reply_address(ticket), message_id="<a5@x>")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN


def test_duplicate_reply_is_stored_once(deliver, answered):
    ticket, _ = answered
    for _n in range(2):
        deliver(to=addresses.ticket_reply_address(ticket), message_id="<dup@x>")
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_reply_with_an_attachment(deliver, answered):
    ticket, _ = answered
    deliver(
        to=addresses.ticket_reply_address(ticket),
        message_id="<att@x>",
        files=[("receipt.pdf", b"%PDF-1.4 receipt", "application/pdf")],
    )
    message = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert [a.name for a in message.attachments.all()] == ["receipt.pdf"]


def test_blocked_senders_reply_is_kept_but_moves_nothing_and_tells_nobody(
    deliver, answered, supervisor, capture_events, django_capture_on_commit_callbacks
):
    ticket, _ = answered
    contact_block(contact=ticket.requester, actor=supervisor)
    capture_events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(to=addresses.ticket_reply_address(ticket), message_id="<b@x>")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.PENDING
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1
    assert capture_events == []


# --- chats continued by email (W5) --------------------------------------------------------------


def test_answer_to_an_open_chat_joins_the_chat(
    deliver, widget, agent, capture_events, django_capture_on_commit_callbacks
):
    chat = chat_with_messages(
        widget, agent, status=ConversationStatus.ACTIVE, lines=[(AuthorType.AGENT, "In stock")]
    )
    text = "Great, I'll order.\n\n> In stock"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(to=addresses.conversation_reply_address(chat), text=text, message_id="<c1@x>")
    message = chat.messages.get(author_type=AuthorType.VISITOR)
    assert message.body == "Great, I'll order."
    [full] = message.attachments.all()
    assert full.name == "email.txt" and full.file.read().decode() == text
    [event] = events_of(capture_events, "message.created", f"agent.{agent.pk}")
    assert event["message"]["body"] == "Great, I'll order."
    deliver(to=addresses.conversation_reply_address(chat), text=text, message_id="<c1@x>")
    assert chat.messages.filter(author_type=AuthorType.VISITOR).count() == 1
    assert not Ticket.objects.exists()


def test_answer_to_a_closed_chat_becomes_its_ticket_with_the_transcript(deliver, widget, agent):
    chat = chat_with_messages(
        widget,
        agent,
        lines=[(AuthorType.VISITOR, "Is it in stock?"), (AuthorType.AGENT, "Yes")],
    )
    chat_message = chat.messages.get(author_type=AuthorType.AGENT)
    deliver(
        to="support@help.example.com",
        in_reply_to=addresses.conversation_message_id(chat_message),
        text="Then I'll take two",
        message_id="<c2@x>",
    )
    ticket = Ticket.objects.get()
    assert (ticket.conversation, ticket.source, ticket.requester) == (
        chat,
        Source.CHAT,
        chat.contact,
    )
    created, message = ticket.events.order_by("id")
    assert "Jane: Is it in stock?" in created.body
    assert (message.kind, message.body) == (EventKind.CUSTOMER_MESSAGE, "Then I'll take two")
    # The next answer joins the same ticket.
    deliver(to=addresses.conversation_reply_address(chat), message_id="<c3@x>")
    assert Ticket.objects.count() == 1
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 2
    assert not Message.objects.filter(author_type=AuthorType.VISITOR, body="It burns.").exists()


# --- credentials -------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_bad_basic_auth_is_refused_and_nothing_is_stored(client, provider):
    response = PROVIDERS[provider](client, auth="anymail-user:wrong")
    assert response.status_code in (400, 403)
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_bad_mailgun_signature_is_refused_and_nothing_is_stored(client):
    response = mailgun_post(client, key="not-the-signing-key")
    assert response.status_code in (400, 403)
    assert not Ticket.objects.exists() and not Contact.objects.exists()


# --- odd mail ----------------------------------------------------------------------------------


def test_html_only_email_is_read_as_text(client):
    postmark_post(
        client, text="", html="<p>Hello <b>there</b></p><p>Line &amp; two</p><script>x()</script>"
    )
    assert TicketEvent.objects.get().body == "Hello there\nLine & two"


def test_auto_reply_is_kept_without_reopening(client, answered):
    ticket, _ = answered
    postmark_post(
        client,
        to=addresses.ticket_reply_address(ticket),
        text="I am out of office",
        message_id="<ooo@x>",
        extra_headers=[("Auto-Submitted", "auto-replied")],
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.PENDING
    assert ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE).data["auto_submitted"] is True


def test_mail_from_the_desk_itself_is_ignored(client):
    postmark_post(client, sender="support@example.com")
    assert not Ticket.objects.exists()


def test_provider_flagged_spam_opens_a_spam_ticket(client):
    postmark_post(client, spam_status="Yes")
    assert Ticket.objects.get().state == TicketState.SPAM
