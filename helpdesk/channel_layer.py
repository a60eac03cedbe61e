"""The production channel layer: channels-redis's pub/sub layer, publishing in batches.

The stock layer sends each ``group_send`` as its own PUBLISH, one at a time behind a lock
per Redis connection. A chat message goes to three groups (the visitor's, the assignee's,
supervisors'), so under load most of the process's time went into Redis round trips
(docs/benchmarks.md). Here publishes wait in a queue while a round trip is under way and
leave together as one pipeline: one round trip for all three groups of a message, and for
every message that arrived meanwhile. Order is kept: the queue is first in, first out, and
a pipeline runs its commands in order.
"""

import asyncio

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close


class BatchingShardConnection(RedisSingleShardConnection):
    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        self._queued: list[tuple[str, bytes, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def publish(self, channel, message):
        sent = asyncio.get_running_loop().create_future()
        self._queued.append((channel, message, sent))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush())
        await sent

    async def _flush(self):
        while self._queued:
            batch, self._queued = self._queued, []
            try:
                async with self._lock:
                    self._ensure_redis()
                    async with self._redis.pipeline(transaction=False) as pipe:
                        for channel, message, _sent in batch:
                            pipe.publish(channel, message)
                        await pipe.execute()
            except Exception as error:
                outcome = error
            else:
                outcome = None
            for _channel, _message, sent in batch:
                if sent.done():
                    continue
                if outcome is None:
                    sent.set_result(None)
                else:
                    sent.set_exception(outcome)


class BatchingLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [BatchingShardConnection(shard.host, self) for shard in self._shards]


class BatchingPubSubChannelLayer(RedisPubSubChannelLayer):
    """``RedisPubSubChannelLayer`` whose per-loop layers publish in batches."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = BatchingLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer
