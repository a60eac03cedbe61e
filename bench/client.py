"""The load client: ``websockets`` sockets for visitors and agents, a tracker that matches
each sent message to its delivery at an agent, and the paced and closed-loop drivers.

Every loop is bounded by a count and a deadline; every wait has a timeout."""

import asyncio
import contextlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import websockets
from websockets.asyncio.client import ClientConnection, connect

from bench.stats import summary

OPEN_TIMEOUT_S = 30
# A message not at its agent this long after the last send of a run counts as lost.
DRAIN_TIMEOUT_S = 10.0
# In the closed loop, how long a visitor waits for its message before sending the next.
CLOSED_WAIT_S = 5.0
# Browsers offer permessage-deflate on every handshake; the client does too, so that the
# server's own setting decides, as it would in production.
COMPRESSION = "deflate"


def now() -> float:
    return time.perf_counter()


async def open_socket(url: str, *, headers=None, max_queue=None) -> ClientConnection:
    """A client socket as a browser opens it: deflate offered, no client pings (browsers
    only answer the server's)."""
    return await connect(
        url,
        additional_headers=headers,
        compression=COMPRESSION,
        ping_interval=None,
        open_timeout=OPEN_TIMEOUT_S,
        close_timeout=2,
        max_queue=max_queue,
        max_size=2**22,
    )


async def close_all(sockets: Iterable[ClientConnection], *, concurrency: int = 500) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def close(sock):
        async with gate:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sock.close(), 5)

    await asyncio.gather(*(close(s) for s in sockets))


@dataclass
class Tracker:
    """Sent messages, by client id, and their deliveries to agents."""

    sent: dict[str, float] = field(default_factory=dict)
    waiting: dict[str, asyncio.Future] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    delivered: set[str] = field(default_factory=set)
    duplicates: int = 0
    acks: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def expect(self, client_id: str, at: float, *, future: bool = False):
        self.sent[client_id] = at
        if future:
            waiter = asyncio.get_running_loop().create_future()
            self.waiting[client_id] = waiter
            return waiter
        return None

    def deliver(self, client_id: str, at: float) -> None:
        sent = self.sent.get(client_id)
        if sent is None:
            return  # a message of an earlier run or of the set-up
        if client_id in self.delivered:
            self.duplicates += 1
            return
        self.delivered.add(client_id)
        self.latencies.append(at - sent)
        waiter = self.waiting.pop(client_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(at)

    def error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1

    @property
    def lost(self) -> int:
        return len(self.sent) - len(self.delivered)

    async def drain(self, timeout: float = DRAIN_TIMEOUT_S) -> None:
        """Wait until every sent message was delivered, or ``timeout``."""
        deadline = now() + timeout
        while self.lost and now() < deadline:
            await asyncio.sleep(0.02)

    def result(self, wall_s: float) -> dict:
        return {
            "sent": len(self.sent),
            "delivered": len(self.delivered),
            "lost": self.lost,
            "duplicates": self.duplicates,
            "acks": self.acks,
            "errors": dict(self.errors),
            "msg_per_s": round(len(self.delivered) / wall_s, 1) if wall_s else 0.0,
            "latency_ms": summary(self.latencies),
        }


def _client_id_of(frame: dict) -> str | None:
    """The client id of a delivery: the product's ``message.created`` carries the stored
    message; the baseline passes the visitor's frame through as it was."""
    kind = frame.get("type")
    if kind == "message.created":
        return frame["message"].get("client_id")
    if kind == "message.send":
        return frame.get("client_id")
    return None


class Peer:
    """One socket with a reader task that feeds the current tracker."""

    def __init__(self, sock: ClientConnection, role: str):
        self.sock = sock
        self.role = role
        self.tracker: Tracker | None = None
        self.waiters: dict[str, asyncio.Future] = {}
        self.frames = 0
        self.reader = asyncio.ensure_future(self._read())

    def wait_for(self, frame_type: str) -> asyncio.Future:
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[frame_type] = waiter
        return waiter

    async def _read(self):
        try:
            async for raw in self.sock:
                at = now()
                self.frames += 1
                frame = json.loads(raw)
                kind = frame.get("type")
                waiter = self.waiters.pop(kind, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
                tracker = self.tracker
                if tracker is None:
                    continue
                if self.role == "agent":
                    client_id = _client_id_of(frame)
                    if client_id is not None:
                        tracker.deliver(client_id, at)
                elif kind == "message.ack":
                    tracker.acks += 1
                elif kind == "error":
                    tracker.error(frame.get("code", "?"))
        except websockets.ConnectionClosed:
            pass

    async def send(self, frame: dict) -> bool:
        """Send ``frame``; False (counted as a ``closed`` error) if the server closed the
        socket, which a run reports instead of dying of it."""
        try:
            await self.sock.send(json.dumps(frame, separators=(",", ":")))
        except websockets.ConnectionClosed as closed:
            if self.tracker is not None:
                code = closed.rcvd.code if closed.rcvd else "none"
                self.tracker.error(f"closed {code}")
            return False
        return True

    async def close(self) -> None:
        await close_all([self.sock])
        self.reader.cancel()


def message_frame(client_id: str) -> dict:
    return {"type": "message.send", "client_id": client_id, "body": f"Hello, message {client_id}"}


def attach(peers: Iterable[Peer], tracker: Tracker | None) -> None:
    for peer in peers:
        peer.tracker = tracker


async def paced(
    visitors: list[Peer], agents: list[Peer], *, rate: float, duration_s: float, tag: str
) -> dict:
    """Open loop: ``rate`` messages a second spread over the visitors in turn for
    ``duration_s``. Latency counts from the scheduled send time, so a client or server
    that falls behind shows up in it. Returns the tracker's figures."""
    tracker = Tracker()
    attach(visitors + agents, tracker)
    count = max(1, int(rate * duration_s))
    interval = 1.0 / rate
    start = now() + 0.05
    try:
        for k in range(count):
            due = start + k * interval
            delay = due - now()
            if delay > 0:
                await asyncio.sleep(delay)
            client_id = f"{tag}-{k}"
            tracker.expect(client_id, due)
            await visitors[k % len(visitors)].send(message_frame(client_id))
        await tracker.drain()
    finally:
        attach(visitors + agents, None)
    result = tracker.result(now() - start)
    result["msg_per_s"] = round(count / duration_s, 1)
    return result


async def closed_loop(
    visitors: list[Peer], agents: list[Peer], *, duration_s: float, tag: str, limit: int
) -> dict:
    """Closed loop: each visitor sends its next message as soon as the agent got the
    previous one, for ``duration_s`` or ``limit`` messages in all."""
    tracker = Tracker()
    attach(visitors + agents, tracker)
    deadline = now() + duration_s
    budget = [limit]

    async def chat(index: int, visitor: Peer):
        seq = 0
        while now() < deadline and budget[0] > 0:
            budget[0] -= 1
            client_id = f"{tag}-{index}-{seq}"
            seq += 1
            waiter = tracker.expect(client_id, now(), future=True)
            if not await visitor.send(message_frame(client_id)):
                tracker.waiting.pop(client_id, None)
                return
            try:
                await asyncio.wait_for(waiter, CLOSED_WAIT_S)
            except TimeoutError:
                tracker.waiting.pop(client_id, None)

    start = now()
    try:
        await asyncio.gather(*(chat(i, v) for i, v in enumerate(visitors)))
        wall = now() - start
        await tracker.drain(1.0)
    finally:
        attach(visitors + agents, None)
    return tracker.result(wall)
