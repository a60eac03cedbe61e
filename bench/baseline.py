"""The bare baseline: a minimal Channels consumer pair with no database and no auth, under
the same server, settings and channel layer as the product.

A visitor socket forwards each text frame, unchanged, to its chat's group with
``group_send``; an agent socket joined to that group passes it on to its client. That is
the transport alone: what any Channels chat pays before it does any work of its own.

Serve it with ``uvicorn bench.baseline:application`` (or daphne) and the product's
environment: ``/ws/visitor/?chat=N`` and ``/ws/agent/?chats=N,M,...``.
"""

import os
from urllib.parse import parse_qs

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.production")
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


def chat_group(chat: str) -> str:
    return f"bench.chat.{chat}"


def _query(scope) -> dict[str, list[str]]:
    return parse_qs(scope.get("query_string", b"").decode())


class BaselineVisitorConsumer(AsyncWebsocketConsumer):
    """Joins a group of its own, as a product visitor socket does, and forwards frames."""

    async def connect(self):
        self.chat = _query(self.scope).get("chat", ["0"])[0]
        self.groups = [f"bench.visitor.{self.channel_name[-12:]}"]
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(
            chat_group(self.chat), {"type": "frame.forward", "text": text_data}
        )


class BaselineAgentConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        chats = _query(self.scope).get("chats", [""])[0].split(",")
        self.groups = [chat_group(chat) for chat in chats if chat]
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def frame_forward(self, message):
        await self.send(text_data=message["text"])


application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [
                path("ws/visitor/", BaselineVisitorConsumer.as_asgi()),
                path("ws/agent/", BaselineAgentConsumer.as_asgi()),
            ]
        )
    }
)
