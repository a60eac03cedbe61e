"""What both sockets share: frame parsing, limits, error frames and event forwarding."""

import json
import logging
from collections import deque

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from chat.errors import ErrorCode
from chat.ratelimit import TokenBucket
from helpdesk.errors import DomainError
from helpdesk.events import outbox

logger = logging.getLogger(__name__)

RECENT_EVENTS = 256

# Close codes for refused handshakes (the 4000 range is the application's).
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


class FrameConsumer(AsyncWebsocketConsumer):
    """Dispatches ``{"type": ...}`` frames to ``handlers``; a bad frame gets an ``error``
    frame and the socket stays open."""

    handlers: dict[str, str] = {}
    language = settings.LANGUAGE_CODE  # of error details; each socket sets its person's
    rate = 20.0
    burst = 60

    async def connect(self):
        self.bucket = TokenBucket(rate=self.rate, burst=self.burst)
        self.groups_joined: list[str] = []
        # The last event ids, in order to forget the oldest, and as a set to look up.
        self.recent_events: deque[str] = deque()
        self.recent_event_ids: set[str] = set()
        await self.start()

    async def start(self):
        """Authenticate and accept; each socket overrides this."""
        await self.refuse(CLOSE_FORBIDDEN)

    async def refuse(self, code: int):
        """Accept, then close with ``code``: a close before accepting reaches browsers as
        an HTTP 403 and close code 1006, and they could not tell "stop" from "retry"."""
        await self.accept()
        await self.close(code=code)

    async def join(self, groups):
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.warning("group_discard failed for %s", group)

    async def dispatch(self, message):
        """Channels' dispatch runs ``close_old_connections()`` in a worker thread before
        every frame and every event: a thread hop per message, most of them events that
        touch no database. Here every database access goes through :func:`call`, which
        closes stale connections itself before and after its work, so the hop is skipped
        (docs/benchmarks.md)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None):
        frame = self._parse(text_data)
        if isinstance(frame, DomainError):
            await self.send_error(frame)
            return
        if not self.bucket.allow():
            await self.send_error(
                DomainError(ErrorCode.RATE_LIMITED, _("Too many frames; slow down.")), frame
            )
            return
        handler = self.handlers.get(frame["type"])
        if handler is None:
            await self.send_error(
                DomainError(
                    ErrorCode.UNKNOWN_FRAME,
                    _("Unknown frame type “%(type)s”.") % {"type": frame["type"]},
                ),
                frame,
            )
            return
        try:
            with translation.override(self.language):
                await getattr(self, handler)(frame)
        except DomainError as error:
            await self.send_error(error, frame)

    def _parse(self, text_data):
        if text_data is None:
            return DomainError(ErrorCode.INVALID_FRAME, _("Frames are JSON text."))
        if len(text_data.encode()) > settings.WEBSOCKET_MAX_FRAME_BYTES:
            return DomainError(
                ErrorCode.FRAME_TOO_LARGE,
                _("A frame holds %(max)d bytes at most.")
                % {"max": settings.WEBSOCKET_MAX_FRAME_BYTES},
            )
        # PostgreSQL text cannot hold NUL: refused here, for every frame, rather than failing
        # the socket at the first write (JSON writes it escaped, \u0000).
        if "\x00" in text_data or "\\u0000" in text_data:
            return DomainError(ErrorCode.INVALID_FRAME, _("Frames cannot contain NUL characters."))
        try:
            frame = json.loads(text_data)
        except ValueError:
            return DomainError(ErrorCode.INVALID_FRAME, _("Frames are JSON objects."))
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            return DomainError(ErrorCode.INVALID_FRAME, _('A frame is an object with a "type".'))
        return frame

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def send_error(self, error: DomainError, frame: dict | None = None):
        body = {"type": "error", **error.as_dict()}
        if frame is not None:
            body["frame"] = frame.get("type")
            if isinstance(frame.get("client_id"), str):
                body["client_id"] = frame["client_id"]
        await self.send_json(body)

    async def event_forward(self, message):
        """Channel-layer handler: pass a domain event to the client, once."""
        eid = message.get("eid")
        if eid is not None:
            if eid in self.recent_event_ids:
                return
            self.recent_events.append(eid)
            self.recent_event_ids.add(eid)
            if len(self.recent_events) > RECENT_EVENTS:
                self.recent_event_ids.discard(self.recent_events.popleft())
        await self.send_json(message["event"])


def supported_language(code: str | None) -> str:
    """The best of LANGUAGES for a browser language such as "fr-CA", else the default."""
    try:
        return translation.get_supported_language_variant(code or "")
    except LookupError:
        return settings.LANGUAGE_CODE


def call(function):
    """Run a service or selector from a consumer, off the event loop; the events it raises
    leave from the loop afterwards (:func:`helpdesk.events.outbox`)."""
    threaded = database_sync_to_async(function, thread_sensitive=False)

    async def run(*args, **kwargs):
        async with outbox():
            return await threaded(*args, **kwargs)

    return run
