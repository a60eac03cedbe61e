"""From domain events to webhook deliveries (I2).

:func:`dispatch` is called by ``helpdesk.events`` once per event, after the transaction
that produced it commits. It must cost next to nothing when nobody listens, so each
process keeps, for a few seconds, which event types any active subscription wants
(:func:`invalidate_cache` drops it; ``integrations.apps`` calls it when a subscription is
saved or deleted in this process, others catch up within ``CACHE_TTL_S``). Only when an
event is wanted are the subscriptions read and the deliveries written.

What is never delivered: visitor-only variants of an event (no dict under the event's
subject), internal notes, anything about the chats of a blocked contact, and internal
ticket comments (dropped from a ticket event's ``events``; an update left with nothing to
say is not sent).
"""

import json
import logging
import threading
import time
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder

from integrations.catalogue import CATALOGUE, EventType

logger = logging.getLogger(__name__)

CACHE_TTL_S = 5.0


@dataclass(frozen=True, slots=True)
class _Interest:
    expires_at: float
    all_events: bool  # an active subscription with an empty list wants every event
    types: frozenset[str]

    def wants(self, event_type: str) -> bool:
        return self.all_events or event_type in self.types


_NOBODY = _Interest(0.0, False, frozenset())
_interest = _NOBODY
_lock = threading.Lock()


def invalidate_cache() -> None:
    """Forget which events are wanted; the next event reads the subscriptions again."""
    global _interest
    _interest = _NOBODY


def _current_interest() -> _Interest:
    global _interest
    interest = _interest
    if interest.expires_at > time.monotonic():
        return interest
    with _lock:
        if _interest.expires_at > time.monotonic():
            return _interest
        from integrations.models import WebhookSubscription

        lists = list(
            WebhookSubscription.objects.filter(is_active=True).values_list("events", flat=True)
        )
        lists = [events for events in lists if isinstance(events, list)]
        types = frozenset(t for events in lists for t in events)
        _interest = _Interest(
            time.monotonic() + CACHE_TTL_S, any(not events for events in lists), types
        )
        return _interest


def surely_unwanted(event: dict) -> bool:
    """Whether this process knows, without a query, that no subscription wants ``event``:
    async callers then need no worker thread for :func:`dispatch`."""
    interest = _interest
    if interest.expires_at <= time.monotonic():
        return False
    kind = CATALOGUE.get(event.get("type"))
    return kind is None or not interest.wants(kind.name)


def dispatch(event: dict) -> None:
    """Create a delivery, and enqueue its sending, for each active subscription that wants
    ``event``. Never raises: a failure is logged and the event is not delivered."""
    event_type = event.get("type") if isinstance(event, dict) else None
    try:
        kind = CATALOGUE.get(event_type) if isinstance(event_type, str) else None
        if kind is None or not _current_interest().wants(kind.name):
            return
        data = deliverable(event, kind)
        if data is None:
            return
        from integrations.services import webhook_deliveries_create

        webhook_deliveries_create(event_type=kind.name, data=data)
    except Exception:
        logger.exception("webhook dispatch failed for %s", event_type)


def deliverable(event: dict, kind: EventType) -> dict | None:
    """What of ``event`` goes to webhooks, as plain JSON data, or None for nothing."""
    subject = event.get(kind.subject)
    if not isinstance(subject, dict):
        return None
    if kind.subject == "message" and (subject.get("internal") or _message_of_blocked(subject)):
        return None
    if kind.subject == "conversation" and (subject.get("contact") or {}).get("is_blocked"):
        return None
    data = json.loads(json.dumps(event, cls=DjangoJSONEncoder))
    if kind.subject == "ticket" and isinstance(data.get("events"), list):
        data["events"] = [
            e for e in data["events"] if not (isinstance(e, dict) and e.get("public") is False)
        ]
        if kind.name == "ticket.updated" and not data["events"] and not data.get("changes"):
            return None
    return data


def _message_of_blocked(message: dict) -> bool:
    from chat.models import Conversation

    return Conversation.objects.filter(
        pk=message.get("conversation"), contact__is_blocked=True
    ).exists()
