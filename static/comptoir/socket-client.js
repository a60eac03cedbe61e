/**
 * Comptoir's one socket client, shared by the widget (visitor socket) and the agent
 * dashboard (agent socket). Frames are those of docs/protocol.md. No dependencies and no
 * build step; runs in browsers and in Node >= 20 (inject `WebSocket` there).
 *
 * Why it exists: the server stores a message before acknowledging it and deduplicates
 * sends by `client_id`, but its channel layer is at-most-once and sockets drop. So this
 * client keeps unacknowledged sends in an outbox and resends them after every reconnect
 * (exactly-once in effect), and asks for `sync` from the highest message id it has seen
 * after every (re)open, since a lost `message.created` cannot be detected from ids alone:
 * ids grow globally, not one by one within a chat.
 *
 * @module comptoir/socket-client
 */

/** Close codes of a refused handshake (bad credential, foreign origin): reconnecting with
 * the same credential is futile. Note: a server that turns a close-before-accept into an
 * HTTP 403 (Daphne does) shows browsers a plain 1006 instead, which is retried like any
 * drop; `url()` runs before each retry, the place to renew or check the credential. */
export const REFUSED_CODES = [4401, 4403];

/**
 * @typedef {object} Options
 * @property {() => (string|Promise<string>)} url Called before every attempt, so a visitor
 *   token can be refreshed (e.g. by POSTing /api/widget/v1/session again).
 * @property {"visitor"|"agent"} [mode] Which `sync` form to send; "visitor" by default.
 * @property {() => Iterable<number>} [conversations] Agent mode: the chats to sync on open
 *   (default: every chat a message was seen for). One frame each, and the server allows a
 *   burst of 60 frames: name the chats on screen, not the whole history.
 * @property {(message: object, source: "created"|"ack"|"sync") => void} [onMessage] Each
 *   message object, once per id, but not always in id order (an ack is sent at once,
 *   events after the commit): sort by id. `source` tells a live message ("created", "ack")
 *   from history fetched by `sync`.
 * @property {(frame: object) => void} [onFrame] Every frame not consumed here.
 * @property {(clientId: string, state: "sending"|"sent"|"failed", info?: object) => void} [onStatus]
 * @property {(state: string, info?: object) => void} [onStateChange] "connecting", "open",
 *   "waiting" (backoff), "closed" (by close()), "refused".
 * @property {(code: number) => void} [onRefused] The handshake was refused (4401/4403).
 * @property {Function} [WebSocket] Defaults to globalThis.WebSocket (Node 20 has none).
 * @property {Function} [setTimeout] @property {Function} [clearTimeout] @property {() => number} [random]
 * @property {number} [minDelay] @property {number} [maxDelay] Backoff bounds, ms (500, 30000).
 * @property {number} [retryDelay] Wait before resending a `rate_limited` send (1000 ms).
 * @property {number} [syncLimit] The server's `sync.result` page size (500): a full page
 *   means more may follow, so the client asks again from its last id.
 */

const SEEN_CAP = 5000;

export class ComptoirSocket {
  /** @param {Options} options */
  constructor(options) {
    const o = (this.options = { mode: "visitor", minDelay: 500, maxDelay: 30000,
      retryDelay: 1000, syncLimit: 500, random: Math.random, ...options });
    this.WebSocket = o.WebSocket ?? globalThis.WebSocket;
    if (typeof this.WebSocket !== "function") throw new Error("ComptoirSocket: pass options.WebSocket");
    // Wrapped, not stored bare: browsers throw "Illegal invocation" when window.setTimeout
    // is called as a method of another object.
    this.setTimeout = o.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.clearTimeout = o.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    Object.assign(this, { state: "idle", ws: null, timer: null, attempt: 0, gen: 0 });
    /** Unacknowledged sends by client_id, oldest first: {frame, state, timer, acked, ...}. */
    this.outbox = new Map();
    /** Highest message id seen per conversation id. */
    this.lastIds = new Map();
    this.seen = new Set();
  }

  /** Open the socket (and keep it open until close()). Returns this. */
  connect() {
    if (this.state === "open" || this.state === "connecting") return this;
    if (this.state !== "waiting") this.attempt = 0;
    this.clearTimeout(this.timer);
    this._open();
    return this;
  }

  /** Close for good: no reconnect. Unacknowledged sends stay in the outbox for connect(). */
  close() {
    this.gen++;
    this.clearTimeout(this.timer);
    this._drop(1000);
    this._setState("closed");
  }

  /**
   * Queue a `message.send` and send it as soon as the socket is open (again after each
   * reconnect, until acknowledged). Agents pass `conversation` and may pass `internal`.
   * @returns {{clientId: string, acked: Promise<object>}} `acked` resolves with the stored
   *   message, or rejects with `{code, detail}` when the server refuses it.
   */
  sendMessage(fields) {
    const clientId = fields.client_id || newClientId();
    const existing = this.outbox.get(clientId);
    if (existing) return { clientId, acked: existing.acked };
    const entry = { frame: { ...fields, type: "message.send", client_id: clientId }, timer: null };
    this.outbox.set(clientId, entry);
    return { clientId, acked: this._attempt(clientId, entry) };
  }

  /** Resend a failed message (after fixing the cause, e.g. submitting the pre-chat form). */
  retry(clientId) {
    const entry = this.outbox.get(clientId);
    if (!entry) throw new Error(`ComptoirSocket: no message ${clientId} to retry`);
    return entry.state === "failed" ? this._attempt(clientId, entry) : entry.acked;
  }

  /** Forget a failed message. */
  discard(clientId) {
    this.clearTimeout(this.outbox.get(clientId)?.timer);
    this.outbox.delete(clientId);
  }

  /** Unacknowledged sends, oldest first, as `{client_id, state, frame}` (state "sending"
   * or "failed"): what a page may save to resend after a reload, with the same client_id. */
  pending() {
    return [...this.outbox].map(([clientId, entry]) => ({ client_id: clientId, state: entry.state, frame: entry.frame }));
  }

  /**
   * Note messages the page obtained another way (a page of history over HTTP): later
   * syncs start after them, and `onMessage` is not called when the socket brings them
   * again. The agent dashboard loads a chat's newest page over HTTP, then lets the socket
   * keep it current. Only `id` and `conversation` are read.
   * @param {Iterable<object>} messages
   */
  remember(messages) {
    for (const message of messages) {
      if (!message || typeof message.id !== "number") continue;
      const last = this.lastIds.get(message.conversation);
      if (last === undefined || message.id > last) this.lastIds.set(message.conversation, message.id);
      this.seen.add(message.id);
    }
  }

  /** Send any other frame now. Returns false, dropping it, when the socket is not open:
   * typing and page views are worth nothing late. */
  sendFrame(frame) {
    if (this.state !== "open") return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Ask for every message after the last one seen (agent mode: of each chat to sync). */
  resync() {
    if (this.options.mode === "agent") {
      const ids = this.options.conversations ? this.options.conversations() : this.lastIds.keys();
      for (const id of ids) this.sendFrame({ type: "sync", conversation: id, after: this.lastIds.get(id) ?? null });
    } else {
      const ids = [...this.lastIds.values()];
      this.sendFrame({ type: "sync", after: ids.length ? Math.max(...ids) : null });
    }
  }

  _attempt(clientId, entry) {
    entry.state = "sending";
    entry.acked = new Promise((resolve, reject) => Object.assign(entry, { resolve, reject }));
    entry.acked.catch(() => {}); // a caller who ignores the promise gets no unhandled rejection
    this.options.onStatus?.(clientId, "sending");
    this.sendFrame(entry.frame);
    return entry.acked;
  }

  _open() {
    this._setState("connecting");
    // close() starts a new generation: a url() promise still pending must then open nothing.
    const gen = this.gen;
    const current = () => gen === this.gen;
    let url;
    try { url = this.options.url(); } catch (error) { return this._retryLater(error); }
    if (typeof url?.then !== "function") return this._create(url);
    url.then((u) => current() && this._create(u), (error) => current() && this._retryLater(error));
  }

  _create(url) {
    let ws;
    try { ws = new this.WebSocket(url); } catch (error) { return this._retryLater(error); }
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.attempt = 0;
      this._setState("open");
      this.resync();
      for (const entry of this.outbox.values()) {
        if (entry.state !== "sending") continue;
        this.clearTimeout(entry.timer);
        this.sendFrame(entry.frame);
      }
    };
    ws.onmessage = (event) => { if (ws === this.ws) this._receive(event.data); };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      if (REFUSED_CODES.includes(event.code)) {
        this._setState("refused", { code: event.code });
        this.options.onRefused?.(event.code);
      } else this._retryLater();
    };
    // Browsers follow an error with a 1006 close, but Node 20's WebSocket leaves a refused
    // handshake at "connecting" with no close at all; an error is a drop either way.
    ws.onerror = () => {
      if (ws !== this.ws) return;
      this._drop();
      this._retryLater();
    };
  }

  /** Exponential backoff with "equal jitter": half the delay fixed, half random, so a
   * server restart does not bring every client back in the same instant. */
  _retryLater(error) {
    this.ws = null;
    const { minDelay, maxDelay, random } = this.options;
    const ceiling = Math.min(maxDelay, minDelay * 2 ** this.attempt++);
    const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
    this._setState("waiting", { delay, error });
    this.timer = this.setTimeout(() => this._open(), delay);
  }

  _drop(code) {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null; // a stale socket says nothing
    try { ws.close(code); } catch { /* already closing */ }
  }

  _setState(state, info) {
    this.state = state;
    this.options.onStateChange?.(state, info);
  }

  _receive(data) {
    let frame = null;
    try { frame = JSON.parse(data); } catch { /* not ours */ }
    if (!frame || typeof frame !== "object") return;
    const entry = typeof frame.client_id === "string" ? this.outbox.get(frame.client_id) : undefined;
    if (frame.type === "message.created") {
      this._deliver(frame.message, "created");
    } else if (frame.type === "message.ack") {
      if (entry) {
        this.clearTimeout(entry.timer);
        this.outbox.delete(frame.client_id);
        this.options.onStatus?.(frame.client_id, "sent", { message: frame.message });
        entry.resolve(frame.message);
      }
      this._deliver(frame.message, "ack");
    } else if (frame.type === "sync.result") {
      const messages = frame.messages || [];
      messages.forEach((m) => this._deliver(m, "sync"));
      if (messages.length >= this.options.syncLimit) {
        const after = messages[messages.length - 1].id;
        this.sendFrame(frame.conversation == null ? { type: "sync", after }
          : { type: "sync", conversation: frame.conversation, after });
      }
    } else if (frame.type === "error" && entry?.state === "sending") {
      this._refused(frame.client_id, entry, frame);
    } else {
      this.options.onFrame?.(frame);
    }
  }

  /** `rate_limited` is the one refusal that goes away by itself; every other one needs the
   * user (empty_message, message_too_long, prechat_required, client_id_reused, ...). */
  _refused(clientId, entry, { code, detail }) {
    if (code === "rate_limited") {
      this.clearTimeout(entry.timer);
      entry.timer = this.setTimeout(() => this.sendFrame(entry.frame), this.options.retryDelay);
      return;
    }
    entry.state = "failed";
    this.options.onStatus?.(clientId, "failed", { code, detail });
    entry.reject(Object.assign(new Error(detail || code), { code, detail }));
  }

  _deliver(message, source) {
    if (!message || typeof message.id !== "number") return;
    const last = this.lastIds.get(message.conversation);
    if (last === undefined || message.id > last) this.lastIds.set(message.conversation, message.id);
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    // Sets iterate in insertion order, so the oldest id goes first.
    if (this.seen.size > SEEN_CAP) this.seen.delete(this.seen.values().next().value);
    this.options.onMessage?.(message, source);
  }
}

/** crypto.randomUUID exists only in secure contexts, and the widget may be embedded in a
 * plain-http page; getRandomValues works everywhere. */
export function newClientId() {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
