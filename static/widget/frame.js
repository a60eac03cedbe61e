/**
 * The chat inside the widget's iframe (served by /widget/frame/). It talks to the loader
 * in the host page by postMessage (the loader keeps the visitor token in the host's
 * storage), to the widget HTTP API by fetch, and to the visitor socket through the shared
 * socket client, whose outbox resends what was typed offline, exactly once.
 * @module widget/frame
 */
import { ComptoirSocket, newClientId } from "../comptoir/socket-client.js";
import { el, format, formatSize, textOn } from "./dom.js";
import { busy, fieldError, formError, validate } from "./forms.js";
import { MessageList } from "./messages.js";

const data = JSON.parse(document.getElementById("widget-data").textContent);
const S = data.strings;
const API = "/api/widget/v1";
const AVAILABILITY_POLL_MS = 20_000;
const TYPING_EVERY_MS = 800;
const TYPING_IDLE_MS = 6_000;
const AGENT_TYPING_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_FRAME_BYTES = 16_000;
const $ = (id) => document.getElementById(id);

const embedded = window.parent !== window;
const state = {
  token: null,
  page: { url: document.referrer, title: "", referrer: "" },
  open: !embedded,
  openChat: false,
  agent: null,
  unread: 0,
  historyShown: false,
};
let socket = null;
let pollTimer = null;

// --- Look ----------------------------------------------------------------------------
if (/^#([0-9a-f]{3}){1,2}$/i.test(data.color)) {
  document.documentElement.style.setProperty("--accent", data.color);
  document.documentElement.style.setProperty("--on-accent", textOn(data.color));
}
if (!embedded) $("close").hidden = true;

// --- The loader in the host page ------------------------------------------------------
function toHost(message) {
  if (embedded && data.origin) window.parent.postMessage({ comptoir: 1, ...message }, data.origin);
}

function standaloneStore(value) {
  // Opened as a page of its own (a direct chat link): its storage is first-party.
  try {
    if (value === undefined) return localStorage.getItem(`comptoir:${data.widget}:token`);
    localStorage.setItem(`comptoir:${data.widget}:token`, value);
  } catch { /* storage blocked */ }
  return null;
}

function setToken(token) {
  if (token === state.token) return;
  state.token = token;
  if (embedded) toHost({ type: "token", token });
  else standaloneStore(token);
}

window.addEventListener("message", (event) => {
  if (!embedded || event.source !== window.parent || event.origin !== data.origin) return;
  const message = event.data;
  if (!message || message.comptoir !== 1) return;
  if (message.type === "init") {
    if (message.page) state.page = message.page;
    state.open = Boolean(message.open);
    start(message.token, Array.isArray(message.pending) ? message.pending : []);
  } else if (message.type === "page" && message.page) {
    state.page = message.page;
    socket?.sendFrame({ type: "page.view", ...state.page });
  } else if (message.type === "open") {
    state.open = true;
    setUnread(0);
    if (message.focus !== false) focusFirst();
  } else if (message.type === "close") {
    state.open = false;
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && embedded) toHost({ type: "close" });
});
$("close").addEventListener("click", () => toHost({ type: "close" }));

function setUnread(count) {
  state.unread = count;
  toHost({ type: "unread", count });
}

// --- Views -----------------------------------------------------------------------------
function show(view) {
  for (const id of ["loading", "chat", "offline"]) $(id).hidden = id !== view;
  if (view !== "offline") stopPolling();
}

function focusFirst() {
  if (!state.open) return;
  const target = !$("offline").hidden
    ? ($("offline-form").hidden ? $("offline-done").querySelector("h2") : $("offline-name"))
    : !$("prechat").hidden ? $("prechat").querySelector("input")
      : !$("ended").hidden ? $("ended-title")
        : !$("chat").hidden ? $("input") : null;
  target?.focus();
}

// --- HTTP --------------------------------------------------------------------------------
async function api(path, options = {}) {
  const response = await fetch(API + path, { credentials: "omit", ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.detail || S.error), { status: response.status, body });
  return body;
}

function postJson(path, body) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/** Start or resume the visitor's session; a refused old token starts a new visitor. */
async function openSession() {
  const body = {
    widget: data.widget,
    visitor_token: state.token,
    page: state.page,
    language: navigator.language || "",
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "",
  };
  let session;
  try {
    session = await postJson("/session", body);
  } catch (error) {
    if (!state.token || (error.status !== 401 && error.status !== 403)) throw error;
    session = await postJson("/session", { ...body, visitor_token: null });
  }
  setToken(session.visitor_token);
  return session;
}

// --- Start ---------------------------------------------------------------------------------
let started = false;

async function start(token, pending) {
  if (started) return;
  started = true;
  state.token = token || null;
  let session;
  for (let attempt = 0; !session; attempt++) {
    try {
      session = await openSession();
    } catch {
      $("loading").textContent = S.unavailable;
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 2_000 * 2 ** attempt)));
    }
  }
  state.prechatDone = session.prechat_done;
  state.email = session.prechat?.email || "";
  if (session.conversation) {
    state.openChat = true;
    if (session.conversation.agent) showAgent(session.conversation.agent);
  }
  if (session.conversation || session.available || pending.length) showChat(pending);
  else showOffline(session.config.offline_reason);
}

// --- Chat ------------------------------------------------------------------------------------
const list = new MessageList($("log"), {
  strings: S,
  language: data.language,
  botName: data.title,
  onRetry: (clientId) => socket?.retry(clientId),
  onDownload: download,
  onPreview: preview,
});

function showChat(pending = []) {
  show("chat");
  updateChatControls();
  if (!socket) connect();
  for (const item of pending) {
    if (!item?.client_id || !item.frame) continue;
    const { body = "", attachments = [] } = item.frame;
    list.addPending(item.client_id, body, []);
    socket.sendMessage({ client_id: item.client_id, body, attachments });
  }
  focusFirst();
}

function needsPrechat() {
  return !state.prechatDone && !state.openChat && Boolean($("prechat").querySelector("input"));
}

function updateChatControls() {
  const ended = !$("ended").hidden;
  $("prechat").hidden = ended || !needsPrechat();
  $("composer").hidden = ended || !$("prechat").hidden;
  $("end-chat").hidden = !state.openChat;
  $("greeting").hidden = list.size > 0;
}

function connect() {
  let everOpen = false;
  let refusedOnce = false;
  socket = new ComptoirSocket({
    url: async () => {
      // After a drop, renew the session: a fresh token, the server sees the page, and a
      // chat closed meanwhile (its event lost with the socket) ends here too.
      if (everOpen) {
        const session = await openSession();
        if (state.openChat && !session.conversation) showEnded();
      }
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      return `${scheme}//${location.host}/ws/visitor/?token=${encodeURIComponent(state.token)}`;
    },
    onMessage: receiveMessage,
    onStatus: (clientId, status, info) => {
      list.setState(clientId, status, info);
      savePending();
    },
    onFrame: receiveFrame,
    // A refused token (expired, visitor erased): one more try with a renewed session.
    onRefused: () => {
      if (refusedOnce) return;
      refusedOnce = everOpen = true;
      socket.connect();
    },
    onStateChange: (status) => {
      if (status === "open") {
        everOpen = true;
        socket.sendFrame({ type: "page.view", ...state.page });
      }
      showConnection(status, everOpen);
    },
  });
  socket.connect();
  // Back online or back in view: reconnect now rather than at the end of the backoff.
  const now = () => socket.state === "waiting" && socket.connect();
  window.addEventListener("online", now);
  document.addEventListener("visibilitychange", () => !document.hidden && now());
}

function showConnection(status, everOpen) {
  const note = $("connection");
  let text = "";
  if (status === "refused") text = S.unavailable;
  else if (status !== "open" && !navigator.onLine) text = S.offline;
  else if (status !== "open" && everOpen) text = S.reconnecting;
  note.textContent = text;
  note.hidden = !text;
}

function savePending() {
  const items = socket.pending().map(({ client_id, frame }) => ({
    client_id,
    frame: { body: frame.body, attachments: frame.attachments || [] },
  }));
  toHost({ type: "pending", items });
}

function receiveMessage(message, source) {
  const node = list.add(message);
  if (message.author?.type === "agent" || message.author?.type === "bot") {
    if (message.author.type === "agent") {
      showTyping(false);
      if (!state.agent) showAgent(message.author);
    }
    if (source === "created" && !state.open) setUnread(state.unread + 1);
  }
  if (message.author?.type === "visitor" && source !== "sync") state.openChat = $("ended").hidden;
  updateChatControls();
  return node;
}

const waiting = new Map();

/** Send a frame that the server answers with `ackType` (or an error naming the frame). */
function request(frame, ackType) {
  return new Promise((resolve, reject) => {
    if (!socket || !socket.sendFrame(frame)) {
      reject(new Error(navigator.onLine ? S.reconnecting : S.offline));
      return;
    }
    const timer = setTimeout(() => {
      waiting.delete(frame.type);
      reject(new Error(S.error));
    }, REQUEST_TIMEOUT_MS);
    waiting.set(frame.type, {
      ackType,
      settle: (error, answer) => {
        clearTimeout(timer);
        waiting.delete(frame.type);
        if (error) reject(error);
        else resolve(answer);
      },
    });
  });
}

function receiveFrame(frame) {
  if (frame.type === "error" && waiting.has(frame.frame)) {
    waiting.get(frame.frame).settle(Object.assign(new Error(frame.detail || S.error), { code: frame.code }));
    return;
  }
  for (const entry of waiting.values()) {
    if (entry.ackType === frame.type) {
      entry.settle(null, frame);
      return;
    }
  }
  if (frame.type === "agent.typing") showTyping(Boolean(frame.typing));
  else if (frame.type === "queue.position") showQueue(frame);
  else if (frame.type === "conversation.assigned") {
    // A chat the visitor did not start: an agent's invitation (A10). The loader opens.
    const invited = !state.openChat && !state.open;
    if (invited) {
      $("ended").hidden = true;
      toHost({ type: "invite" });
    }
    state.openChat = true;
    $("queue").hidden = true;
    if (frame.agent) showAgent(frame.agent);
    updateChatControls();
  } else if (frame.type === "conversation.closed") showEnded();
}

function showAgent(agent) {
  state.agent = agent;
  const photo = $("agent-photo");
  photo.hidden = !agent.avatar_url;
  if (agent.avatar_url) photo.src = agent.avatar_url;
  $("subtitle").textContent = format(S.with_agent, { name: agent.name || S.agent });
}

let typingTimer = null;
function showTyping(on) {
  clearTimeout(typingTimer);
  $("typing").textContent = on ? format(S.typing, { name: state.agent?.name || S.agent }) : "";
  if (on) typingTimer = setTimeout(() => showTyping(false), AGENT_TYPING_TIMEOUT_MS);
}

function showQueue({ position, estimated_wait_s: wait }) {
  state.openChat = true;
  const note = $("queue");
  let text = format(S.queue, { position });
  if (wait) text += ` ${format(S.wait, { minutes: Math.max(1, Math.ceil(wait / 60)) })}`;
  note.textContent = text;
  note.hidden = !position;
  updateChatControls();
}

// --- Composer ----------------------------------------------------------------------------------
const input = $("input");

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  sendText();
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendText();
  }
});

input.addEventListener("input", () => {
  resize();
  typing(input.value);
});

function resize() {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight + 2, 140)}px`;
}

function sendText() {
  const body = input.value;
  if (!body.trim()) return;
  if (new Blob([JSON.stringify(body)]).size > MAX_FRAME_BYTES) return notice(S.error);
  send(body, []);
  input.value = "";
  resize();
  typing("");
  input.focus();
}

function send(body, attachments) {
  const clientId = newClientId();
  list.addPending(clientId, body, attachments);
  socket.sendMessage({ client_id: clientId, body, attachments: attachments.map((a) => a.id) });
  savePending();
  updateChatControls();
}

// The sneak peek (A3): at most one typing frame per TYPING_EVERY_MS, "" when stopped.
let typingSent = "";
let typingLast = 0;
let typingThrottle = null;
let typingIdle = null;

function typing(text) {
  clearTimeout(typingThrottle);
  clearTimeout(typingIdle);
  if (!text.trim()) return sendTyping("");
  typingIdle = setTimeout(() => sendTyping(""), TYPING_IDLE_MS);
  const wait = TYPING_EVERY_MS - (Date.now() - typingLast);
  if (wait <= 0) sendTyping(text);
  else typingThrottle = setTimeout(() => sendTyping(input.value), wait);
}

function sendTyping(preview) {
  clearTimeout(typingThrottle);
  preview = preview.slice(0, 1000);
  if (preview === typingSent || !state.openChat || !socket) return;
  if (socket.sendFrame({ type: "typing", preview })) {
    typingSent = preview;
    typingLast = Date.now();
  }
}

// --- Attachments -------------------------------------------------------------------------------
$("attach").addEventListener("click", () => $("file").click());
$("file").addEventListener("change", async () => {
  const files = [...$("file").files];
  $("file").value = "";
  for (const file of files) await upload(file);
  input.focus();
});

/** A short status under the composer (uploads, refusals); "" hides it. */
function notice(text) {
  $("upload-status").textContent = text;
  $("upload-status").hidden = !text;
}

async function upload(file) {
  const fail = (reason) => notice(format(S.upload_failed, { name: file.name, reason }));
  if (file.size > data.max_bytes) return fail(format(S.too_large, { size: formatSize(data.max_bytes, data.language) }));
  notice(format(S.uploading, { name: file.name }));
  const form = new FormData();
  form.append("visitor_token", state.token);
  form.append("file", file);
  try {
    const attachment = await api("/attachments", { method: "POST", body: form });
    notice("");
    send("", [attachment]);
  } catch (error) {
    fail(error.message);
  }
}

async function fetchFile(attachment) {
  const response = await fetch(attachment.url, { headers: { "X-Visitor-Token": state.token }, credentials: "omit" });
  if (!response.ok) throw new Error(S.error);
  return response.blob();
}

async function download(attachment) {
  try {
    const url = URL.createObjectURL(await fetchFile(attachment));
    const link = el("a", { href: url, download: attachment.name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch {
    notice(S.error);
  }
}

async function preview(attachment) {
  if (attachment.size > 2 * 1024 * 1024) return null;
  try {
    return URL.createObjectURL(await fetchFile(attachment));
  } catch {
    return null;
  }
}

// --- Pre-chat form (W2) --------------------------------------------------------------------
$("prechat").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!validate(form, S)) return;
  const fields = {};
  for (const field of form.querySelectorAll("[data-question]")) fields[field.dataset.question] = field.value.trim();
  busy(form, true);
  try {
    await request({
      type: "prechat.submit",
      name: form.elements.name?.value.trim() || "",
      email: form.elements.email?.value.trim() || "",
      fields,
    }, "prechat.ack");
    state.prechatDone = true;
    state.email = form.elements.email?.value.trim() || state.email;
    updateChatControls();
    input.focus();
  } catch (error) {
    formError(form, error.message);
  } finally {
    busy(form, false);
  }
});

// --- End of the chat: rating (W8), transcript (W9) ---------------------------------------------
$("end-chat").addEventListener("click", () => socket?.sendFrame({ type: "conversation.close" }));

function showEnded() {
  state.openChat = false;
  showTyping(false);
  $("queue").hidden = true;
  if ($("ended").hidden) list.separator(S.ended);
  for (const form of [$("rating"), $("transcript")]) {
    form.hidden = false;
    form.reset?.();
    formError(form, "");
  }
  $("transcript-email").value = state.email || "";
  $("rating-done").hidden = true;
  $("transcript-done").hidden = true;
  $("ended").hidden = false;
  updateChatControls();
  if (state.open) $("ended-title").focus();
}

$("rating").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const score = Number(form.elements.score.value);
  if (!score) {
    formError(form, S.required);
    form.querySelector("input[type=radio]").focus();
    return;
  }
  busy(form, true);
  try {
    await request({ type: "rating.submit", score, comment: form.elements.comment.value.trim() }, "rating.ack");
    form.hidden = true;
    $("rating-done").hidden = false;
    $("transcript-email").focus();
  } catch (error) {
    formError(form, error.message);
  } finally {
    busy(form, false);
  }
});

$("transcript").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!validate(form, S)) return;
  busy(form, true);
  try {
    await request({ type: "transcript.request", email: form.elements.email.value.trim() }, "transcript.ack");
    form.hidden = true;
    $("transcript-done").hidden = false;
  } catch (error) {
    fieldError(form.elements.email, error.message);
  } finally {
    busy(form, false);
  }
});

$("restart").addEventListener("click", () => {
  $("ended").hidden = true;
  updateChatControls();
  input.focus();
});

// --- Offline form (W4) ----------------------------------------------------------------------
function showOffline(reason) {
  show("offline");
  $("offline-reason").textContent = S[reason] || S.nobody_accepting;
  startPolling();
  focusFirst();
}

function startPolling() {
  stopPolling();
  pollTimer = setInterval(async () => {
    if (!$("offline-form").isConnected || $("offline-form").hidden) return stopPolling();
    try {
      const { available } = await api(`/availability?widget=${encodeURIComponent(data.widget)}`);
      if (available) showChat();
    } catch { /* try again at the next tick */ }
  }, AVAILABILITY_POLL_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

$("offline-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!validate(form, S)) return;
  busy(form, true);
  try {
    const answer = await postJson("/offline", {
      widget: data.widget,
      visitor_token: state.token,
      name: form.elements.name.value.trim(),
      email: form.elements.email.value.trim(),
      message: form.elements.message.value,
    });
    if (answer.visitor_token) setToken(answer.visitor_token);
    form.hidden = true;
    $("offline-reason").hidden = true;
    $("offline-done").hidden = false;
    stopPolling();
    $("offline-done").querySelector("h2").focus();
  } catch (error) {
    const fields = error.body && typeof error.body === "object" ? error.body : {};
    let shown = false;
    for (const name of ["name", "email", "message"]) {
      if (Array.isArray(fields[name])) {
        fieldError(form.elements[name], fields[name].join(" "));
        shown = true;
      }
    }
    if (!shown) formError(form, error.message);
  } finally {
    busy(form, false);
  }
});

// --- Go ----------------------------------------------------------------------------------
if (embedded) toHost({ type: "ready" });
else start(standaloneStore(), []);
