/**
 * DOM helpers of the widget's frame. Text always goes in through textContent or text
 * nodes: no string from the server, an agent or a visitor is ever parsed as HTML.
 * @module widget/dom
 */

/** `el("p", {className: "x", hidden: true}, "text", child)`: properties, then children. */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (name.startsWith("aria-") || name.startsWith("data-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) {
    if (child != null && child !== false) node.append(child);
  }
  return node;
}

/** "%(name)s is typing…" with {name: "Alice"}. */
export function format(template, params) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
}

// Web addresses, up to a space or a character that never ends one; the trailing
// punctuation of the sentence is given back below.
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"»]+$/;

/** The text with its web addresses as links, as a fragment of text nodes and anchors. */
export function linkify(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let address = match[0];
    const trail = address.match(TRAILING);
    if (trail) address = address.slice(0, -trail[0].length);
    const href = safeHref(address.startsWith("www.") ? `https://${address}` : address);
    if (!href) continue;
    fragment.append(text.slice(last, match.index));
    fragment.append(el("a", { href, textContent: address, target: "_blank", rel: "noopener noreferrer nofollow" }));
    last = match.index + address.length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function safeHref(address) {
  try {
    const url = new URL(address);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function formatSize(bytes, language) {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit && value < 10 ? 1 : 0;
  return `${value.toLocaleString(language, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex) {
  const rgb = hex.length === 4 ? [...hex.slice(1)].map((c) => parseInt(c + c, 16))
    : [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? "#111827" : "#fff";
}
