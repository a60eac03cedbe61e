"""The production channel layer publishes in batches: what it sends arrives, in order,
and a Redis that is down is reported to the sender instead of hanging it."""

import asyncio

import pytest

from helpdesk.channel_layer import BatchingPubSubChannelLayer
from tests import servers

pytestmark = pytest.mark.multiprocess


@pytest.fixture
def redis_url():
    port = servers.free_port()
    process = servers.start_redis(port)
    yield f"redis://127.0.0.1:{port}/0", process
    servers.stop(process)


async def test_concurrent_group_sends_all_arrive_in_order(redis_url):
    layer = BatchingPubSubChannelLayer(hosts=[redis_url[0]], prefix="t")
    channel = await layer.new_channel()
    await layer.group_add("visitor.1", channel)
    await layer.group_add("agent.2", channel)

    # Sent together, as one message's groups are: they leave in batches.
    await asyncio.gather(
        *(
            layer.group_send(group, {"type": "event.forward", "n": n, "group": group})
            for n in range(200)
            for group in ("visitor.1", "agent.2")
        )
    )
    received = [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(400)]

    for group in ("visitor.1", "agent.2"):
        assert [m["n"] for m in received if m["group"] == group] == list(range(200))
    await layer.flush()


async def test_a_send_while_redis_is_down_fails_instead_of_hanging(redis_url):
    url, process = redis_url
    layer = BatchingPubSubChannelLayer(hosts=[url], prefix="t")
    await layer.group_send("agent.2", {"type": "event.forward"})
    servers.stop(process)

    with pytest.raises(Exception) as failed:
        await asyncio.wait_for(layer.group_send("agent.2", {"type": "event.forward"}), 10)

    assert not isinstance(failed.value, TimeoutError)
    await layer.flush()
