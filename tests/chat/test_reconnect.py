"""W16: a visitor who was away gets every message they missed, in order, exactly once."""

import pytest
from asgiref.sync import sync_to_async

from tests.chat.conftest import agent_socket, receive_until, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)

MISSED = 50


async def test_visitor_reconnecting_gets_all_50_missed_messages_in_order_once(alice, start_session):
    session = await sync_to_async(start_session)()
    agent, _, _ = await agent_socket(alice.user)
    await receive_until(agent, "agent.status")
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "v1", "body": "Hi"})
    ack, _ = await receive_until(visitor, "message.ack")
    last_seen = ack["message"]["id"]
    conversation = ack["message"]["conversation"]
    await visitor.disconnect()

    for i in range(MISSED):
        await agent.send_json_to(
            {
                "type": "message.send",
                "conversation": conversation,
                "client_id": f"a{i}",
                "body": f"reply {i}",
            }
        )
        await receive_until(agent, "message.ack")

    visitor, connected, _ = await visitor_socket(session.token)
    assert connected
    await visitor.send_json_to({"type": "sync", "after": last_seen})
    result, _ = await receive_until(visitor, "sync.result")
    bodies = [m["body"] for m in result["messages"]]
    assert bodies == [f"reply {i}" for i in range(MISSED)]
    ids = [m["id"] for m in result["messages"]]
    assert ids == sorted(set(ids))
    await visitor.disconnect()
    await agent.disconnect()
