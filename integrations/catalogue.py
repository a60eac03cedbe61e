"""The events a webhook may subscribe to (I2), and what each carries.

Each entry names the key of the event's main object (``subject``). The same event type is
sometimes also sent to a visitor's sockets in a reduced shape (``conversation.assigned``
with only an ``agent`` card, ``conversation.closed`` with an id): those variants lack a dict
under ``subject`` and are never delivered to webhooks.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    subject: str
    description: Promise | str


PING = "webhook.ping"

CATALOGUE: dict[str, EventType] = {
    event.name: event
    for event in (
        EventType(
            "conversation.queued",
            "conversation",
            _("A chat waits in its team's queue (a new chat, or one sent back to a team)."),
        ),
        EventType("conversation.assigned", "conversation", _("A chat was given to an agent.")),
        EventType(
            "conversation.transferred",
            "conversation",
            _("A chat was transferred to another agent or team."),
        ),
        EventType("conversation.updated", "conversation", _("A chat's title changed.")),
        EventType("conversation.closed", "conversation", _("A chat was closed.")),
        EventType(
            "message.created",
            "message",
            _("A message was posted in a chat (internal notes are never sent)."),
        ),
        EventType("contact.blocked", "contact", _("A contact was blocked.")),
        EventType("contact.unblocked", "contact", _("A contact was unblocked.")),
        EventType("ticket.created", "ticket", _("A ticket was created.")),
        EventType(
            "ticket.updated",
            "ticket",
            _("A ticket changed: a reply, a customer message, its state or another field."),
        ),
        EventType("rating.created", "rating", _("A customer rated a chat.")),
        EventType("rating.updated", "rating", _("A customer changed their rating of a chat.")),
    )
}


def event_types() -> list[str]:
    return list(CATALOGUE)
