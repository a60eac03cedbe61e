"""The one module that talks to the channel layer.

Services call :func:`send_event_on_commit` after writing; the event leaves only if the
transaction commits, so a rolled-back write notifies nobody. The layer is at-most-once
(and Redis may be down): a failed send is logged, never raised, because clients resync
from message ids when they see a gap.
"""

import logging
import uuid
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

FORWARD = "event.forward"


def visitor_group(visitor_id) -> str:
    return f"visitor.{visitor_id}"


def agent_group(user_id: int) -> str:
    """Every socket of one agent (several tabs)."""
    return f"agent.{user_id}"


def team_group(team_id: int) -> str:
    """Agents of one team: they see its queue."""
    return f"team.{team_id}"


def supervisors_group() -> str:
    return "supervisors"


def send_event_on_commit(groups: Iterable[str], event: dict) -> None:
    """Send ``event`` to each group once the current transaction commits (at once outside one)."""
    groups = list(dict.fromkeys(groups))

    def after_commit():
        send_event_now(groups, event)
        _to_webhooks(event)

    transaction.on_commit(after_commit)


def _to_webhooks(event: dict) -> None:
    """Outbound webhooks (I2) see every committed event; ``dispatch`` never raises and
    costs a cached lookup when no subscription wants the event."""
    try:
        from integrations.dispatch import dispatch

        dispatch(event)
    except Exception:
        logger.exception("webhook dispatch failed for %s", event.get("type"))


def send_event_now(groups: Iterable[str], event: dict) -> None:
    """Send without waiting for a commit: for relayed, unstored signals such as typing."""
    try:
        async_to_sync(send_event_async)(groups, event)
    except Exception:
        logger.exception("channel layer send failed for %s", event.get("type"))


async def send_event_async(groups: Iterable[str], event: dict) -> None:
    layer = get_channel_layer()
    # ``eid`` lets a socket that is in two of the groups (a supervisor who is also the
    # assignee) forward the event once.
    message = {"type": FORWARD, "event": event, "eid": uuid.uuid4().hex}
    for group in groups:
        await layer.group_send(group, message)
