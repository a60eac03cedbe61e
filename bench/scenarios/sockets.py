"""Scenarios 4 and 5: idle sockets (memory, handshakes, idle CPU, a new chat among them)
and the reconnect storm with resync."""

import asyncio
import json

from bench.client import Peer, Tracker, attach, close_all, message_frame, now, open_socket
from bench.procs import CpuMeter
from bench.stats import median_of, summary

HANDSHAKE_CONCURRENCY = 100
STORM_TIMEOUT_S = 60


async def connect_idle(urls: list[str], *, concurrency: int = HANDSHAKE_CONCURRENCY):
    """Open a socket per URL, ``concurrency`` handshakes at a time. Returns the sockets,
    the wall time and the number of failures. Idle sockets have no reader: nothing is
    sent to them, and the client library still answers the server's pings."""
    gate = asyncio.Semaphore(concurrency)
    failures = 0

    async def one(url):
        nonlocal failures
        async with gate:
            try:
                return await open_socket(url, max_queue=4)
            except Exception:
                failures += 1
                return None

    start = now()
    sockets = await asyncio.gather(*(one(u) for u in urls))
    wall = now() - start
    return [s for s in sockets if s is not None], wall, failures


async def add_idle(server, urls: list[str], log) -> tuple[list, dict]:
    """Connect ``urls`` to ``server`` and measure memory, handshake rate and CPU."""
    rss0 = server.rss_bytes()
    meter = CpuMeter(server.pid).start()
    sockets, wall, failures = await connect_idle(urls)
    cpu, _ = meter.stop()
    await asyncio.sleep(0.5)  # let the last consumers settle before reading the RSS
    rss1 = server.rss_bytes()
    opened = len(sockets) or 1
    figures = {
        "sockets": len(sockets),
        "failures": failures,
        "handshakes_per_s": round(len(sockets) / wall, 1) if wall else None,
        "server_us_per_handshake": round(cpu / opened * 1e6, 1),
        "rss_before_mb": round(rss0 / 2**20, 1),
        "rss_after_mb": round(rss1 / 2**20, 1),
        "kb_per_socket": round((rss1 - rss0) / opened / 1024, 1),
    }
    log(
        f"    +{len(sockets)} idle sockets ({failures} failed): {figures['handshakes_per_s']}"
        f" handshakes/s, {figures['kb_per_socket']} KB each, RSS {figures['rss_after_mb']} MB"
    )
    return sockets, figures


async def idle_cpu(server, seconds: float) -> float:
    """Percent of one core the server used while nothing but its sockets was open."""
    meter = CpuMeter(server.pid).start()
    await asyncio.sleep(seconds)
    cpu, wall = meter.stop()
    return round(cpu / wall * 100, 2)


async def new_chats(ws: str, tokens: list[str], agents: list[Peer], tag: str) -> dict:
    """New visitors open a chat one after another: handshake time, first-message ack and
    delivery of that message to the agent it was routed to."""
    handshakes, acks, deliveries = [], [], []
    tracker = Tracker()
    attach(agents, tracker)
    try:
        for index, token in enumerate(tokens):
            start = now()
            peer = Peer(await open_socket(f"{ws}/ws/visitor/?token={token}"), "visitor")
            handshakes.append(now() - start)
            client_id = f"{tag}-{index}"
            ack = peer.wait_for("message.ack")
            sent = now()
            delivered = tracker.expect(client_id, sent, future=True)
            await peer.send(message_frame(client_id))
            await asyncio.wait_for(ack, 10)
            acks.append(now() - sent)
            await asyncio.wait_for(delivered, 10)
            deliveries.append(tracker.latencies[-1])
            await peer.close()
    finally:
        attach(agents, None)
    return {
        "handshake_ms": summary(handshakes),
        "ack_ms": summary(acks),
        "delivered_ms": summary(deliveries),
    }


async def storm_once(ws: str, visitors, log) -> dict:
    """Every storm visitor reconnects at the same instant and resyncs from the last id it
    saw. Complete when each gets exactly its missed ids, in order, once."""
    start = now()

    async def one(visitor):
        sock = await open_socket(f"{ws}/ws/visitor/?token={visitor.token}", max_queue=64)
        try:
            await sock.send(json.dumps({"type": "sync", "after": visitor.after}))
            while True:
                frame = json.loads(await asyncio.wait_for(sock.recv(), STORM_TIMEOUT_S))
                if frame["type"] == "sync.result":
                    ids = [m["id"] for m in frame["messages"]]
                    return now() - start, ids, sock
        except BaseException:
            await close_all([sock])
            raise

    outcomes = await asyncio.gather(*(one(v) for v in visitors), return_exceptions=True)
    complete = duplicates = failed = 0
    times, sockets = [], []
    for visitor, outcome in zip(visitors, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            failed += 1
            continue
        elapsed, ids, sock = outcome
        times.append(elapsed)
        sockets.append(sock)
        duplicates += len(ids) - len(set(ids))
        complete += ids == visitor.missed
    wall = now() - start
    await close_all(sockets)
    result = {
        "visitors": len(visitors),
        "complete": complete,
        "incomplete": len(visitors) - complete - failed,
        "failed": failed,
        "duplicates": duplicates,
        "wall_s": round(wall, 3),
        "resync_ms": summary(times),
    }
    lat = result["resync_ms"]
    log(
        f"    storm: {complete}/{len(visitors)} complete, {duplicates} duplicates,"
        f" p50 {lat['p50']} p95 {lat['p95']} max {lat['max']} ms"
    )
    return result


async def storm_runs(server, visitors, *, runs: int, log) -> dict:
    results = []
    for _ in range(runs):
        meter = CpuMeter(server.pid).start()
        result = await storm_once(server.ws, visitors, log)
        cpu, _ = meter.stop()
        result["server_ms_per_visitor"] = round(cpu / max(1, len(visitors)) * 1000, 2)
        results.append(result)
        await asyncio.sleep(0.5)
    merged = median_of(results)
    merged["incomplete_total"] = sum(r["incomplete"] + r["failed"] for r in results)
    merged["duplicates_total"] = sum(r["duplicates"] for r in results)
    merged["runs"] = results
    return merged
