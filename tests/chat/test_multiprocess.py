"""A visitor on one server process and their agent on another, through Redis."""

import asyncio
import json

import pytest
import websockets

from tests import servers
from tests.servers import post_json, receive_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.multiprocess]


@pytest.fixture
def two_servers():
    started = [servers.start_server(servers.shared_redis_url()) for _ in range(2)]
    yield [port for _, port in started]
    for process, _ in started:
        servers.stop(process)


async def test_visitor_and_agent_on_two_processes_chat_through_redis(
    chat_widget, alice, agent_key, two_servers
):
    visitor_port, agent_port = two_servers
    session = await asyncio.to_thread(
        post_json, f"http://127.0.0.1:{visitor_port}/api/widget/v1/session", {"widget": "w1"}
    )
    async with (
        websockets.connect(
            f"ws://127.0.0.1:{agent_port}/ws/agent/",
            additional_headers={"Authorization": f"Token {agent_key}"},
        ) as agent,
        websockets.connect(
            f"ws://127.0.0.1:{visitor_port}/ws/visitor/?token={session['visitor_token']}"
        ) as visitor,
    ):
        await receive_type(agent, "agent.status")
        await visitor.send(
            json.dumps({"type": "message.send", "client_id": "c1", "body": "Hi from A"})
        )
        ack = await receive_type(visitor, "message.ack")

        assigned = await receive_type(agent, "conversation.assigned")
        assert assigned["conversation"]["assignee"] == alice.user_id
        conversation = assigned["conversation"]["id"]
        created = await receive_type(agent, "message.created")
        while created["message"]["id"] != ack["message"]["id"]:
            created = await receive_type(agent, "message.created")
        assert created["message"]["body"] == "Hi from A"

        await visitor.send(json.dumps({"type": "typing", "preview": "another q"}))
        typing = await receive_type(agent, "visitor.typing")
        assert typing["preview"] == "another q"

        await agent.send(
            json.dumps({"type": "typing", "conversation": conversation, "typing": True})
        )
        assert (await receive_type(visitor, "agent.typing"))["typing"] is True
        await agent.send(
            json.dumps(
                {
                    "type": "message.send",
                    "conversation": conversation,
                    "client_id": "a1",
                    "body": "Hi from B",
                }
            )
        )
        reply = await receive_type(visitor, "message.created")
        while reply["message"]["body"] != "Hi from B":
            reply = await receive_type(visitor, "message.created")
        assert reply["message"]["author"]["name"] == "Alice"
