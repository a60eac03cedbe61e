"""Creating tickets (T2): from the API or the dashboard, from a chat, from the widget's
offline form. Inbound email creates them in :mod:`tickets.services.inbound`."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import is_agent
from chat.models import Attachment, Conversation
from chat.transcript import transcript_lines
from contacts.models import Contact, Visitor
from helpdesk.errors import Conflict, DomainError, PermissionDenied
from tickets.errors import ErrorCode
from tickets.models import EventKind, Priority, Source, Ticket, TicketState
from tickets.services import validation
from tickets.services.tags import tags_resolve
from tickets.services.timeline import TicketChange


def ticket_insert(
    *,
    title: str,
    requester: Contact,
    source: Source,
    body: str = "",
    actor=None,
    team=None,
    assignee=None,
    priority: int = Priority.NORMAL,
    tags: list[str] | None = None,
    conversation: Conversation | None = None,
    data: dict | None = None,
    email_message_id: str = "",
    attachments: list | None = None,
    spam: bool = False,
) -> tuple[Ticket, TicketChange]:
    """Insert a ticket and its ``created`` entry and announce it, in the caller's
    transaction. A blocked requester's ticket (or one ``spam`` says is spam) is created
    as spam and announced to nobody (T7)."""
    spam = spam or requester.is_blocked
    ticket = Ticket.objects.create(
        title=title,
        requester=requester,
        source=source,
        team=team,
        assignee=assignee,
        priority=priority,
        conversation=conversation,
        state=TicketState.SPAM if spam else TicketState.OPEN,
    )
    ticket.requester = requester
    tag_rows = tags_resolve(tags or [])
    if tag_rows:
        ticket.tags.set(tag_rows)
    change = TicketChange(ticket)
    change.previous_assignee_id = change.previous_team_id = None
    change.record(
        EventKind.CREATED,
        actor=actor,
        contact=requester if actor is None else None,
        body=body,
        data={"source": source, **(data or {})},
        email_message_id=email_message_id,
        attachments=attachments,
    )
    change.announce(created=True, notify=not spam)
    return ticket, change


@transaction.atomic
def ticket_create(
    *,
    actor,
    title: str,
    requester: Contact | None = None,
    requester_email: str = "",
    requester_name: str = "",
    body: str = "",
    priority: int = Priority.NORMAL,
    team_id: int | None = None,
    assignee_id: int | None = None,
    tags: list[str] | None = None,
    source: Source = Source.API,
) -> Ticket:
    """Open a ticket on an agent's behalf (REST API, dashboard). ``body`` is the
    description, kept in the ``created`` entry; nothing is emailed. The requester is a
    contact, or ``requester_email``'s contact (created, with ``requester_name``, when no
    contact has that address). Raises DomainError on bad fields, NotFound for unknown team
    or assignee, PermissionDenied for non-agents. Emits ``ticket.created``. Returns the
    ticket."""
    if not is_agent(actor):
        raise PermissionDenied(ErrorCode.NOT_AN_AGENT, _("Only agents may create tickets."))
    if source not in (Source.API, Source.DASHBOARD):
        raise DomainError(ErrorCode.INVALID_STATE, _("Unknown ticket source."))
    if requester is None:
        requester = _contact_by_email(
            validation.clean_email(requester_email), validation.clean_name(requester_name)
        )
    ticket, _change = ticket_insert(
        title=validation.clean_title(title),
        requester=requester,
        source=source,
        body=validation.clean_body(body, required=False),
        actor=actor,
        team=validation.team_lookup(team_id) if team_id is not None else None,
        assignee=validation.agent_lookup(assignee_id) if assignee_id is not None else None,
        priority=validation.clean_priority(priority),
        tags=tags,
    )
    return ticket


def _contact_by_email(email: str, name: str) -> Contact:
    contact = Contact.objects.filter(email__iexact=email).order_by("-last_seen_at").first()
    return contact or Contact.objects.create(email=email, name=name)


@transaction.atomic
def ticket_create_from_offline(*, visitor: Visitor, name: str, email: str, message: str) -> Ticket:
    """The widget's offline form (W4, T2): an open ticket from the visitor's message, in
    the widget's team, source ``offline``. The visitor's contact takes the name (when
    given) and the email. Raises DomainError ``invalid_email``, ``invalid_name``,
    ``empty_message`` or ``message_too_long``. A blocked contact's message is kept as a
    spam ticket that nobody is told about. Emits ``ticket.created``. Returns the ticket."""
    name = validation.clean_name(name)
    email = validation.clean_email(email)
    message = validation.clean_body(message)
    contact = Contact.objects.select_for_update().get(pk=visitor.contact_id)
    contact.name = name or contact.name
    contact.email = email
    contact.save(update_fields=["name", "email"])
    ticket, _change = ticket_insert(
        title=validation.title_from_text(message, _("Offline message")),
        requester=contact,
        source=Source.OFFLINE,
        body=message,
        team=visitor.widget.team,
        data={"widget": visitor.widget_id, "visitor": str(visitor.pk)},
    )
    return ticket


def transcript_text(conversation: Conversation) -> str:
    """The chat's public messages as plain text, one ``[time] author: text`` per line."""
    return "\n".join(
        f"[{line['at']:%Y-%m-%d %H:%M}] {line['author']}: {line['body']}"
        for line in transcript_lines(conversation)
    )


@transaction.atomic
def ticket_create_from_chat(
    *,
    conversation: Conversation,
    actor=None,
    title: str = "",
    priority: int = Priority.NORMAL,
) -> Ticket:
    """Turn a chat into a ticket (A7, T2) carrying its transcript in the ``created`` entry
    and its files. Its title is ``title``, else the visitor's first line. Requester, team
    and assignee are the chat's (the acting agent when the chat had none). ``actor`` None
    is the system (an emailed answer to a chat, W5). A chat becomes one ticket: Conflict
    when it already has one. Emits ``ticket.created``."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("contact", "team")
        .get(pk=conversation.pk)
    )
    existing = conversation.tickets.exclude(state=TicketState.SPAM).order_by("-pk").first()
    if existing is not None:
        raise Conflict(
            ErrorCode.TICKET_EXISTS,
            _("This chat already has ticket #%(id)d.") % {"id": existing.pk},
        )
    text = transcript_text(conversation)
    # Not the chat's title: agents wrote it for agents (A8), and a ticket's title is the
    # subject of the emails its requester gets.
    fallback = _("Chat #%(id)d") % {"id": conversation.pk}
    title = (
        validation.clean_title(title)
        if title
        else validation.title_from_text(_first_visitor_line(conversation), fallback)
    )
    assignee = conversation.assignee
    if assignee is None and actor is not None and is_agent(actor):
        assignee = actor
    ticket, _change = ticket_insert(
        title=title,
        requester=conversation.contact,
        source=Source.CHAT,
        body=text,
        actor=actor,
        team=conversation.team,
        assignee=assignee,
        priority=validation.clean_priority(priority),
        conversation=conversation,
        data={"conversation": conversation.pk},
        attachments=list(Attachment.objects.filter(conversation=conversation)),
    )
    return ticket


def _first_visitor_line(conversation: Conversation) -> str:
    message = (
        conversation.messages.filter(author_type="visitor", internal=False)
        .exclude(body="")
        .order_by("id")
        .only("body")
        .first()
    )
    return message.body if message else ""
