"""WebSocket routes. Origin checks happen in the consumers, which know each widget's
allowed origins and whether an agent came with a cookie or a token."""

from django.urls import path

from chat.auth import AgentAuthStack
from chat.consumers.agent import AgentConsumer
from chat.consumers.visitor import VisitorConsumer

websocket_urlpatterns = [
    path("ws/visitor/", VisitorConsumer.as_asgi()),
    path("ws/agent/", AgentAuthStack(AgentConsumer.as_asgi())),
]
