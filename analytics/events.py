"""Builders of rating events (pure: no I/O)."""

from analytics.models import ChatRating, TicketRating


def rating_payload(rating: ChatRating | TicketRating) -> dict:
    """A rating of a chat (``kind`` "chat", ``conversation`` set) or of a ticket."""
    is_chat = isinstance(rating, ChatRating)
    return {
        "id": rating.pk,
        "kind": "chat" if is_chat else "ticket",
        "conversation": rating.conversation_id if is_chat else None,
        "ticket": None if is_chat else rating.ticket_id,
        "score": rating.score,
        "comment": rating.comment,
        "agent": rating.agent_id,
        "team": rating.team_id,
        "created_at": rating.created_at.isoformat() if rating.created_at else None,
    }


def rating_event(rating: ChatRating | TicketRating, *, created: bool) -> dict:
    """``rating.created``, or ``rating.updated`` when a customer changed their rating."""
    kind = "rating.created" if created else "rating.updated"
    return {"type": kind, "rating": rating_payload(rating)}
