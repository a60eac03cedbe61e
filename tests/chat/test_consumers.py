"""The two sockets, frame by frame, through Channels' WebsocketCommunicator."""

import pytest
from asgiref.sync import sync_to_async

from chat.models import Conversation, ConversationStatus, Message
from tests.chat.conftest import agent_socket, receive_until, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)


async def test_first_visitor_message_opens_chat_and_reaches_assigned_agent(alice, start_session):
    session = await sync_to_async(start_session)()
    agent, connected, _ = await agent_socket(alice.user)
    assert connected
    await receive_until(agent, "agent.status")
    visitor, connected, _ = await visitor_socket(session.token)
    assert connected

    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi <b>there</b>"})
    ack, _ = await receive_until(visitor, "message.ack")
    assert ack["client_id"] == "c1"
    assert ack["message"]["body"] == "Hi <b>there</b>"

    assigned, _ = await receive_until(agent, "conversation.assigned")
    assert assigned["conversation"]["assignee"] == alice.user_id
    bodies = []
    while len(bodies) < 2:
        frame, _ = await receive_until(agent, "message.created")
        bodies.append(frame["message"]["body"])
    assert bodies == ["Hello there!", "Hi <b>there</b>"]
    conversation = await Conversation.objects.aget()
    assert conversation.status == ConversationStatus.ACTIVE
    await visitor.disconnect()
    await agent.disconnect()


async def test_resending_same_client_id_returns_same_ack_and_stores_nothing(alice, start_session):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    first, _ = await receive_until(visitor, "message.ack")
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    second, _ = await receive_until(visitor, "message.ack")
    assert first["message"]["id"] == second["message"]["id"]
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Other"})
    error, _ = await receive_until(visitor, "error")
    assert error["code"] == "client_id_reused"
    assert await Message.objects.filter(author_type="visitor").acount() == 1
    await visitor.disconnect()
