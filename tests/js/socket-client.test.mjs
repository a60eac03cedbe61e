// Run with: node --test tests/js/
// A fake WebSocket and a manual clock stand in for the network and for time.
import { test } from "node:test";
import assert from "node:assert/strict";

import { ComptoirSocket, newClientId } from "../../static/comptoir/socket-client.js";

class FakeSocket {
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = 0;
    this.closedWith = null;
  }
  send(data) {
    if (this.readyState !== 1) throw new Error("InvalidStateError: not open");
    this.sent.push(JSON.parse(data));
  }
  close(code) {
    this.readyState = 3;
    this.closedWith = code;
  }
  // What the server does:
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
  frames(type) {
    return this.sent.filter((f) => f.type === type);
  }
}

function fakeClock() {
  const timers = new Set();
  return {
    timers,
    setTimeout(fn, ms) {
      const timer = { fn, ms };
      timers.add(timer);
      return timer;
    },
    clearTimeout(timer) {
      timers.delete(timer);
    },
    /** Run the one pending timer; returns its delay. */
    fire() {
      assert.equal(timers.size, 1, `expected one pending timer, got ${timers.size}`);
      const [timer] = timers;
      timers.delete(timer);
      timer.fn();
      return timer.ms;
    },
  };
}

function setup(options = {}) {
  const sockets = [];
  const clock = fakeClock();
  const log = { messages: [], frames: [], statuses: [], states: [], refused: [] };
  const client = new ComptoirSocket({
    url: () => `ws://test/ws/visitor/?token=t${sockets.length}`,
    WebSocket: class extends FakeSocket {
      constructor(url) {
        super(url);
        sockets.push(this);
      }
    },
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 1,
    onMessage: (m) => log.messages.push(m),
    onFrame: (f) => log.frames.push(f),
    onStatus: (id, state, info) => log.statuses.push([id, state, info?.code]),
    onStateChange: (state) => log.states.push(state),
    onRefused: (code) => log.refused.push(code),
    ...options,
  });
  const last = () => sockets[sockets.length - 1];
  return { client, sockets, clock, log, last };
}

const message = (id, conversation = 1, extra = {}) => ({
  id,
  conversation,
  author: { type: "agent", id: 2, name: "Alice", avatar_url: null },
  body: `message ${id}`,
  internal: false,
  client_id: "",
  attachments: [],
  created_at: "2026-01-01T00:00:00+00:00",
  ...extra,
});

test("reconnects with exponential backoff after an unexpected close, reset by a successful open", () => {
  const { client, sockets, clock, last, log } = setup();
  client.connect();
  last().open();
  last().drop(1006);
  const delays = [];
  for (let i = 0; i < 8; i++) {
    delays.push(clock.fire());
    last().drop(1006); // the server is still down
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(sockets.length, 9);
  clock.fire();
  last().open();
  last().drop(1011);
  assert.equal(clock.fire(), 500, "a successful open resets the backoff");
  assert.ok(log.states.includes("waiting"));
});

test("an error event without a close event (Node 20's WebSocket) still reconnects, once", () => {
  const { client, sockets, clock, last } = setup();
  client.connect();
  const failed = last();
  failed.onerror({});
  assert.equal(clock.timers.size, 1);
  failed.drop(1006); // what a browser fires next: ignored, the socket is already dropped
  assert.equal(clock.timers.size, 1);
  clock.fire();
  assert.equal(sockets.length, 2);
});

test("jitter keeps at least half of each delay", () => {
  const { client, clock, last } = setup({ random: () => 0 });
  client.connect();
  last().drop();
  assert.equal(clock.fire(), 250);
  last().drop();
  assert.equal(clock.fire(), 500);
});

test("does not reconnect after a refused handshake (4401, 4403) but reports it", () => {
  for (const code of [4401, 4403]) {
    const { client, sockets, clock, last, log } = setup();
    client.connect();
    last().drop(code);
    assert.equal(clock.timers.size, 0);
    assert.equal(sockets.length, 1);
    assert.deepEqual(log.refused, [code]);
    assert.equal(client.state, "refused");
    client.connect(); // e.g. after the widget fetched a fresh token
    assert.equal(sockets.length, 2);
  }
});

test("the url function is called for every attempt, and may be async", async () => {
  let calls = 0;
  const { client, sockets, clock, last } = setup({
    url: async () => `ws://test/ws/visitor/?token=fresh${++calls}`,
  });
  client.connect();
  await Promise.resolve();
  assert.equal(last().url, "ws://test/ws/visitor/?token=fresh1");
  last().drop();
  clock.fire();
  await Promise.resolve();
  assert.equal(last().url, "ws://test/ws/visitor/?token=fresh2");
  assert.equal(sockets.length, 2);
});

test("outbox: resent after reconnect, acknowledged once, each message delivered once", async () => {
  const { client, clock, last, log } = setup();
  client.connect();
  last().open();
  const { clientId, acked } = client.sendMessage({ body: "Hello" });
  assert.match(clientId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(last().frames("message.send"), [
    { type: "message.send", body: "Hello", client_id: clientId },
  ]);
  last().drop(); // the ack is lost with the connection
  const queued = client.sendMessage({ body: "Still there?", client_id: "mine-2" });
  clock.fire();
  last().open();
  assert.deepEqual(
    last().frames("message.send").map((f) => f.client_id),
    [clientId, "mine-2"],
    "unacknowledged sends go out again, oldest first, with the same client_id",
  );
  const stored = message(41, 9, { author: { type: "visitor" }, body: "Hello", client_id: clientId });
  last().push({ type: "message.created", message: stored });
  last().push({ type: "message.ack", client_id: clientId, message: stored });
  last().push({ type: "message.ack", client_id: clientId, message: stored }); // a replay
  last().push({ type: "sync.result", messages: [stored, message(42, 9)] });
  assert.deepEqual(await acked, stored);
  assert.deepEqual(log.messages.map((m) => m.id), [41, 42]);
  assert.deepEqual(
    log.statuses.filter(([id]) => id === clientId).map(([, state]) => state),
    ["sending", "sent"],
  );
  last().push({ type: "message.ack", client_id: "mine-2", message: message(43, 9, { client_id: "mine-2" }) });
  assert.equal((await queued.acked).id, 43);
  assert.equal(client.outbox.size, 0);
  last().drop();
  clock.fire();
  last().open();
  assert.deepEqual(last().frames("message.send"), [], "acknowledged sends are not resent");
  assert.deepEqual(log.frames, [], "message frames are consumed, not passed on");
});

test("visitor sync: on every open, after the highest id seen (null at first)", () => {
  const { client, clock, last } = setup();
  client.connect();
  last().open();
  assert.deepEqual(last().sent, [{ type: "sync", after: null }]);
  last().push({ type: "sync.result", messages: [message(5, 1)] });
  last().push({ type: "message.created", message: message(12, 2) });
  last().push({ type: "message.created", message: message(9, 2) }); // committed late
  last().drop();
  clock.fire();
  last().open();
  assert.deepEqual(last().sent, [{ type: "sync", after: 12 }]);
  client.resync();
  assert.deepEqual(last().sent.at(-1), { type: "sync", after: 12 });
});

test("agent sync: one frame per conversation the caller names; full pages ask for more", () => {
  const { client, last, log } = setup({ mode: "agent", conversations: () => [1, 2], syncLimit: 2 });
  client.connect();
  last().open();
  last().push({ type: "message.created", message: message(7, 1) });
  last().sent.length = 0;
  client.resync();
  assert.deepEqual(last().sent, [
    { type: "sync", conversation: 1, after: 7 },
    { type: "sync", conversation: 2, after: null },
  ]);
  last().push({ type: "sync.result", conversation: 2, messages: [message(3, 2), message(8, 2)] });
  assert.deepEqual(last().sent.at(-1), { type: "sync", conversation: 2, after: 8 });
  last().push({ type: "sync.result", conversation: 2, messages: [message(11, 2)] });
  assert.equal(last().sent.length, 3, "a short page is the end");
  assert.deepEqual(log.messages.map((m) => m.id), [7, 3, 8, 11]);
});

test("a non-retryable error fails the message; retry() sends it again", async () => {
  const { client, last, log } = setup();
  client.connect();
  last().open();
  const { clientId, acked } = client.sendMessage({ body: "Hi" });
  last().push({
    type: "error", code: "prechat_required", detail: "Please fill in the pre-chat form first.",
    frame: "message.send", client_id: clientId,
  });
  await assert.rejects(acked, { code: "prechat_required" });
  assert.deepEqual(log.statuses.at(-1), [clientId, "failed", "prechat_required"]);
  assert.deepEqual(log.frames, [], "the error was reported through onStatus");
  last().sent.length = 0;
  const again = client.retry(clientId);
  assert.deepEqual(last().sent, [{ type: "message.send", body: "Hi", client_id: clientId }]);
  assert.deepEqual(log.statuses.at(-1), [clientId, "sending", undefined]);
  const stored = message(50, 3, { client_id: clientId });
  last().push({ type: "message.ack", client_id: clientId, message: stored });
  assert.equal((await again).id, 50);
  assert.deepEqual(log.statuses.at(-1), [clientId, "sent", undefined]);
});

test("a failed send whose promise nobody awaits raises no unhandled rejection", async () => {
  const unhandled = [];
  const listener = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", listener);
  try {
    const { client, last, log } = setup();
    client.connect();
    last().open();
    const { clientId } = client.sendMessage({ body: "x".repeat(10_001) });
    last().push({ type: "error", code: "message_too_long", detail: "Too long.", client_id: clientId });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log.statuses.at(-1), [clientId, "failed", "message_too_long"]);
    assert.deepEqual(unhandled, []);
    client.discard(clientId);
    assert.equal(client.outbox.size, 0);
  } finally {
    process.off("unhandledRejection", listener);
  }
});

test("rate_limited is retried by itself after a delay", () => {
  const { client, clock, last, log } = setup({ retryDelay: 1000 });
  client.connect();
  last().open();
  const { clientId } = client.sendMessage({ body: "Hi" });
  last().push({ type: "error", code: "rate_limited", detail: "slow down", client_id: clientId });
  assert.equal(log.statuses.at(-1)[1], "sending");
  assert.equal(clock.fire(), 1000);
  assert.equal(last().frames("message.send").length, 2);
});

test("other frames, and errors about no pending message, reach onFrame", () => {
  const { client, last, log } = setup();
  client.connect();
  last().open();
  const frames = [
    { type: "queue.position", position: 2, estimated_wait_s: 300 },
    { type: "agent.typing", typing: true },
    { type: "error", code: "unknown_frame", detail: "Unknown frame type 'x'.", frame: "x" },
  ];
  frames.forEach((f) => last().push(f));
  last().onmessage({ data: "not json" });
  assert.deepEqual(log.frames, frames);
  assert.equal(client.sendFrame({ type: "typing", preview: "he" }), true);
  last().drop();
  assert.equal(client.sendFrame({ type: "typing", preview: "" }), false, "not open: dropped");
});

test("close() stops reconnecting, also while waiting to reconnect", () => {
  const { client, sockets, clock, last, log } = setup();
  client.connect();
  last().open();
  client.close();
  assert.equal(last().closedWith, 1000);
  assert.equal(clock.timers.size, 0);
  assert.equal(log.states.at(-1), "closed");

  client.connect();
  last().drop();
  assert.equal(clock.timers.size, 1);
  client.close();
  assert.equal(clock.timers.size, 0);
  assert.equal(sockets.length, 2);
});

test("close() while an async url is pending opens nothing, even after a new connect()", async () => {
  const { client, sockets } = setup({ url: async () => "ws://test/ws/agent/" });
  client.connect();
  client.close();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sockets.length, 0);
  client.connect();
  client.close();
  client.connect();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sockets.length, 1, "only the latest attempt opens a socket");
});

test("client ids are UUIDs, with or without crypto.randomUUID", () => {
  assert.match(newClientId(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const original = globalThis.crypto.randomUUID;
  try {
    globalThis.crypto.randomUUID = undefined;
    assert.match(newClientId(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  } finally {
    globalThis.crypto.randomUUID = original;
  }
});
