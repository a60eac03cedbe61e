"""Emails that leave (T3, W5): built here, sent by the task worker (``tickets.tasks``).

Each carries a Message-ID, In-Reply-To and References that thread it with the ticket's
(or chat's) earlier emails, a Reply-To that routes the answer back
(:mod:`tickets.email.addresses`), a plain-text part and an HTML part in which every
text written by people is escaped."""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chat.events import agent_card
from chat.models import AuthorType, Message
from tickets.email import addresses
from tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

MAX_REFERENCES = 20
# Where a customer's answer ends: quoting.py cuts there (any language: it looks for "##-").
REPLY_ABOVE_MARKER = gettext_lazy("##- Please type your reply above this line -##")


def _from_address(user) -> str:
    """``"Alice (Comptoir)" <support@…>``: the agent's name on the desk's address."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if user is None:
        return settings.DEFAULT_FROM_EMAIL
    agent = agent_card(user)["name"]
    return formataddr((f"{agent} ({name})" if name else agent, address))


def ticket_thread_ids(ticket: Ticket, before_event_id: int | None = None) -> list[str]:
    """The Message-IDs of the ticket's emails so far, oldest first, after its root id."""
    stored = ticket.events.exclude(email_message_id="")
    if before_event_id is not None:
        stored = stored.filter(pk__lt=before_event_id)
    ids = list(stored.order_by("pk").values_list("email_message_id", flat=True))
    return [addresses.ticket_root_message_id(ticket), *ids]


def threading_headers(thread: list[str], message_id: str) -> dict[str, str]:
    """Message-ID, In-Reply-To (the latest email) and References (the first and the most
    recent ones, as RFC 5322 suggests when the list grows long)."""
    references = (
        thread if len(thread) <= MAX_REFERENCES else [thread[0], *thread[-(MAX_REFERENCES - 1) :]]
    )
    return {
        "Message-ID": message_id,
        "In-Reply-To": thread[-1],
        "References": " ".join(references),
    }


def reply_email_build(event: TicketEvent) -> EmailMultiAlternatives:
    """The email of a public reply, in the requester's language."""
    ticket = event.ticket
    requester = ticket.requester
    thread = ticket_thread_ids(ticket, before_event_id=event.pk)
    attachments = list(event.attachments.all())
    with translation.override(requester.language or settings.LANGUAGE_CODE):
        context = {
            "ticket": ticket,
            "body": event.body,
            "agent": agent_card(event.actor)["name"] if event.actor else "",
            "marker": REPLY_ABOVE_MARKER,
            "ask_for_information": event.data.get("ask_for_information", False),
        }
        # The bare title, with "Re:" once a thread exists: a subject that differs from the
        # customer's (a "[#id]" tag) makes some clients start a new thread.
        subject = _("Re: %(title)s") % {"title": ticket.title} if len(thread) > 1 else ticket.title
        text = render_to_string("tickets/email/reply.txt", context)
        html = render_to_string("tickets/email/reply.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=_from_address(event.actor),
        to=[formataddr((requester.name, requester.email))],
        reply_to=[addresses.ticket_reply_address(ticket)],
        headers={
            **threading_headers(thread, event.email_message_id),
            "X-Comptoir-Ticket": str(ticket.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        with attachment.file.open("rb") as handle:
            message.attach(attachment.name, handle.read(), attachment.content_type)
    return message


def reply_email_send(*, event_id: int) -> None:
    """Send a reply's email and record it as sent. Raises whatever the email backend
    raises (the task retries); a reply whose requester got blocked meanwhile is not
    sent (recorded ``suppressed``)."""
    event = (
        TicketEvent.objects.select_related("ticket__requester", "actor__agent_profile")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        logger.warning("reply %s no longer exists; nothing sent", event_id)
        return
    if event.ticket.requester.is_blocked or not event.ticket.requester.email:
        reply_email_status_set(event_id=event_id, status="suppressed")
        return
    reply_email_build(event).send()
    reply_email_status_set(event_id=event_id, status="sent")


def reply_email_status_set(*, event_id: int, status: str, attempts: int | None = None) -> None:
    """Record where a reply's email stands in ``data["email"]`` (shown in the timeline)."""
    event = TicketEvent.objects.filter(pk=event_id).only("data").first()
    if event is None:
        return
    data = {**event.data, "email": status}
    if attempts is not None:
        data["email_attempts"] = attempts
    TicketEvent.objects.filter(pk=event_id).update(data=data)


def conversation_email_build(message: Message) -> EmailMultiAlternatives:
    """An agent's chat message emailed to a visitor who left (W5), with the visitor's
    last words for context. The chat's title is for agents only and never appears."""
    conversation = message.conversation
    contact = conversation.contact
    earlier = list(
        conversation.messages.filter(internal=False, pk__lt=message.pk)
        .exclude(author_type=AuthorType.SYSTEM)
        .order_by("-pk")[:5]
    )[::-1]
    root = addresses.conversation_message_id(Message(pk=0, conversation=conversation))
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        context = {
            "body": message.body,
            "agent": agent_card(message.author)["name"] if message.author else "",
            "earlier": [
                {
                    "mine": m.author_type == AuthorType.VISITOR,
                    "author": (contact.name or _("You"))
                    if m.author_type == AuthorType.VISITOR
                    else _("Us"),
                    "body": m.body,
                }
                for m in earlier
            ],
            "marker": REPLY_ABOVE_MARKER,
        }
        subject = _("Answer to your chat")
        text = render_to_string("tickets/email/chat_reply.txt", context)
        html = render_to_string("tickets/email/chat_reply.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=_from_address(message.author),
        to=[formataddr((contact.name, contact.email))],
        reply_to=[addresses.conversation_reply_address(conversation)],
        headers=threading_headers([root], addresses.conversation_message_id(message)),
    )
    email.attach_alternative(html, "text/html")
    return email


def conversation_email_send(*, message_id: int) -> None:
    """Send one chat message by email. Raises on backend failures (the task retries)."""
    message = (
        Message.objects.select_related("conversation__contact", "author__agent_profile")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return
    contact = message.conversation.contact
    if contact.is_blocked or not contact.email:
        return
    conversation_email_build(message).send()
