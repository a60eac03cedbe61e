// Run with: node --test tests/js/
// The agent dashboard's pure helpers: circle colours, canned responses, and the socket
// client's remember() that lets HTTP history and socket sync meet without duplicates.
import { test } from "node:test";
import assert from "node:assert/strict";

import { fillPlaceholders, hashQueryAt, matchCanned, spliceAt } from "../../static/dashboard/canned.js";
import { initials, shortDuration, unreadCount, waitingColour, waitingSeconds } from "../../static/dashboard/waiting.js";
import { ComptoirSocket } from "../../static/comptoir/socket-client.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const chat = (waitedS, team = { amber_after_s: 30, red_after_s: 60 }) => ({
  waiting_since: waitedS === null ? null : new Date(NOW - waitedS * 1000).toISOString(),
  team,
  contact: { is_blocked: false },
});

test("a circle goes green, amber, red with the team's thresholds", () => {
  assert.equal(waitingColour(chat(null), NOW), "idle");
  assert.equal(waitingColour(chat(5), NOW), "green");
  assert.equal(waitingColour(chat(30), NOW), "amber");
  assert.equal(waitingColour(chat(59), NOW), "amber");
  assert.equal(waitingColour(chat(60), NOW), "red");
  assert.equal(waitingColour(chat(2, { amber_after_s: 1, red_after_s: 2 }), NOW), "red");
  assert.equal(waitingColour({ ...chat(90), contact: { is_blocked: true } }, NOW), "blocked");
});

test("the server's clock decides how long a visitor waited", () => {
  // The browser's clock is 20 s behind the server's.
  assert.equal(waitingSeconds(chat(10), NOW - 20_000, 20_000), 10);
  assert.equal(waitingColour(chat(40), NOW - 20_000, 20_000), "amber");
});

test("unread counts only unanswered visitor messages not looked at", () => {
  assert.equal(unreadCount({ pending_ids: [4, 7, 9] }, 0), 3);
  assert.equal(unreadCount({ pending_ids: [4, 7, 9] }, 7), 1);
  assert.equal(unreadCount({ pending_ids: [] }, 0), 0);
});

test("short durations and initials", () => {
  assert.equal(shortDuration(12.7), "12 s");
  assert.equal(shortDuration(125), "2 min");
  assert.equal(shortDuration(7300), "2 h");
  assert.equal(initials("Amber Otter"), "AO");
  assert.equal(initials("ann"), "AN");
  assert.equal(initials("  "), "?");
  assert.equal(initials("Élodie de la Tour"), "ÉT");
});

test("# opens the menu only at a word start, up to the caret", () => {
  assert.deepEqual(hashQueryAt("#hel", 4), { start: 0, end: 4, query: "hel" });
  assert.deepEqual(hashQueryAt("Sure. #th", 9), { start: 6, end: 9, query: "th" });
  assert.equal(hashQueryAt("order#12", 8), null);
  assert.equal(hashQueryAt("#hello there", 12), null);
  assert.deepEqual(hashQueryAt("#", 1), { start: 0, end: 1, query: "" });
});

test("canned responses match by shortcut then title, in the visitor's language first", () => {
  const responses = [
    { id: 1, shortcut: "hello", title: "Greeting", language: "en", body: "" },
    { id: 2, shortcut: "hello", title: "Salutation", language: "fr", body: "" },
    { id: 3, shortcut: "thanks", title: "Say hello back", language: "en", body: "" },
    { id: 4, shortcut: "refund", title: "Refund policy", language: "en", body: "" },
  ];
  assert.deepEqual(matchCanned(responses, "hello", { languages: ["fr", "en"] }).map((r) => r.id), [2, 1, 3]);
  assert.deepEqual(matchCanned(responses, "hel", { languages: ["en"] }).map((r) => r.id), [1, 2, 3]);
  assert.deepEqual(matchCanned(responses, "POLICY").map((r) => r.id), [4]);
  assert.deepEqual(matchCanned(responses, "zzz"), []);
});

test("placeholders are filled, and an unknown visitor name leaves no gap", () => {
  const body = "Hello {{ visitor.name }}, I'm {{agent.name}}.";
  assert.equal(fillPlaceholders(body, { visitorName: "Ann", agentName: "Alice" }), "Hello Ann, I'm Alice.");
  assert.equal(fillPlaceholders(body, { agentName: "Alice" }), "Hello, I'm Alice.");
  assert.equal(fillPlaceholders("{{ visitor.name }}!", { visitorName: "<b>x</b>" }), "<b>x</b>!");
});

test("a response replaces the #query where it was typed", () => {
  const found = hashQueryAt("Sure. #th and more", 9);
  assert.deepEqual(spliceAt("Sure. #th and more", found, "Thanks!"), { text: "Sure. Thanks! and more", caret: 13 });
});

test("remember() makes later syncs start after HTTP history and skips repeats", () => {
  const sockets = [];
  const delivered = [];
  class Fake {
    constructor() { this.sent = []; sockets.push(this); }
    send(data) { this.sent.push(JSON.parse(data)); }
    close() {}
  }
  const client = new ComptoirSocket({
    mode: "agent",
    url: () => "ws://test/ws/agent/",
    WebSocket: Fake,
    conversations: () => [7],
    onMessage: (m) => delivered.push(m.id),
    setTimeout: () => 0,
    clearTimeout: () => {},
  });
  client.remember([{ id: 40, conversation: 7 }, { id: 42, conversation: 7 }]);
  client.connect();
  sockets[0].onopen();
  assert.deepEqual(sockets[0].sent, [{ type: "sync", conversation: 7, after: 42 }]);
  sockets[0].onmessage({ data: JSON.stringify({ type: "sync.result", conversation: 7, messages: [{ id: 42, conversation: 7 }, { id: 43, conversation: 7 }] }) });
  assert.deepEqual(delivered, [43]);
});
