/**
 * The chats screen: circles (A2, A11), the open chat with sneak peek and history on scroll
 * (A3), the message box with canned responses (A4, B1), live visitor page (A5), and the
 * keyboard shortcuts between chats. State comes from /dashboard/state/ and stays current
 * through the agent socket; the visitor panel and the actions are htmx partials.
 * @module dashboard/chats
 */

import { fillPlaceholders, hashQueryAt, matchCanned, spliceAt } from "./canned.js";
import { csrfToken, el, fetchJson, format, gettext, safeHref, shortTime, toast } from "./dom.js";
import { initials, shortDuration, unreadCount, waitingColour, waitingSeconds } from "./waiting.js";

const SECTIONS = ["mine", "queue", "others"];
const MAX_SYNCED = 40;
const TYPING_EVERY_MS = 2500;
const TYPING_IDLE_MS = 4000;

const url = (template, id) => template.replace("/0/", `/${id}/`);

export class ChatsView {
  constructor({ workspace, socket, boot, notifier }) {
    Object.assign(this, { workspace, socket, notifier, urls: boot.urls });
    this.me = boot.state.me;
    this.chats = new Map();
    this.rows = new Map();
    this.threads = new Map(); // id → {messages: Map, loaded, complete, loading}
    this.previews = new Map();
    this.selected = null;
    this.mode = "public";
    this.canned = null;
    this.menu = { items: [], index: 0, found: null };
    this.typingSentAt = 0;
    this.typingTimer = null;
    this.files = []; // {id?, name, state: "uploading"|"ready"|"failed", key}
    this.readKey = `comptoir.read.${this.me.id}`;
    this.lastRead = this._loadRead();
    this._bind();
    this.applyState(boot.state);
    const fromHash = /^#chat-(\d+)$/.exec(window.location.hash);
    if (fromHash && this.chats.has(Number(fromHash[1]))) this.select(Number(fromHash[1]));
    setInterval(() => this.tick(), 1000);
  }

  // --- state -------------------------------------------------------------------------

  applyState(state) {
    this.serverOffset = Date.parse(state.now) - Date.now();
    this.me = { ...this.me, ...state.me };
    const seen = new Set();
    for (const chat of state.conversations) {
      seen.add(chat.id);
      this._upsert(chat);
    }
    for (const id of [...this.chats.keys()]) if (!seen.has(id)) this._remove(id);
    this.renderList();
  }

  async refresh() {
    try {
      this.applyState(await fetchJson(this.urls.state));
      if (this.selected && this.chats.has(this.selected)) this._renderHead();
    } catch (error) {
      if (error.status === 403 || error.status === 401) window.location.reload();
    }
  }

  async refreshChat(id) {
    try {
      const chat = await fetchJson(url(this.urls.summary, id));
      if (chat.status === "closed" || !this._visible(chat)) this._remove(id);
      else this._upsert(chat);
    } catch {
      this._remove(id);
    }
    this.renderList();
    if (id === this.selected) this._renderHead();
  }

  _visible(c) {
    const assignee = c.assignee && typeof c.assignee === "object" ? c.assignee.id : c.assignee;
    const team = c.team && typeof c.team === "object" ? c.team.id : c.team;
    return this.me.supervisor || assignee === this.me.id || (c.status === "queued" && this.me.teams.includes(team));
  }

  _upsert(chat) {
    const before = this.chats.get(chat.id);
    this.chats.set(chat.id, chat);
    return !before;
  }

  _remove(id) {
    this.chats.delete(id);
    this.rows.get(id)?.remove();
    this.rows.delete(id);
    this.previews.delete(id);
    if (id === this.selected) this._chatGone();
  }

  syncIds() {
    return [...this.threads.entries()]
      .filter(([id, thread]) => thread.loaded && (this.chats.has(id) || id === this.selected))
      .map(([id]) => id)
      .slice(-MAX_SYNCED);
  }

  _loadRead() {
    try { return JSON.parse(localStorage.getItem(this.readKey) || "{}"); } catch { return {}; }
  }

  _markRead(id) {
    const chat = this.chats.get(id);
    const thread = this.threads.get(id);
    const ids = [...(chat?.pending_ids || []), ...(thread ? thread.messages.keys() : [])];
    const top = Math.max(this.lastRead[id] || 0, ...ids);
    if (top === (this.lastRead[id] || 0)) return;
    this.lastRead[id] = top;
    // Keep the map small: only chats still listed.
    for (const key of Object.keys(this.lastRead)) if (!this.chats.has(Number(key))) delete this.lastRead[key];
    try { localStorage.setItem(this.readKey, JSON.stringify(this.lastRead)); } catch { /* full */ }
  }

  // --- socket events -------------------------------------------------------------------

  onFrame(frame) {
    switch (frame.type) {
      case "conversation.queued":
      case "conversation.assigned":
      case "conversation.transferred":
      case "conversation.updated":
      case "conversation.closed":
        return this._onConversation(frame);
      case "visitor.typing":
        return this._onTyping(frame);
      case "visitor.page":
        return this._onPage(frame);
      case "contact.blocked":
      case "contact.unblocked":
        for (const chat of this.chats.values()) if (chat.contact.id === frame.contact.id) this.refreshChat(chat.id);
        return undefined;
      default:
        return undefined;
    }
  }

  _onConversation(frame) {
    const c = frame.conversation;
    const known = this.chats.has(c.id);
    if (c.status === "closed" || !this._visible(c)) {
      if (known || c.id === this.selected) {
        if (c.id === this.selected) this._chatGone(frame.type === "conversation.closed" ? "closed" : "transferred");
        this._remove(c.id);
        this.renderList();
      }
      return;
    }
    const toMe = c.assignee === this.me.id && (frame.type === "conversation.assigned" || frame.type === "conversation.transferred");
    if (toMe && (!known || this.chats.get(c.id).assignee?.id !== this.me.id)) {
      const name = c.contact.name || c.contact.email || gettext("A visitor");
      const title = frame.type === "conversation.transferred" ? gettext("Chat transferred to you") : gettext("New chat");
      this.notifier.alert({ title, body: frame.note ? `${name}: ${frame.note}` : name, tag: `chat-${c.id}`, onClick: () => this.select(c.id) });
    }
    this.refreshChat(c.id);
    if (c.id !== this.selected) return;
    if (frame.type === "conversation.updated") {
      // A new title: update the field unless the agent is typing in it (or anywhere in
      // the panel, which a reload would wipe).
      const input = document.getElementById("title-input");
      if (input && document.activeElement !== input) input.value = c.title;
    } else {
      const active = document.activeElement;
      const typing = active && document.getElementById("panel").contains(active)
        && (active.tagName === "TEXTAREA" || active.tagName === "INPUT");
      if (!typing) this._refreshPanel();
    }
  }

  _onTyping(frame) {
    const id = frame.conversation;
    if (frame.typing) this.previews.set(id, frame.preview ?? null);
    else this.previews.delete(id);
    this._renderRow(id);
    if (id === this.selected) this._renderSneakPeek();
  }

  _onPage(frame) {
    const chat = this.chats.get(frame.conversation);
    if (chat) chat.page = frame.page;
    if (frame.conversation !== this.selected) return;
    const box = document.querySelector('#panel [data-live="page"]');
    if (!box) return;
    const href = safeHref(frame.page.url);
    const label = frame.page.title || frame.page.url || "—";
    const link = href ? el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, label) : label;
    box.replaceChildren(link, el("br"), el("small", { class: "muted url" }, frame.page.url || ""));
    box.classList.remove("flash");
    void box.offsetWidth;
    box.classList.add("flash");
  }

  /** Every message the socket sees (live, ack or sync), once per id. */
  onMessage(message, source) {
    const id = message.conversation;
    const thread = this._thread(id);
    const isNew = !thread.messages.has(message.id);
    thread.messages.set(message.id, message);
    const chat = this.chats.get(id);
    const author = message.author?.type;
    if (chat && isNew && author === "visitor") {
      if (!chat.pending_ids.length) chat.waiting_since = message.created_at;
      if (!chat.pending_ids.includes(message.id)) chat.pending_ids.push(message.id);
      this.previews.delete(id);
    } else if (chat && author === "agent" && !message.internal) {
      chat.pending_ids = [];
      chat.waiting_since = null;
    }
    if (chat) chat.last_message_id = Math.max(chat.last_message_id || 0, message.id);
    if (id === this.selected) {
      this._renderMessage(message, { scroll: true });
      if (author === "visitor") this._renderSneakPeek();
      if (document.visibilityState === "visible") this._markRead(id);
    }
    if (chat && isNew && source !== "sync" && author === "visitor" && chat.section === "mine"
        && !(id === this.selected && document.visibilityState === "visible" && document.hasFocus())) {
      this.notifier.alert({ title: chat.name, body: message.body.slice(0, 140), tag: `chat-${id}`, onClick: () => this.select(id) });
    }
    if (!chat && isNew && source === "created" && author === "visitor") this.refreshChat(id);
    this._renderRow(id);
  }

  onSendStatus(clientId, state, info) {
    const node = document.querySelector(`#message-list [data-client-id="${CSS.escape(clientId)}"]`);
    if (state === "failed") {
      node?.classList.add("failed");
      node?.querySelector(".msg-state")?.replaceChildren(gettext("Not sent"));
      toast(info?.detail || gettext("The message was not sent."), { kind: "error" });
    }
  }

  _thread(id) {
    let thread = this.threads.get(id);
    if (!thread) {
      thread = { messages: new Map(), loaded: false, complete: false, loading: false };
      this.threads.set(id, thread);
    }
    return thread;
  }

  // --- the list ------------------------------------------------------------------------

  ordered() {
    const bySection = Object.fromEntries(SECTIONS.map((s) => [s, []]));
    for (const chat of this.chats.values()) (bySection[chat.section] ?? bySection.others).push(chat);
    for (const list of Object.values(bySection)) list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id));
    return bySection;
  }

  renderList() {
    const bySection = this.ordered();
    for (const section of SECTIONS) {
      const list = document.getElementById(`list-${section}`);
      if (!list) continue;
      const chats = bySection[section];
      chats.forEach((chat, index) => {
        const row = this._renderRow(chat.id);
        if (list.children[index] !== row) list.insertBefore(row, list.children[index] || null);
      });
      for (const child of [...list.children].slice(chats.length)) if (!chats.some((c) => this.rows.get(c.id) === child)) child.remove();
      const count = document.querySelector(`[data-count="${section}"]`);
      if (count) count.textContent = chats.length ? String(chats.length) : "";
      const empty = document.querySelector(`[data-empty="${section}"]`);
      if (empty) empty.hidden = chats.length > 0;
    }
    document.title = this._title();
  }

  _title() {
    const unread = [...this.chats.values()].filter((c) => c.section === "mine")
      .reduce((n, c) => n + unreadCount(c, this.lastRead[c.id] || 0), 0);
    const base = `${gettext("Chats")} · Comptoir`;
    return unread ? `(${unread}) ${base}` : base;
  }

  _renderRow(id) {
    const chat = this.chats.get(id);
    if (!chat) return null;
    let row = this.rows.get(id);
    if (!row) {
      const button = el("button", { type: "button", class: "chat-row", dataset: { id } },
        el("span", { class: "circle", "aria-hidden": "true" }),
        el("span", { class: "row-main" }, el("span", { class: "row-name" }), el("span", { class: "row-sub" })),
        el("span", { class: "row-side" }, el("span", { class: "unread" }), el("span", { class: "waited" })));
      button.addEventListener("click", () => this.select(id));
      row = el("li", { dataset: { id } }, button);
      this.rows.set(id, row);
    }
    const now = Date.now();
    const colour = waitingColour(chat, now, this.serverOffset);
    const waited = waitingSeconds(chat, now, this.serverOffset);
    const unread = id === this.selected ? 0 : unreadCount(chat, this.lastRead[id] || 0);
    const button = row.firstChild;
    button.dataset.colour = colour;
    button.dataset.status = chat.status;
    if (id === this.selected) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
    const circle = button.querySelector(".circle");
    circle.textContent = initials(chat.name);
    circle.dataset.colour = colour;
    button.querySelector(".row-name").textContent = chat.name;
    const preview = this.previews.has(id);
    const sub = preview ? gettext("typing…")
      : chat.contact.is_blocked ? gettext("Blocked")
      : [chat.title, chat.section === "others" && chat.assignee ? chat.assignee.name : ""].filter(Boolean).join(" · ")
        || chat.page?.title || "";
    const subNode = button.querySelector(".row-sub");
    subNode.textContent = sub;
    subNode.classList.toggle("typing", preview);
    const badge = button.querySelector(".unread");
    badge.textContent = unread ? String(unread) : "";
    badge.hidden = !unread;
    button.querySelector(".waited").textContent = waited === null ? "" : shortDuration(waited);
    const label = [chat.name, unread ? format(gettext("%(count)s unread"), { count: unread }) : "",
      colour === "red" || colour === "amber" ? format(gettext("waiting %(time)s"), { time: shortDuration(waited) }) : ""];
    button.setAttribute("aria-label", label.filter(Boolean).join(", "));
    return row;
  }

  tick() {
    for (const id of this.chats.keys()) this._renderRow(id);
    for (const node of document.querySelectorAll("#panel time[data-since]")) {
      const since = Date.parse(node.dataset.since);
      if (!Number.isNaN(since)) node.textContent = shortDuration((Date.now() + this.serverOffset - since) / 1000);
    }
  }

  // --- the open chat -------------------------------------------------------------------

  async select(id) {
    if (!this.chats.has(id)) return;
    const changed = id !== this.selected;
    this.selected = id;
    if (window.location.hash !== `#chat-${id}`) history.replaceState(null, "", `#chat-${id}`);
    document.getElementById("conversation").hidden = false;
    document.getElementById("no-conversation").hidden = true;
    document.getElementById("conversation").dataset.state = "open";
    this._renderHead();
    if (changed) {
      document.getElementById("message-list").replaceChildren();
      this._renderSneakPeek();
      this._refreshPanel();
      const input = document.getElementById("composer-input");
      input.value = "";
      this._closeMenu();
      this._clearFiles();
    }
    const thread = this._thread(id);
    if (!thread.loaded) await this._loadNewest(id);
    if (this.selected !== id) return;
    if (changed) this._renderThread(id);
    this._markRead(id);
    this.renderList();
    document.getElementById("composer-input").focus();
  }

  _renderHead() {
    const chat = this.chats.get(this.selected);
    if (!chat) return;
    document.getElementById("conversation-name").textContent = chat.name;
    document.getElementById("conversation-avatar").textContent = initials(chat.name);
    document.getElementById("conversation-title").textContent = chat.title || "";
    const meta = chat.section === "queue" ? gettext("In the queue")
      : chat.assignee && chat.assignee.id !== this.me.id ? format(gettext("With %(agent)s"), { agent: chat.assignee.name }) : "";
    document.getElementById("conversation-meta").textContent = meta;
    document.getElementById("conversation-blocked").hidden = !chat.contact.is_blocked;
    const canWrite = chat.assignee?.id === this.me.id || this.me.supervisor;
    const composer = document.getElementById("composer");
    composer.dataset.disabled = String(!canWrite);
    document.getElementById("composer-hint").textContent = canWrite
      ? gettext("Enter sends · Shift+Enter new line · # canned responses")
      : gettext("Take this chat to answer; internal notes stay possible.");
  }

  _chatGone(reason) {
    const conversation = document.getElementById("conversation");
    if (!conversation || conversation.hidden) return;
    conversation.dataset.state = reason || "gone";
    const notice = reason === "closed" ? gettext("This chat is closed.")
      : reason === "transferred" ? gettext("This chat was transferred; it is no longer yours.")
      : gettext("This chat is no longer in your list.");
    document.getElementById("composer-hint").textContent = notice;
    toast(notice);
  }

  _refreshPanel() {
    if (!this.selected || !window.htmx) return;
    window.htmx.ajax("GET", url(this.urls.panel, this.selected), { target: "#panel", swap: "innerHTML" });
  }

  async _loadNewest(id) {
    const thread = this._thread(id);
    if (thread.loading) return;
    thread.loading = true;
    try {
      const page = await fetchJson(url(this.urls.history, id));
      for (const m of page.messages) thread.messages.set(m.id, m);
      this.socket.remember(page.messages);
      thread.loaded = true;
      thread.complete = page.complete;
    } catch (error) {
      toast(error.message || gettext("Could not load the messages."), { kind: "error" });
    } finally {
      thread.loading = false;
    }
  }

  async loadOlder() {
    const id = this.selected;
    const thread = this._thread(id);
    if (!id || thread.complete || thread.loading || !thread.messages.size) return;
    thread.loading = true;
    const oldest = Math.min(...thread.messages.keys());
    const box = document.getElementById("messages");
    const fromBottom = box.scrollHeight - box.scrollTop;
    try {
      const page = await fetchJson(`${url(this.urls.history, id)}?before=${oldest}`);
      for (const m of page.messages) thread.messages.set(m.id, m);
      this.socket.remember(page.messages);
      thread.complete = page.complete;
      if (this.selected === id) {
        for (const m of page.messages) this._renderMessage(m, { scroll: false });
        box.scrollTop = box.scrollHeight - fromBottom;
      }
    } finally {
      thread.loading = false;
      this._renderOlderButton();
    }
  }

  _renderOlderButton() {
    const thread = this.threads.get(this.selected);
    document.getElementById("load-older").hidden = !thread || thread.complete;
  }

  _renderThread(id) {
    const thread = this._thread(id);
    const list = document.getElementById("message-list");
    list.replaceChildren();
    for (const key of [...thread.messages.keys()].sort((a, b) => a - b)) this._renderMessage(thread.messages.get(key), { scroll: false });
    this._renderOlderButton();
    const box = document.getElementById("messages");
    box.scrollTop = box.scrollHeight;
  }

  _messageNode(message) {
    const author = message.author?.type || "system";
    const name = author === "visitor" ? (this.chats.get(message.conversation)?.name || message.author.name || gettext("Visitor"))
      : author === "agent" ? message.author.name
      : author === "bot" ? gettext("Welcome message") : gettext("System");
    const node = el("li", {
      class: "msg",
      dataset: { id: message.id ?? "", author, internal: String(Boolean(message.internal)), clientId: message.client_id || "" },
    });
    const head = el("div", { class: "msg-head" },
      el("span", { class: "msg-author" }, name),
      message.internal ? el("span", { class: "msg-internal" }, gettext("Internal note")) : null,
      el("time", { class: "msg-time", datetime: message.created_at || "" }, message.created_at ? shortTime(message.created_at) : ""),
      message.id ? null : el("span", { class: "msg-state" }, gettext("Sending…")));
    const body = el("div", { class: "msg-body" }, message.body);
    node.append(head, body);
    if (message.attachments?.length) {
      node.append(el("ul", { class: "msg-files" }, ...message.attachments.map((a) =>
        el("li", {}, a.url ? el("a", { href: safeHref(a.url) || "#", target: "_blank", rel: "noopener" }, a.name) : a.name))));
    }
    return node;
  }

  _renderMessage(message, { scroll }) {
    const list = document.getElementById("message-list");
    const box = document.getElementById("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    if (message.id && list.querySelector(`[data-id="${message.id}"]`)) return;
    const node = this._messageNode(message);
    const pending = message.client_id && list.querySelector(`[data-client-id="${CSS.escape(message.client_id)}"]:not([data-id]), [data-client-id="${CSS.escape(message.client_id)}"][data-id=""]`);
    if (pending) {
      pending.replaceWith(node);
    } else if (!message.id) {
      list.append(node);
    } else {
      const after = [...list.children].find((child) => child.dataset.id && Number(child.dataset.id) > message.id);
      list.insertBefore(node, after || list.querySelector('[data-id=""]') || null);
    }
    if (scroll && (atBottom || message.author?.type === "agent")) box.scrollTop = box.scrollHeight;
  }

  _renderSneakPeek() {
    const box = document.getElementById("sneak-peek");
    const id = this.selected;
    if (!this.previews.has(id)) {
      box.hidden = true;
      return;
    }
    const preview = this.previews.get(id);
    box.querySelector(".sneak-text").textContent = preview || "";
    box.dataset.hasText = String(Boolean(preview));
    box.hidden = false;
    const messages = document.getElementById("messages");
    if (messages.scrollHeight - messages.scrollTop - messages.clientHeight < 120) messages.scrollTop = messages.scrollHeight;
  }

  // --- the message box -----------------------------------------------------------------

  setMode(mode) {
    this.mode = mode;
    for (const button of document.querySelectorAll("#composer [data-mode]")) {
      button.setAttribute("aria-pressed", String(button.dataset.mode === mode));
    }
    document.getElementById("composer").dataset.mode = mode;
    const input = document.getElementById("composer-input");
    input.placeholder = mode === "internal" ? gettext("Write an internal note (only agents see it)…")
      : gettext("Write a message… (# for canned responses)");
  }

  send(body = null) {
    const input = document.getElementById("composer-input");
    const text = (body ?? input.value).replace(/\s+$/, "");
    const id = this.selected;
    if (this.files.some((f) => f.state === "uploading")) {
      toast(gettext("Wait for the files to finish uploading."));
      return;
    }
    const ready = body === null ? this.files.filter((f) => f.state === "ready") : [];
    if (!id || (!text.trim() && !ready.length)) return;
    const internal = this.mode === "internal";
    const fields = { conversation: id, body: text, internal };
    if (ready.length) fields.attachments = ready.map((f) => f.id);
    const { clientId, acked } = this.socket.sendMessage(fields);
    this._renderMessage({ id: null, conversation: id, client_id: clientId, body: text, internal,
      author: { type: "agent", name: this.me.name }, created_at: new Date().toISOString(),
      attachments: ready.map((f) => ({ name: f.name, url: null })) }, { scroll: true });
    if (body === null) this._clearFiles();
    acked.catch(() => {});
    if (body === null) input.value = "";
    this._stopTyping();
    this._closeMenu();
  }

  async upload(fileList) {
    const id = this.selected;
    if (!id) return;
    for (const file of fileList) {
      const entry = { key: `${Date.now()}-${Math.random()}`, name: file.name, state: "uploading" };
      this.files.push(entry);
      this._renderFiles();
      const form = new FormData();
      form.append("file", file);
      try {
        const response = await fetch(url(this.urls.upload, id), {
          method: "POST", body: form, credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(data.detail || response.statusText);
        Object.assign(entry, { id: data.id, state: "ready" });
      } catch (error) {
        entry.state = "failed";
        toast(`${file.name}: ${error.message}`, { kind: "error" });
      }
      this._renderFiles();
    }
  }

  _renderFiles() {
    const list = document.getElementById("composer-files");
    list.replaceChildren(...this.files.map((f) => {
      const remove = el("button", { type: "button", "aria-label": format(gettext("Remove %(name)s"), { name: f.name }) }, "×");
      remove.addEventListener("click", () => { this.files = this.files.filter((x) => x !== f); this._renderFiles(); });
      return el("li", { dataset: { state: f.state } }, f.name, remove);
    }));
  }

  _clearFiles() {
    this.files = [];
    this._renderFiles();
  }

  _typing() {
    const id = this.selected;
    if (!id || this.mode === "internal") return;
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_EVERY_MS) {
      this.socket.sendFrame({ type: "typing", conversation: id, typing: true });
      this.typingSentAt = now;
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this._stopTyping(), TYPING_IDLE_MS);
  }

  _stopTyping() {
    clearTimeout(this.typingTimer);
    if (this.typingSentAt && this.selected) this.socket.sendFrame({ type: "typing", conversation: this.selected, typing: false });
    this.typingSentAt = 0;
  }

  /** Every canned response the agent may use, fetched once (all pages). */
  _cannedList() {
    this.canned ??= (async () => {
      const all = [];
      let next = `${this.urls.canned}?page_size=200`;
      while (next) {
        const page = await fetchJson(next);
        all.push(...page.results);
        next = page.next;
      }
      return all;
    })().catch(() => {
      this.canned = null;
      return [];
    });
    return this.canned;
  }

  async _updateMenu() {
    const input = document.getElementById("composer-input");
    const found = hashQueryAt(input.value, input.selectionStart);
    if (!found) return this._closeMenu();
    const chat = this.chats.get(this.selected);
    const languages = [chat?.language?.slice(0, 2), this.me.language, document.documentElement.lang].filter(Boolean);
    const items = matchCanned(await this._cannedList(), found.query, { languages }).slice(0, 8);
    // The text may have changed while the list was fetched.
    const again = hashQueryAt(input.value, input.selectionStart);
    if (!again || again.query !== found.query) return undefined;
    this.menu = { items, index: 0, found };
    const menu = document.getElementById("canned-menu");
    if (!items.length) {
      menu.replaceChildren(el("li", { class: "muted" }, gettext("No canned response matches.")));
      menu.hidden = false;
      return undefined;
    }
    menu.replaceChildren(...items.map((item, index) => {
      const option = el("li", { role: "option", id: `canned-${item.id}`, dataset: { index }, "aria-selected": String(index === 0) },
        el("strong", {}, `#${item.shortcut}`), " ", el("span", { class: "muted" }, item.title),
        item.language ? el("small", { class: "lang" }, item.language) : null,
        el("div", { class: "canned-body" }, this._filled(item)));
      option.addEventListener("mousedown", (event) => { event.preventDefault(); this.menu.index = index; this._insertCanned(); });
      return option;
    }));
    menu.hidden = false;
    input.setAttribute("aria-activedescendant", `canned-${items[0].id}`);
    return undefined;
  }

  _filled(item) {
    const chat = this.chats.get(this.selected);
    const visitorName = chat?.contact?.name || "";
    return fillPlaceholders(item.body, { visitorName, agentName: this.me.name });
  }

  _moveMenu(step) {
    const { items } = this.menu;
    if (!items.length) return;
    this.menu.index = (this.menu.index + step + items.length) % items.length;
    const options = document.querySelectorAll("#canned-menu [role=option]");
    options.forEach((option, index) => option.setAttribute("aria-selected", String(index === this.menu.index)));
    options[this.menu.index]?.scrollIntoView({ block: "nearest" });
    document.getElementById("composer-input").setAttribute("aria-activedescendant", options[this.menu.index]?.id || "");
  }

  _insertCanned({ send = false } = {}) {
    const item = this.menu.items[this.menu.index];
    if (!item) return;
    const input = document.getElementById("composer-input");
    const text = this._filled(item);
    const { text: next, caret } = spliceAt(input.value, this.menu.found, text);
    this._closeMenu();
    if (send) {
      this.send(next);
      input.value = "";
      return;
    }
    input.value = next;
    input.setSelectionRange(caret, caret);
    input.focus();
  }

  _closeMenu() {
    const menu = document.getElementById("canned-menu");
    if (menu) menu.hidden = true;
    this.menu = { items: [], index: 0, found: null };
    document.getElementById("composer-input")?.removeAttribute("aria-activedescendant");
  }

  _onKey(event) {
    const menuOpen = !document.getElementById("canned-menu").hidden && this.menu.items.length > 0;
    const enter = event.key === "Enter" && !event.isComposing;
    if (menuOpen) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        this._moveMenu(event.key === "ArrowDown" ? 1 : -1);
        return;
      }
      if (enter && (event.ctrlKey || event.metaKey || event.altKey)) {
        event.preventDefault();
        this._insertCanned({ send: true });
        return;
      }
      if (event.key === "Tab" || (enter && !event.shiftKey)) {
        event.preventDefault();
        this._insertCanned();
        return;
      }
    }
    if (event.key === "Escape") {
      this._closeMenu();
      return;
    }
    if (enter && !event.shiftKey) {
      event.preventDefault();
      this.send();
    }
  }

  // --- wiring --------------------------------------------------------------------------

  _bind() {
    const input = document.getElementById("composer-input");
    document.getElementById("composer").addEventListener("submit", (event) => { event.preventDefault(); this.send(); });
    input.addEventListener("keydown", (event) => this._onKey(event));
    input.addEventListener("input", () => { this._typing(); this._updateMenu(); });
    input.addEventListener("click", () => this._updateMenu());
    input.addEventListener("blur", () => setTimeout(() => this._closeMenu(), 150));
    for (const button of document.querySelectorAll("#composer [data-mode]")) {
      button.addEventListener("click", () => { this.setMode(button.dataset.mode); input.focus(); });
    }
    const fileInput = document.getElementById("composer-file");
    fileInput.addEventListener("change", () => { this.upload([...fileInput.files]); fileInput.value = ""; });
    document.getElementById("load-older").addEventListener("click", () => this.loadOlder());
    document.getElementById("messages").addEventListener("scroll", (event) => {
      if (event.target.scrollTop < 40) this.loadOlder();
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.selected) { this._markRead(this.selected); this.renderList(); }
    });
    window.addEventListener("focus", () => { if (this.selected) { this._markRead(this.selected); this.renderList(); } });
    document.addEventListener("keydown", (event) => this._shortcut(event));
    document.body.addEventListener("contact-changed", () => { if (this.selected) this.refreshChat(this.selected); });
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.target.id === "title-form" || event.target.closest?.("#panel")) {
        const value = document.getElementById("title-input")?.value;
        const chat = this.chats.get(this.selected);
        if (chat && value !== undefined && event.detail?.requestConfig?.verb === "post" && event.detail.pathInfo?.requestPath?.includes("/title/")) {
          chat.title = value;
          this._renderHead();
          this._renderRow(chat.id);
        }
      }
    });
  }

  _shortcut(event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const flat = Object.values(this.ordered()).flat();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!flat.length) return;
      event.preventDefault();
      const at = flat.findIndex((c) => c.id === this.selected);
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = at === -1 ? (step === 1 ? 0 : flat.length - 1) : (at + step + flat.length) % flat.length;
      this.select(flat[next].id);
    } else if (/^Digit[1-9]$/.test(event.code)) {
      const chat = flat[Number(event.code.slice(5)) - 1];
      if (chat) { event.preventDefault(); this.select(chat.id); }
    } else if (event.code === "KeyN") {
      event.preventDefault();
      this.setMode(this.mode === "public" ? "internal" : "public");
      document.getElementById("composer-input").focus();
    }
  }
}
