"""Pure builders of ticket events and payloads (no I/O beyond attributes the caller loaded).

On the wire: ``ticket.created`` ``{ticket, events}`` and ``ticket.updated`` ``{ticket,
events, changes}``, where ``events`` are the timeline entries the change wrote (T8) and
``changes`` the names of the ticket fields it changed."""

from chat.events import agent_card
from tickets.models import Ticket, TicketEvent


def _iso(value):
    return value.isoformat() if value else None


def user_card(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": agent_card(user)["name"]}


def contact_card(contact) -> dict | None:
    if contact is None:
        return None
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "is_blocked": contact.is_blocked,
    }


def attachment_payload(attachment, ticket_id: int) -> dict:
    return {
        "id": attachment.pk,
        "url": f"/api/v1/tickets/{ticket_id}/attachments/{attachment.pk}/",
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
    }


def ticket_payload(ticket: Ticket, tags: list[str] | None = None) -> dict:
    """The agents' view of a ticket. ``tags`` may be passed by a caller that holds them;
    otherwise they are read from the (prefetched) relation."""
    if tags is None:
        tags = [tag.name for tag in ticket.tags.all()]
    return {
        "id": ticket.pk,
        "title": ticket.title,
        "state": ticket.state,
        "priority": ticket.priority,
        "source": ticket.source,
        "requester": contact_card(ticket.requester),
        "assignee": user_card(ticket.assignee) if ticket.assignee_id else None,
        "team": ticket.team_id,
        "tags": sorted(tags),
        "conversation": ticket.conversation_id,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "first_public_reply_at": _iso(ticket.first_public_reply_at),
        "pending_since": _iso(ticket.pending_since),
        "solved_at": _iso(ticket.solved_at),
    }


def display_body(event: TicketEvent) -> str:
    """The text to show: an email's quoted history trimmed (kept whole in ``body``)."""
    chars = event.data.get("display_chars") if isinstance(event.data, dict) else None
    if isinstance(chars, int) and 0 <= chars < len(event.body):
        return event.body[:chars].rstrip()
    return event.body


def ticket_event_payload(event: TicketEvent, attachments=None) -> dict:
    """One timeline entry. ``attachments`` may be passed by a caller that holds them."""
    if attachments is None:
        attachments = event.attachments.all() if event.pk else []
    data = {k: v for k, v in event.data.items() if k != "display_chars"}
    return {
        "id": event.pk,
        "ticket": event.ticket_id,
        "kind": event.kind,
        "public": event.kind != "comment",
        "actor": user_card(event.actor) if event.actor_id else None,
        "contact": event.contact_id,
        "body": event.body,
        "display_body": display_body(event),
        "data": data,
        "email_message_id": event.email_message_id,
        "attachments": [attachment_payload(a, event.ticket_id) for a in attachments],
        "created_at": _iso(event.created_at),
    }


def ticket_created(ticket: Ticket, entries: list[dict], tags: list[str] | None = None) -> dict:
    return {"type": "ticket.created", "ticket": ticket_payload(ticket, tags), "events": entries}


def ticket_updated(
    ticket: Ticket, entries: list[dict], changes: list[str], tags: list[str] | None = None
) -> dict:
    return {
        "type": "ticket.updated",
        "ticket": ticket_payload(ticket, tags),
        "events": entries,
        "changes": changes,
    }
