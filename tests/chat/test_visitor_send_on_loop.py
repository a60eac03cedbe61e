"""A visitor's message sent from the event loop (``visitor_message_send_on_loop``): on
PostgreSQL one statement stores it and it is announced like any other; every case the
statement does not cover stores nothing there and is left to the general service. On other
databases the general service does everything."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from chat.models import Message
from chat.services import conversations, messages
from contacts.services import contact_block
from helpdesk.errors import DomainError
from helpdesk.events import agent_group, supervisors_group, visitor_group
from tests.chat.conftest import events_of

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def open_chat(start_session, alice):
    """A visitor whose first message opened a chat that Alice took."""
    session = start_session()
    first, _ = messages.visitor_message_send(visitor=session.visitor, client_id="c1", body="Hi")
    return session.visitor, first.conversation


def stored(conversation):
    return list(conversation.messages.values_list("client_id", "body"))


async def test_text_message_into_the_open_chat_is_stored_and_announced(
    open_chat, alice, capture_events
):
    visitor, conversation = open_chat

    message = await messages.visitor_message_send_on_loop(
        visitor=visitor, client_id="c2", body="Where is my order?"
    )

    rows = await sync_to_async(stored)(conversation)
    if not ON_POSTGRESQL:
        assert message is None
        assert rows == [("", "Hello there!"), ("c1", "Hi")]
        return
    assert rows == [("", "Hello there!"), ("c1", "Hi"), ("c2", "Where is my order?")]
    row = await Message.objects.select_related("conversation").aget(client_id="c2")
    assert message.pk == row.pk
    assert row.conversation.last_visitor_message_at == row.created_at == message.created_at
    for group in (visitor_group(visitor.pk), agent_group(alice.user_id), supervisors_group()):
        [event] = events_of(capture_events, "message.created", group)[-1:]
        assert event["message"]["id"] == row.pk
        assert event["message"]["body"] == "Where is my order?"
        assert event["message"]["author"]["type"] == "visitor"


@pytest.mark.parametrize(
    "case",
    ["replayed client_id", "blocked contact", "no open chat", "prechat required"],
)
async def test_what_the_statement_does_not_cover_stores_nothing(
    open_chat, alice, capture_events, case
):
    visitor, conversation = open_chat
    client_id = "c3"
    if case == "replayed client_id":
        client_id = "c1"
    elif case == "blocked contact":
        await sync_to_async(contact_block)(contact=visitor.contact, actor=alice.user, reason="")
    elif case == "no open chat":
        await sync_to_async(conversations.conversation_close)(conversation=conversation, actor=None)
    else:
        visitor.widget.prechat_mode = "required"
        visitor.prechat = {}
    before = await sync_to_async(stored)(conversation)
    sent = len(capture_events)

    message = await messages.visitor_message_send_on_loop(
        visitor=visitor, client_id=client_id, body="Hi"
    )

    assert message is None
    assert await sync_to_async(stored)(conversation) == before
    assert events_of(capture_events[sent:], "message.created") == []


async def test_bad_input_is_refused_as_by_the_general_service(open_chat):
    visitor, _ = open_chat
    with pytest.raises(DomainError) as refused:
        await messages.visitor_message_send_on_loop(visitor=visitor, client_id="c9", body="  ")
    assert refused.value.code == "empty_message"
