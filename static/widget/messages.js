/**
 * The conversation log of the widget's frame: messages in id order, the visitor's own
 * unsent messages at the end with their state (sending, sent, failed with retry).
 * Every text is inserted as text (linkify builds anchors with textContent).
 * @module widget/messages
 */
import { el, format, formatSize, linkify } from "./dom.js";

export class MessageList {
  /**
   * @param {HTMLElement} log The role=log element.
   * @param {object} options {strings, language, botName, onRetry(clientId), onDownload(attachment),
   *   onPreview(attachment) → Promise<string|null> (an object URL for an image)}
   */
  constructor(log, options) {
    this.log = log;
    this.options = options;
    this.byId = new Map();
    this.byClient = new Map();
  }

  get size() {
    return this.byId.size + this.byClient.size;
  }

  /** A message object from the server (ack, created or sync), once per id. */
  add(message) {
    if (this.byId.has(message.id)) return this.byId.get(message.id);
    let node = message.client_id ? this.byClient.get(message.client_id) : undefined;
    if (node) {
      this.byClient.delete(message.client_id);
      node.remove();
      node.querySelector(".meta").replaceChildren(...this._time(message));
      this._state(node, "sent");
    } else {
      node = this._render(message);
    }
    node.dataset.id = String(message.id);
    this.byId.set(message.id, node);
    this._place(node, message.id);
    return node;
  }

  /** The visitor's message before the server has it. */
  addPending(clientId, body, attachments = []) {
    if (this.byClient.has(clientId)) return;
    const node = this._render({ author: { type: "visitor" }, body, attachments, created_at: null });
    node.dataset.client = clientId;
    this.byClient.set(clientId, node);
    this._state(node, "sending");
    this.log.append(node);
    this._scroll();
  }

  /** Called by the socket client's onStatus. */
  setState(clientId, state, info) {
    const node = this.byClient.get(clientId);
    if (node && state !== "sent") this._state(node, state, info);
  }

  /** A line between two chats, e.g. "The chat has ended." */
  separator(text) {
    this.log.append(el("p", { className: "separator" }, text));
    this._scroll();
  }

  _render(message) {
    const { strings } = this.options;
    const author = message.author || {};
    const mine = author.type === "visitor";
    const kind = mine ? "mine" : author.type === "agent" ? "agent" : author.type === "bot" ? "bot" : "system";
    const node = el("div", { className: `msg ${kind}` });
    const name = mine ? strings.you : author.name || (kind === "agent" ? strings.agent : kind === "bot" ? this.options.botName : "");
    if (kind === "agent" || kind === "bot") {
      const photo = author.avatar_url ? el("img", { src: author.avatar_url, alt: "", width: 20, height: 20 }) : null;
      node.append(el("div", { className: "author" }, photo, name));
    } else if (name) {
      node.append(el("span", { className: "sr-only" }, `${name}: `));
    }
    if (message.body) node.append(el("div", { className: "bubble" }, linkify(message.body)));
    if (message.attachments?.length) {
      const files = el("div", { className: "files" });
      for (const attachment of message.attachments) files.append(this._file(attachment));
      node.append(files);
    }
    node.append(el("p", { className: "meta" }, ...this._time(message)));
    return node;
  }

  _time(message) {
    if (!message.created_at) return [];
    const time = new Date(message.created_at);
    const text = time.toLocaleTimeString(this.options.language, { hour: "2-digit", minute: "2-digit" });
    return [el("time", { dateTime: message.created_at, textContent: text })];
  }

  _file(attachment) {
    const { strings, language, onDownload, onPreview } = this.options;
    const size = formatSize(attachment.size, language);
    const label = format(strings.download, { name: attachment.name, size });
    const button = el("button", { type: "button", className: "file-link", "aria-label": label },
      `${attachment.name} (${size})`);
    button.addEventListener("click", () => onDownload(attachment));
    if (attachment.id && /^image\/(png|jpeg|gif|webp)$/.test(attachment.content_type)) {
      onPreview(attachment).then((url) => {
        if (url) button.prepend(el("img", { src: url, alt: "" }));
      });
    }
    return button;
  }

  _state(node, state, info) {
    const { strings, onRetry } = this.options;
    const meta = node.querySelector(".meta");
    meta.querySelector(".state")?.remove();
    meta.classList.toggle("failed", state === "failed");
    const text = state === "sending" ? strings.sending : state === "sent" ? strings.sent : strings.failed;
    const holder = el("span", { className: "state" }, meta.childNodes.length ? ` · ${text}` : text);
    if (state === "failed") {
      if (info?.detail) holder.title = info.detail;
      const retry = el("button", { type: "button", className: "link-button" }, strings.retry);
      retry.addEventListener("click", () => onRetry(node.dataset.client));
      holder.append(" ", retry);
    }
    meta.append(holder);
  }

  /** Sent messages go in id order; unsent ones stay last. */
  _place(node, id) {
    let before = null;
    for (const child of this.log.children) {
      if (child === node) continue;
      const other = child.dataset.id ? Number(child.dataset.id) : child.dataset.client ? Infinity : null;
      if (other !== null && other > id) {
        before = child;
        break;
      }
    }
    this.log.insertBefore(node, before);
    this._scroll();
  }

  _scroll() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
