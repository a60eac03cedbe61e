/* Comptoir's widget loader, served as /widget.js:
 *   <script src="https://HOST/widget.js" data-widget="KEY" async></script>
 * It draws the launcher in a shadow root (host CSS cannot restyle it) and opens the chat
 * in an iframe on Comptoir's origin (host scripts cannot read it; its socket is
 * same-origin). The two talk through postMessage, each checking the other's origin.
 * The visitor token lives here, in the host site's localStorage: storage inside the
 * iframe is third-party and browsers partition or block it.
 * Budget: 5 KB gzipped (bench/widget_weight.py). No dependencies, no build step. */
(function () {
  "use strict";
  var script = document.currentScript;
  var key = script && script.getAttribute("data-widget");
  if (!key || document.querySelector('comptoir-widget[data-key="' + CSS.escape(key) + '"]')) return;
  var base = new URL(script.src, location.href).origin;
  var prefix = "comptoir:" + key + ":";
  var SVG = "http://www.w3.org/2000/svg";
  var CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";
  var CLOSE = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z";
  var CSS_TEXT =
    ":host{all:initial!important;display:block!important;position:static!important}" +
    "[hidden]{display:none!important}" +
    ".launcher{all:initial;position:fixed;bottom:20px;z-index:2147483000;box-sizing:border-box;" +
    "width:56px;height:56px;border-radius:50%;display:grid;place-items:center;cursor:pointer;" +
    "background:var(--c);color:var(--o);box-shadow:0 4px 14px rgba(0,0,0,.3)}" +
    ".launcher:focus-visible{outline:3px solid #111827;outline-offset:3px}" +
    ".launcher svg{width:28px;height:28px;fill:currentColor}" +
    ".badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;" +
    "box-sizing:border-box;border-radius:10px;background:#b91c1c;color:#fff;" +
    "font:600 12px/20px system-ui,sans-serif;text-align:center}" +
    ".panel{position:fixed;bottom:88px;z-index:2147483001;width:370px;" +
    "height:min(600px,calc(100vh - 108px));border-radius:14px;overflow:hidden;background:#fff;" +
    "box-shadow:0 10px 40px rgba(0,0,0,.25)}" +
    ".panel iframe{display:block;width:100%;height:100%;border:0}" +
    ".left{left:20px}.right{right:20px}" +
    "@media (max-width:480px){.panel{inset:0;width:auto;height:auto;border-radius:0}}";

  function store(name, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(prefix + name));
      if (value === null) localStorage.removeItem(prefix + name);
      else localStorage.setItem(prefix + name, JSON.stringify(value));
    } catch (e) { /* storage blocked: the chat lasts as long as the page */ }
    return null;
  }
  function session(name, value) {
    try {
      if (value === undefined) return sessionStorage.getItem(prefix + name);
      sessionStorage.setItem(prefix + name, value);
    } catch (e) { /* as above */ }
    return null;
  }
  function make(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }
  function icon(path) {
    var svg = document.createElementNS(SVG, "svg");
    var shape = document.createElementNS(SVG, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    shape.setAttribute("d", path);
    svg.appendChild(shape);
    return svg;
  }
  // Black or white, whichever contrasts more with the widget's colour.
  function onColor(hex) {
    var n = hex.length === 4 ? hex.replace(/\w/g, "$&$&").slice(1) : hex.slice(1);
    var l = [0, 2, 4].map(function (i) {
      var c = parseInt(n.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    l = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? "#111827" : "#fff";
  }
  function pageInfo() {
    return { url: location.href, title: document.title, referrer: document.referrer };
  }
  // Target pages (W13): "/shop/*" is matched against the path, a pattern with "://"
  // against the whole address; "*" stands for anything.
  function onTarget(patterns) {
    if (!patterns || !patterns.length) return true;
    return patterns.some(function (pattern) {
      var subject = pattern.indexOf("://") > 0 ? location.href : location.pathname;
      var re = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
      return new RegExp("^" + re + "$").test(subject);
    });
  }

  function start(config) {
    var strings = config.strings;
    var color = /^#([0-9a-f]{3}){1,2}$/i.test(config.color) ? config.color : "#2563eb";
    var side = config.position === "left" ? " left" : " right";
    var host = make("comptoir-widget");
    var root = host.attachShadow({ mode: "open" });
    var launcher = make("button", "launcher" + side);
    var badge = make("span", "badge");
    var panel = make("div", "panel" + side);
    var frame = null;
    var isOpen = false;
    var unread = 0;
    var lastUrl = location.href;

    host.setAttribute("data-key", key);
    host.style.setProperty("--c", color);
    host.style.setProperty("--o", onColor(color));
    if (root.adoptedStyleSheets && window.CSSStyleSheet) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS_TEXT);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(make("style")).textContent = CSS_TEXT;
    }
    launcher.type = "button";
    launcher.setAttribute("aria-controls", "comptoir-panel");
    panel.id = "comptoir-panel";
    panel.hidden = true;
    badge.hidden = true;
    badge.setAttribute("aria-hidden", "true");
    root.appendChild(launcher);
    root.appendChild(panel);

    function drawLauncher() {
      var label = isOpen ? strings.close : strings.open;
      if (unread) label += " (" + (unread === 1 ? strings.unread_one : strings.unread.replace("%(count)s", unread)) + ")";
      launcher.setAttribute("aria-label", label);
      launcher.setAttribute("aria-expanded", String(isOpen));
      launcher.replaceChildren(icon(isOpen ? CLOSE : CHAT), badge);
      badge.textContent = String(unread);
      badge.hidden = !unread || isOpen;
    }
    var ready = false;
    function post(message) {
      message.comptoir = 1;
      // Before "ready" the iframe may still hold about:blank; init carries the state then.
      if (ready) frame.contentWindow.postMessage(message, base);
    }
    function ensureFrame() {
      if (frame) return;
      frame = make("iframe");
      frame.title = strings.frame;
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups " +
        "allow-popups-to-escape-sandbox allow-downloads");
      frame.src = base + "/widget/frame/?widget=" + encodeURIComponent(key) + "&lang=" +
        encodeURIComponent(config.language) + "&origin=" + encodeURIComponent(location.origin);
      panel.appendChild(frame);
    }
    function open(restoring) {
      ensureFrame();
      isOpen = true;
      unread = 0;
      panel.hidden = false;
      session("open", "1");
      drawLauncher();
      if (restoring !== true) frame.focus();
      post({ type: "open", focus: restoring !== true });
    }
    function close() {
      isOpen = false;
      panel.hidden = true;
      session("open", "");
      drawLauncher();
      post({ type: "close" });
      launcher.focus();
    }
    function place() {
      host.hidden = !onTarget(config.target_patterns);
      if (host.hidden && isOpen) close();
    }

    launcher.addEventListener("click", function () { if (isOpen) close(); else open(); });
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (!frame || event.source !== frame.contentWindow || event.origin !== base) return;
      if (!data || data.comptoir !== 1) return;
      if (data.type === "ready") {
        ready = true;
        post({ type: "init", token: store("token"), pending: store("pending") || [],
          page: pageInfo(), open: isOpen });
      } else if (data.type === "token" && typeof data.token === "string") {
        store("token", data.token);
      } else if (data.type === "pending" && Array.isArray(data.items)) {
        store("pending", data.items.length ? data.items : null);
      } else if (data.type === "close") {
        close();
      } else if (data.type === "invite") {
        // An agent invited the visitor to chat (A10): show the chat, without taking focus.
        if (!isOpen && !host.hidden) open(true);
      } else if (data.type === "unread" && typeof data.count === "number") {
        unread = isOpen ? 0 : data.count;
        drawLauncher();
      }
    });
    // Single-page sites change the address without loading a page: watch it.
    setInterval(function () {
      if (location.href === lastUrl) return;
      lastUrl = location.href;
      place();
      post({ type: "page", page: pageInfo() });
    }, 1000);

    drawLauncher();
    place();
    (document.body || document.documentElement).appendChild(host);
    // The chat connects at once, hidden: continuity, unread messages, page tracking, and
    // agents see the visitor in Live visitors and may invite them (A10).
    ensureFrame();
    if (session("open") === "1" && !host.hidden) open(true);
  }

  function load() {
    var language = navigator.language || "";
    fetch(base + "/api/widget/v1/config?widget=" + encodeURIComponent(key) +
      "&language=" + encodeURIComponent(language), { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("Comptoir widget: " + response.status);
        return response.json();
      })
      .then(start)
      .catch(function (error) { if (window.console) console.warn(error); });
  }
  if (document.body) load();
  else document.addEventListener("DOMContentLoaded", load);
})();
