/**
 * Entry point of every workspace page (chats and tickets). Keeps one agent socket open,
 * so the agent stays online on any page, and runs the header: the accepting / not
 * accepting toggle (A1), the connection indicator, notifications and sound (A12). On the
 * chats page it starts the chats screen.
 * @module dashboard/app
 */

import { ComptoirSocket } from "../comptoir/socket-client.js";
import { ChatsView } from "./chats.js";
import { fetchJson, gettext, toast } from "./dom.js";
import { Notifier } from "./notify.js";

class Workspace {
  constructor(boot) {
    this.boot = boot;
    this.me = boot.state?.me ?? boot.me;
    this.statusButton = document.getElementById("status-toggle");
    this.connection = document.getElementById("connection");
    this.opened = 0;
    this.notifier = new Notifier({
      notifyButton: document.getElementById("notify-toggle"),
      soundButton: document.getElementById("sound-toggle"),
      gettext,
    });
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    this.socket = new ComptoirSocket({
      mode: "agent",
      url: () => `${scheme}://${window.location.host}${boot.urls.socket}`,
      conversations: () => this.chats?.syncIds() ?? [],
      onMessage: (message, source) => this.chats?.onMessage(message, source),
      onFrame: (frame) => this.onFrame(frame),
      onStateChange: (state) => this.onConnection(state),
      onStatus: (clientId, state, info) => this.chats?.onSendStatus(clientId, state, info),
    });
    if (document.getElementById("chats") && boot.state) {
      this.chats = new ChatsView({ workspace: this, socket: this.socket, boot, notifier: this.notifier });
    }
    this.bind();
    this.socket.connect();
  }

  bind() {
    this.statusButton?.addEventListener("click", () => {
      this.setStatus(this.statusButton.dataset.status === "accepting" ? "not_accepting" : "accepting");
    });
    document.getElementById("start-accepting")?.addEventListener("click", () => this.setStatus("accepting"));
    const help = document.getElementById("shortcuts");
    const helpButton = document.getElementById("shortcuts-toggle");
    helpButton?.addEventListener("click", () => {
      help.hidden = !help.hidden;
      helpButton.setAttribute("aria-expanded", String(!help.hidden));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && help && !help.hidden) {
        help.hidden = true;
        helpButton.setAttribute("aria-expanded", "false");
      }
    });
    document.addEventListener("click", (event) => {
      const target = event.target.closest?.("[data-action]");
      if (!target) return;
      if (target.dataset.action === "create-ticket") this.createTicket(target);
      if (target.dataset.action === "clear-action-area") document.getElementById("action-area")?.replaceChildren();
    });
  }

  setStatus(status) {
    if (!this.socket.sendFrame({ type: "status.set", status })) {
      toast(gettext("Not connected: your status will change once the connection is back."), { kind: "error" });
    }
  }

  showStatus(status) {
    if (!this.statusButton) return;
    this.statusButton.dataset.status = status;
    this.statusButton.setAttribute("aria-pressed", String(status === "accepting"));
    const banner = document.getElementById("not-accepting");
    if (banner) banner.hidden = status === "accepting";
    if (this.me) this.me.status = status;
  }

  onConnection(state) {
    if (this.connection) this.connection.dataset.state = state;
    if (state === "open") {
      // After a reconnect the list may have changed while the socket was down.
      if (this.opened++ > 0) this.chats?.refresh();
    }
    if (state === "refused") window.location.reload();
  }

  onFrame(frame) {
    if (frame.type === "agent.status") {
      if (!this.me || frame.agent === this.me.id) this.showStatus(frame.status);
      return;
    }
    if (frame.type === "error") {
      toast(frame.detail || frame.code, { kind: "error" });
      return;
    }
    this.chats?.onFrame(frame);
  }

  async createTicket(button) {
    button.disabled = true;
    try {
      const ticket = await fetchJson(button.dataset.url, { method: "POST", body: {} });
      const href = ticket.id ? this.boot.urls.ticket.replace("/0/", `/${ticket.id}/`) : null;
      const text = gettext("Ticket created.");
      const area = document.getElementById("action-area");
      if (area) {
        const p = document.createElement("p");
        p.className = "result ok";
        p.setAttribute("role", "status");
        p.append(text, " ");
        if (href) {
          const a = document.createElement("a");
          a.href = href;
          a.textContent = `#${ticket.id} ${ticket.title ?? ""}`.trim();
          p.append(a);
        }
        area.replaceChildren(p);
      } else {
        toast(text);
      }
    } catch (error) {
      toast(error.message || gettext("The ticket could not be created."), { kind: "error" });
    } finally {
      button.disabled = false;
    }
  }
}

const bootNode = document.getElementById("boot");
if (bootNode) window.comptoir = new Workspace(JSON.parse(bootNode.textContent));
