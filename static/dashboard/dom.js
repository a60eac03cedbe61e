/**
 * Small DOM helpers. Everything a visitor or contact wrote goes into the page as text
 * (textContent), never as HTML; links are made only from http(s) URLs.
 * @module dashboard/dom
 */

export const gettext = (s) => (window.gettext ? window.gettext(s) : s);
export const ngettext = (one, many, n) => (window.ngettext ? window.ngettext(one, many, n) : n === 1 ? one : many);
/** "%(name)s waits" with {name: "Ann"}: Django's interpolate() with named values. */
export const format = (fmt, values) =>
  window.interpolate ? window.interpolate(fmt, values, true)
    : fmt.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key] ?? ""));

/** `el("li", {class: "x", dataset: {id: 3}}, "text", child)`: children are text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The URL if it is http(s), else null: visitor-supplied URLs never become javascript: links. */
export function safeHref(url) {
  if (typeof url !== "string") return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

export async function fetchJson(url, { method = "GET", body } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(method !== "GET" ? { "X-CSRFToken": csrfToken() } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.detail || response.statusText), { status: response.status, data });
  return data;
}

/** A short message in the corner; `kind` is "info", "ok" or "error". Returns the node. */
export function toast(text, { kind = "info", link = null, timeout = 6000 } = {}) {
  const box = document.getElementById("toasts");
  if (!box) return null;
  const node = el("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
  if (link) node.append(" ", el("a", { href: link.href }, link.text));
  box.append(node);
  if (timeout) setTimeout(() => node.remove(), timeout);
  return node;
}

/** "14:05" today, "23/11 14:05" on another day, in the browser's locale. */
export function shortTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const lang = document.documentElement.lang || undefined;
  const time = date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return time;
  return `${date.toLocaleDateString(lang, { day: "2-digit", month: "2-digit" })} ${time}`;
}
