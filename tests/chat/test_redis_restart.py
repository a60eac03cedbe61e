"""Redis stops mid-conversation and comes back: nothing acknowledged is lost, and live
delivery resumes without the sockets reconnecting."""

import asyncio
import json

import pytest
import websockets

from chat.models import Message
from tests import servers
from tests.servers import post_json, receive_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.multiprocess]

DURING_OUTAGE = 5


@pytest.fixture
def private_redis():
    port = servers.free_port()
    process = servers.start_redis(port)
    state = {"port": port, "process": process}
    yield state
    servers.stop(state["process"])


async def send_and_ack(agent, conversation, client_id, body):
    await agent.send(
        json.dumps(
            {
                "type": "message.send",
                "conversation": conversation,
                "client_id": client_id,
                "body": body,
            }
        )
    )
    return await receive_type(agent, "message.ack")


async def test_acknowledged_messages_survive_a_redis_restart(
    chat_widget, alice, agent_key, private_redis
):
    process, port = servers.start_server(f"redis://127.0.0.1:{private_redis['port']}/0")
    try:
        session = await asyncio.to_thread(
            post_json, f"http://127.0.0.1:{port}/api/widget/v1/session", {"widget": "w1"}
        )
        async with (
            websockets.connect(
                f"ws://127.0.0.1:{port}/ws/agent/",
                additional_headers={"Authorization": f"Token {agent_key}"},
            ) as agent,
            websockets.connect(
                f"ws://127.0.0.1:{port}/ws/visitor/?token={session['visitor_token']}"
            ) as visitor,
        ):
            await receive_type(agent, "agent.status")
            await visitor.send(
                json.dumps({"type": "message.send", "client_id": "v1", "body": "Hi"})
            )
            last_seen = (await receive_type(visitor, "message.ack"))["message"]["id"]
            conversation = (await receive_type(agent, "conversation.assigned"))["conversation"][
                "id"
            ]

            servers.stop(private_redis["process"])
            acked = [
                (await send_and_ack(agent, conversation, f"down{i}", f"during outage {i}"))[
                    "message"
                ]["id"]
                for i in range(DURING_OUTAGE)
            ]
            private_redis["process"] = await asyncio.to_thread(
                servers.start_redis, private_redis["port"]
            )

            stored = await Message.objects.filter(pk__in=acked).acount()
            assert stored == DURING_OUTAGE
            await visitor.send(json.dumps({"type": "sync", "after": last_seen}))
            synced = await receive_type(visitor, "sync.result")
            assert [m["id"] for m in synced["messages"]] == acked

            # Live delivery resumes once the layer has resubscribed.
            delivered = None
            for attempt in range(20):
                after = (await send_and_ack(agent, conversation, f"up{attempt}", "back"))[
                    "message"
                ]["id"]
                try:
                    while True:
                        frame = json.loads(await asyncio.wait_for(visitor.recv(), 0.5))
                        if frame["type"] == "message.created" and frame["message"]["id"] == after:
                            delivered = after
                            break
                except TimeoutError:
                    continue
                break
            assert delivered is not None
    finally:
        servers.stop(process)
