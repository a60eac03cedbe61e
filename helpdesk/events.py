"""The one module that talks to the channel layer.

Services call :func:`send_event_on_commit` after writing; the event leaves only if the
transaction commits, so a rolled-back write notifies nobody. The layer is at-most-once
(and Redis may be down): a failed send is logged, never raised, because clients resync
from message ids when they see a gap.
"""

import asyncio
import logging
import uuid
from collections.abc import Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

FORWARD = "event.forward"

# Events raised by a service that a socket consumer runs in a worker thread: the consumer
# sends them from its own event loop once the service returns, instead of the worker
# hopping back onto that loop (``async_to_sync``) for each one (docs/benchmarks.md).
_outbox: ContextVar[list | None] = ContextVar("event_outbox", default=None)


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


async def send_committed_event(groups: Iterable[str], event: dict) -> None:
    """:func:`send_event_on_commit` for async code whose write has already committed: to
    the sockets now; to the webhooks in a worker thread, unless this process already knows
    that no subscription wants the event (the common case, and no thread then)."""
    try:
        await send_event_async(list(dict.fromkeys(groups)), event)
    except Exception:
        logger.exception("channel layer send failed for %s", event.get("type"))
    from integrations.dispatch import surely_unwanted

    if not surely_unwanted(event):
        await sync_to_async(_to_webhooks, thread_sensitive=False)(event)


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
    outbox = _outbox.get()
    if outbox is not None:
        outbox.append((groups, event))
        return
    try:
        async_to_sync(send_event_async)(groups, event)
    except Exception:
        logger.exception("channel layer send failed for %s", event.get("type"))


@asynccontextmanager
async def outbox():
    """Collect the events of sync code run inside (in a worker thread, which inherits the
    context) and send them from this event loop on the way out, even if that code raised
    after a commit."""
    pending: list = []
    token = _outbox.set(pending)
    try:
        yield
    finally:
        _outbox.reset(token)
        for groups, event in pending:
            try:
                await send_event_async(groups, event)
            except Exception:
                logger.exception("channel layer send failed for %s", event.get("type"))


async def send_event_async(groups: Iterable[str], event: dict) -> None:
    layer = get_channel_layer()
    # ``eid`` lets a socket that is in two of the groups (a supervisor who is also the
    # assignee) forward the event once.
    message = {"type": FORWARD, "event": event, "eid": uuid.uuid4().hex}
    # Together, so that a batching layer sends them in one round trip (helpdesk/channel_layer.py).
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))
