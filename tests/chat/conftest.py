"""Fixtures for chat tests: a team, agents on it, a widget and socket helpers."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import tokens
from accounts.models import AgentProfile, AgentStatus, ApiToken, Role, Team
from chat.models import Widget
from chat.services import sessions
from helpdesk.asgi import application


@pytest.fixture
def support(db):
    return Team.objects.create(name="Support", always_open=True)


def make_agent(team, username, *, status=AgentStatus.ACCEPTING, slots=3, role=Role.AGENT):
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    profile = AgentProfile.objects.create(
        user=user, display_name=username.title(), status=status, slots=slots, role=role
    )
    profile.teams.add(team)
    return profile


@pytest.fixture
def alice(support):
    return make_agent(support, "alice")


@pytest.fixture
def bob(support):
    return make_agent(support, "bob")


@pytest.fixture
def agent_key(alice):
    """An API token key of Alice's."""
    key = tokens.new_key()
    ApiToken.objects.create(user=alice.user, prefix=tokens.prefix(key), digest=tokens.digest(key))
    return key


@pytest.fixture
def chat_widget(support):
    return Widget.objects.create(
        public_key="w1", name="Shop", team=support, welcome_message="Hello there!"
    )


@pytest.fixture
def start_session(chat_widget):
    def start(token=None):
        return sessions.visitor_session_start(widget_key=chat_widget.public_key, token=token)

    return start


async def visitor_socket(token, origin=None):
    headers = [(b"origin", origin.encode())] if origin else []
    communicator = WebsocketCommunicator(application, f"/ws/visitor/?token={token}", headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def agent_socket(user=None, *, token=None, origin=None):
    """An agent socket logged in with ``user``'s session cookie, or with an API token."""
    headers = [(b"host", b"testserver")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if token:
        headers.append((b"authorization", f"Token {token}".encode()))
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, "/ws/agent/", headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def close_code(communicator) -> int | None:
    """The close code of a socket the server accepted only to close (a refusal)."""
    output = await communicator.receive_output(timeout=2)
    assert output["type"] == "websocket.close", output
    return output.get("code")


async def receive_until(communicator, frame_type, *, timeout=2):
    """Frames up to and including the first of ``frame_type``."""
    seen = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        seen.append(frame)
        if frame["type"] == frame_type:
            return frame, seen


@pytest.fixture
def capture_events(monkeypatch):
    """Every event sent to the channel layer, as (group, event) pairs, in order."""
    sent: list[tuple[str, dict]] = []

    async def record(groups, event):
        sent.extend((group, event) for group in groups)

    monkeypatch.setattr("helpdesk.events.send_event_async", record)
    return sent


def events_of(sent, event_type, group=None):
    return [e for g, e in sent if e["type"] == event_type and (group is None or g == group)]
