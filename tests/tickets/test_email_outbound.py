"""Email out (T3, W5, W9): threading headers, reply address, text and inert HTML parts,
retries, the transcript and the continuation of a chat by email."""

import logging
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.utils import timezone

from chat.models import AuthorType, ConversationStatus
from chat.tasks import send_transcript
from tests.tickets.factories import chat_with_messages
from tickets import tasks
from tickets.email import addresses
from tickets.models import TicketEvent
from tickets.services import (
    InboundEmail,
    conversation_reply_by_email,
    email_receive,
    ticket_reply,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reply_domain(settings):
    settings.REPLY_DOMAIN = "help.example.com"
    settings.DEFAULT_FROM_EMAIL = "Comptoir <support@example.com>"


def send_reply(ticket, agent, body, captured, **kwargs):
    with captured(execute=True):
        event = ticket_reply(ticket=ticket, actor=agent, body=body, **kwargs)
    return event, mail.outbox[-1]


def test_reply_headers_thread_the_whole_conversation(
    ticket, agent, requester, django_capture_on_commit_callbacks
):
    root = addresses.ticket_root_message_id(ticket)
    first, email = send_reply(ticket, agent, "Hello", django_capture_on_commit_callbacks)
    headers = email.extra_headers
    assert headers["Message-ID"] == first.email_message_id
    assert first.email_message_id.startswith(f"<ticket-{ticket.pk}-")
    assert first.email_message_id.endswith("@help.example.com>")
    assert headers["In-Reply-To"] == root
    assert headers["References"] == root
    assert email.reply_to == [f"reply+{ticket.reply_token}@help.example.com"]
    assert email.subject == "Printer on fire"
    assert email.from_email == '"Agent (Comptoir)" <support@example.com>'

    # The customer answers, quoting our email's id; our next reply threads after theirs.
    email_receive(
        email=InboundEmail(
            from_email=requester.email,
            recipients=[email.reply_to[0]],
            subject="Re: Printer on fire",
            text="Still burning",
            message_id="<answer-1@customer.example>",
            in_reply_to=first.email_message_id,
            references=f"{root} {first.email_message_id}",
        )
    )
    second, email = send_reply(ticket, agent, "Water?", django_capture_on_commit_callbacks)
    headers = email.extra_headers
    assert headers["In-Reply-To"] == "<answer-1@customer.example>"
    assert headers["References"].split() == [
        root,
        first.email_message_id,
        "<answer-1@customer.example>",
    ]
    assert email.subject == "Re: Printer on fire"
    # The headers really are in the message that leaves.
    sent = message_from_bytes(email.message().as_bytes())
    assert sent["Message-ID"] == second.email_message_id
    assert sent["In-Reply-To"] == "<answer-1@customer.example>"
    assert sent["Reply-To"] == f"reply+{ticket.reply_token}@help.example.com"


def test_references_stay_bounded(ticket, agent, django_capture_on_commit_callbacks):
    for n in range(25):
        TicketEvent.objects.create(
            ticket=ticket, kind="customer_message", email_message_id=f"<m{n}@x>"
        )
    _event, email = send_reply(ticket, agent, "Hi", django_capture_on_commit_callbacks)
    references = email.extra_headers["References"].split()
    assert len(references) == 20
    assert references[0] == addresses.ticket_root_message_id(ticket)
    assert references[-1] == "<m24@x>"


def test_reply_email_has_a_text_part_and_an_inert_html_part(
    ticket, agent, django_capture_on_commit_callbacks
):
    body = 'Try <script>alert("x")</script> & <b>reboot</b>\nthen call'
    _event, email = send_reply(ticket, agent, body, django_capture_on_commit_callbacks)
    assert body in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "<script>" not in html and "<b>reboot" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;reboot" in html
    assert "##- Please type your reply above this line -##" in email.body


def test_reply_email_speaks_the_requesters_language(
    ticket, agent, requester, django_capture_on_commit_callbacks
):
    requester.language = "fr"
    requester.save()
    _event, email = send_reply(ticket, agent, "Bonjour", django_capture_on_commit_callbacks)
    assert email.alternatives[0][0].startswith('<!doctype html>\n<html lang="fr">')


def test_failed_send_is_logged_marked_and_raised_for_the_worker(
    ticket, agent, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(self, fail_silently=False):
        raise ConnectionError("provider down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with (
        caplog.at_level(logging.ERROR, logger="tickets.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event = ticket_reply(ticket=ticket, actor=agent, body="Hello")
    event.refresh_from_db()
    # The immediate backend cannot delay a retry: the reply is marked failed, not lost.
    assert event.data["email"] == "failed"
    assert event.data["email_attempts"] == 1
    assert "provider down" in caplog.text
    result = tasks.send_reply_email.enqueue(event.pk)
    assert result.status == "FAILED"
    assert "ConnectionError" in result.errors[0].exception_class_path


def test_failed_send_is_retried_later_by_the_database_worker(ticket, agent, monkeypatch, settings):
    from django_tasks_db.models import DBTaskResult

    event = ticket_reply(ticket=ticket, actor=agent, body="Hello")  # not committed: not sent
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    def broken(self, fail_silently=False):
        raise ConnectionError("provider down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(ConnectionError):
        tasks.send_reply_email.call(event.pk, attempt=2)
    [retry] = DBTaskResult.objects.all()
    assert retry.task_path == "tickets.tasks.send_reply_email"
    assert (retry.args_kwargs["args"], retry.args_kwargs["kwargs"]) == ([event.pk], {"attempt": 3})
    delay = retry.run_after - timezone.now()
    assert timedelta(minutes=1) < delay <= timedelta(minutes=2)
    event.refresh_from_db()
    assert event.data["email"] == "retrying"
    # The last attempt gives up: marked failed, nothing more enqueued.
    with pytest.raises(ConnectionError):
        tasks.send_reply_email.call(event.pk, attempt=6)
    assert DBTaskResult.objects.count() == 1
    event.refresh_from_db()
    assert (event.data["email"], event.data["email_attempts"]) == ("failed", 6)


def test_the_transcript_email_is_text_and_inert_html(widget, agent, mailoutbox):
    chat = chat_with_messages(
        widget,
        agent,
        lines=[
            (AuthorType.VISITOR, "<script>steal()</script> hello"),
            (AuthorType.AGENT, "Hi <img src=x onerror=alert(1)>"),
            (AuthorType.AGENT, "secret note", True),
        ],
    )
    send_transcript.enqueue(chat.pk, "jane@example.com")
    [email] = mailoutbox
    assert "<script>steal()</script> hello" in email.body
    html = email.alternatives[0][0]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;steal()&lt;/script&gt; hello" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "secret note" not in email.body + html


def test_agent_answer_to_a_visitor_who_left_is_emailed_with_a_chat_reply_address(
    widget, agent, mailoutbox, django_capture_on_commit_callbacks
):
    chat = chat_with_messages(
        widget,
        agent,
        status=ConversationStatus.ACTIVE,
        lines=[(AuthorType.VISITOR, "Is it in stock?"), (AuthorType.AGENT, "Yes <b>two</b>")],
    )
    chat.title = "Agents-only title"
    chat.save()
    answer = chat.messages.get(author_type=AuthorType.AGENT)
    with django_capture_on_commit_callbacks(execute=True):
        conversation_reply_by_email(message=answer)
    [email] = mailoutbox
    assert email.to == ["Jane <jane@example.com>"]
    assert email.reply_to == [addresses.conversation_reply_address(chat)]
    assert email.extra_headers["Message-ID"] == addresses.conversation_message_id(answer)
    assert addresses.conversation_from_message_id(email.extra_headers["Message-ID"]) == chat.pk
    assert "Is it in stock?" in email.body
    assert "Agents-only title" not in email.body + email.subject
    assert "&lt;b&gt;two&lt;/b&gt;" in email.alternatives[0][0]


def test_chat_answer_cannot_be_emailed_without_an_address(widget, agent):
    from helpdesk.errors import DomainError

    chat = chat_with_messages(widget, agent, email="", lines=[(AuthorType.AGENT, "Hi")])
    with pytest.raises(DomainError) as refused:
        conversation_reply_by_email(message=chat.messages.get())
    assert refused.value.code == "no_conversation_email"


def test_forged_chat_reply_address_is_not_trusted(widget, agent):
    chat = chat_with_messages(widget, agent)
    good = addresses.conversation_reply_address(chat)
    forged = good.replace(f"reply+c{chat.pk}.", f"reply+c{chat.pk + 1}.")
    assert addresses.parse_reply_addresses([good]) == (None, chat.pk)
    assert addresses.parse_reply_addresses([forged]) == (None, None)
