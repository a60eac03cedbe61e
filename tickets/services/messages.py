"""What is written on a ticket: public replies (emailed, T3), internal comments, and the
customer's messages (from inbound email)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import Conflict, DomainError
from tickets import conf
from tickets.errors import ErrorCode
from tickets.models import EventKind, Ticket, TicketEvent, TicketState
from tickets.services import validation
from tickets.services.attachments import ticket_attachments_get
from tickets.services.states import state_apply
from tickets.services.timeline import TicketChange, ticket_locked


class EmailStatus:
    """``data["email"]`` of a reply: where its email stands."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # the requester is blocked: never notified (T7)


def _check_writable(ticket: Ticket) -> None:
    if ticket.state == TicketState.SPAM:
        raise Conflict(
            ErrorCode.TICKET_IS_SPAM,
            _("This ticket is marked as spam: restore it (state open) before writing on it."),
        )


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    actor,
    body: str,
    attachment_ids: list[int] | None = None,
    ask_for_information: bool = False,
) -> TicketEvent:
    """A public reply, emailed to the requester by the task worker after the commit (T3),
    threaded with Message-ID / In-Reply-To / References and a reply address naming the
    ticket. ``ask_for_information`` sets the ticket pending (T1): a solved ticket is
    reopened first, a pending one restarts its auto-solve delay. Attachments must already
    be on the ticket (``ticket_attach``); they are sent with the email.

    Preconditions: ``actor`` may see the ticket (selectors). Raises DomainError
    (``empty_message``, ``message_too_long``, ``no_requester_email``), Conflict
    (``ticket_is_spam``), NotFound (``attachment_not_found``). Emits ``ticket.updated``;
    enqueues ``tickets.tasks.send_reply_email``. A blocked requester is not emailed.
    Returns the ``reply`` entry."""
    from tickets.email.addresses import new_message_id
    from tickets.tasks import send_reply_email

    body = validation.clean_body(body)
    ticket = ticket_locked(ticket)
    _check_writable(ticket)
    requester = ticket.requester
    if not requester.email:
        raise DomainError(
            ErrorCode.NO_REQUESTER_EMAIL,
            _(
                "The requester has no email address: add one to the contact, "
                "or write an internal comment."
            ),
        )
    attachments = ticket_attachments_get(ticket, attachment_ids)
    change = TicketChange(ticket)
    status = EmailStatus.SUPPRESSED if requester.is_blocked else EmailStatus.QUEUED
    event = change.record(
        EventKind.REPLY,
        actor=actor,
        body=body,
        data={"email": status, "ask_for_information": bool(ask_for_information)},
        email_message_id=new_message_id(ticket),
        attachments=attachments,
    )
    if ticket.first_public_reply_at is None:
        change.set(first_public_reply_at=event.created_at)
    if ask_for_information:
        if ticket.state == TicketState.SOLVED:
            state_apply(change, TicketState.OPEN, actor=actor, reason="reply")
        if ticket.state == TicketState.PENDING:
            # Asked again: the auto-solve delay counts from the latest question.
            change.set(pending_since=timezone.now())
        else:
            state_apply(change, TicketState.PENDING, actor=actor, reason="ask_for_information")
    change.save()
    change.announce()
    if status == EmailStatus.QUEUED:
        transaction.on_commit(lambda: send_reply_email.enqueue(event.pk))
    return event


@transaction.atomic
def ticket_comment(
    *, ticket: Ticket, actor, body: str, attachment_ids: list[int] | None = None
) -> TicketEvent:
    """An internal comment (T3): agents only, never emailed. Allowed on spam tickets too
    (to say why). Raises DomainError on an empty or long body, NotFound for attachments
    not on the ticket. Emits ``ticket.updated``. Returns the ``comment`` entry."""
    body = validation.clean_body(body)
    ticket = ticket_locked(ticket)
    attachments = ticket_attachments_get(ticket, attachment_ids)
    change = TicketChange(ticket)
    event = change.record(EventKind.COMMENT, actor=actor, body=body, attachments=attachments)
    change.save()
    change.announce()
    return event


def ticket_customer_message_add(
    *,
    ticket: Ticket,
    contact,
    body: str,
    data: dict | None = None,
    email_message_id: str = "",
    attachments: list | None = None,
    moves_state: bool = True,
) -> TicketEvent:
    """A message from the customer (an emailed answer). Within the caller's transaction.

    A pending ticket opens again; a solved one reopens when ``TICKET_REOPEN_ON_REPLY``
    (default True); a spam ticket stays spam. ``moves_state`` False (auto-replies, a
    blocked sender) changes no state. A blocked sender's message is stored and announced
    to nobody. Emits ``ticket.updated``. Returns the ``customer_message`` entry."""
    ticket = ticket_locked(ticket)
    change = TicketChange(ticket)
    event = change.record(
        EventKind.CUSTOMER_MESSAGE,
        contact=contact,
        body=body,
        data=data,
        email_message_id=email_message_id,
        attachments=attachments,
    )
    blocked = contact is not None and contact.is_blocked
    if moves_state and not blocked:
        reopen = conf.reopen_on_reply()
        if ticket.state == TicketState.PENDING or (ticket.state == TicketState.SOLVED and reopen):
            state_apply(change, TicketState.OPEN, reason="customer_reply")
    change.save()
    change.announce(notify=not blocked and ticket.state != TicketState.SPAM)
    return event


def ticket_reply_email_retry(*, event: TicketEvent) -> None:
    """Queue a reply's email again (after every automatic attempt failed, say). Raises
    DomainError for entries that are not replies and for blocked requesters."""
    from tickets.tasks import send_reply_email

    event = TicketEvent.objects.select_related("ticket__requester").get(pk=event.pk)
    if event.kind != EventKind.REPLY:
        raise DomainError(ErrorCode.EMPTY_MESSAGE, _("Only public replies are emailed."))
    if event.ticket.requester.is_blocked:
        raise DomainError(
            ErrorCode.TICKET_IS_SPAM, _("The requester is blocked: nothing is sent to them.")
        )
    TicketEvent.objects.filter(pk=event.pk).update(data={**event.data, "email": EmailStatus.QUEUED})
    event_id = event.pk
    transaction.on_commit(lambda: send_reply_email.enqueue(event_id))
