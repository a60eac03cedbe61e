"""The data-protection export of one contact (C7): everything stored about the person.

What concerns the person goes in: the contact's fields, the browsers it wrote from, its
chats with every non-internal message, its tickets with their public timeline, its
ratings and NPS answers, the agents' notes on it and the block audit trail. Internal
notes of chats, internal ticket comments and workflow changes (assignments, tags) are
the desk's own and stay out, as do chat titles, which the visitor never sees."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from analytics.models import NpsResponse
from chat.events import agent_card, message_payload, visitor_conversation_payload
from chat.models import Conversation, Message
from contacts.models import BlockRecord, Contact, ContactNote, Visitor
from tickets.models import EventKind, Ticket, TicketEvent

PUBLIC_TICKET_EVENTS = (
    EventKind.CREATED,
    EventKind.REPLY,
    EventKind.CUSTOMER_MESSAGE,
    EventKind.STATE_CHANGED,
)
FORMAT_VERSION = 1


def _iso(value):
    return value.isoformat() if value else None


def _user_name(user) -> str | None:
    return agent_card(user)["name"] if user is not None else None


def _rating(rating) -> dict | None:
    if rating is None:
        return None
    return {"score": rating.score, "comment": rating.comment, "created_at": _iso(rating.created_at)}


def contact_payload(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "company": contact.company,
        "language": contact.language,
        "attributes": contact.attributes,
        "first_seen_at": _iso(contact.first_seen_at),
        "last_seen_at": _iso(contact.last_seen_at),
        "is_blocked": contact.is_blocked,
        "blocked_reason": contact.blocked_reason,
        "blocked_at": _iso(contact.blocked_at),
    }


def _visitors(contact: Contact) -> list[dict]:
    return [
        {
            "id": str(visitor.pk),
            "widget": visitor.widget.name,
            "created_at": _iso(visitor.created_at),
            "last_seen_at": _iso(visitor.last_seen_at),
            "user_agent": visitor.user_agent,
            "language": visitor.language,
            "timezone": visitor.timezone,
            "prechat": visitor.prechat,
        }
        for visitor in Visitor.objects.filter(contact=contact)
        .select_related("widget")
        .order_by("created_at")
    ]


def _conversations(contact: Contact) -> list[dict]:
    messages = (
        Message.objects.filter(internal=False)
        .select_related("author__agent_profile")
        .prefetch_related("attachments")
        .order_by("id")
    )
    conversations = (
        Conversation.objects.filter(Q(contact=contact) | Q(visitor__contact=contact))
        .select_related("contact", "assignee__agent_profile", "rating")
        .prefetch_related(Prefetch("messages", queryset=messages))
        .order_by("created_at", "id")
    )
    return [
        {
            **visitor_conversation_payload(conversation),
            "visitor": str(conversation.visitor_id),
            "page": conversation.page,
            "metadata": conversation.metadata,
            "messages": [message_payload(message) for message in conversation.messages.all()],
            "rating": _rating(getattr(conversation, "rating", None)),
        }
        for conversation in conversations
    ]


def _ticket_event(event: TicketEvent) -> dict:
    if event.actor_id is not None:
        author = {"type": "agent", "name": _user_name(event.actor)}
    elif event.contact_id is not None or event.kind == EventKind.CUSTOMER_MESSAGE:
        author = {"type": "customer", "name": None}
    else:
        author = {"type": "system", "name": None}
    return {
        "id": event.pk,
        "kind": event.kind,
        "author": author,
        "body": event.body,
        "data": event.data if event.kind == EventKind.STATE_CHANGED else {},
        "attachments": [
            {"id": a.pk, "name": a.name, "size": a.size, "content_type": a.content_type}
            for a in event.attachments.all()
        ],
        "created_at": _iso(event.created_at),
    }


def _tickets(contact: Contact) -> list[dict]:
    events = (
        TicketEvent.objects.filter(kind__in=PUBLIC_TICKET_EVENTS)
        .select_related("actor__agent_profile")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    tickets = (
        Ticket.objects.filter(requester=contact)
        .select_related("rating")
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("created_at", "id")
    )
    return [
        {
            "id": ticket.pk,
            "title": ticket.title,
            "state": ticket.state,
            "source": ticket.source,
            "conversation": ticket.conversation_id,
            "created_at": _iso(ticket.created_at),
            "solved_at": _iso(ticket.solved_at),
            "events": [_ticket_event(event) for event in ticket.events.all()],
            "rating": _rating(getattr(ticket, "rating", None)),
        }
        for ticket in tickets
    ]


def _nps_responses(contact: Contact) -> list[dict]:
    return [
        {
            "score": response.score,
            "comment": response.comment,
            "conversation": response.conversation_id,
            "ticket": response.ticket_id,
            "created_at": _iso(response.created_at),
        }
        for response in NpsResponse.objects.filter(contact=contact).order_by("created_at", "id")
    ]


def _notes(contact: Contact) -> list[dict]:
    notes = ContactNote.objects.filter(contact=contact).select_related("author__agent_profile")
    return [
        {
            "body": note.body,
            "author": _user_name(note.author),
            "created_at": _iso(note.created_at),
            "updated_at": _iso(note.updated_at),
        }
        for note in notes.order_by("created_at", "id")
    ]


def _block_records(contact: Contact) -> list[dict]:
    records = BlockRecord.objects.filter(contact=contact).select_related("actor__agent_profile")
    return [
        {
            "action": record.action,
            "reason": record.reason,
            "actor": _user_name(record.actor),
            "created_at": _iso(record.created_at),
        }
        for record in records.order_by("created_at", "id")
    ]


def contact_export(contact: Contact) -> dict:
    """The whole export document as JSON-ready data; a fixed number of queries whatever
    the history's size. The caller checks access (``contact_get_for_supervisor``)."""
    return {
        "format": FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "contact": contact_payload(contact),
        "visitors": _visitors(contact),
        "conversations": _conversations(contact),
        "tickets": _tickets(contact),
        "nps_responses": _nps_responses(contact),
        "notes": _notes(contact),
        "block_records": _block_records(contact),
    }
