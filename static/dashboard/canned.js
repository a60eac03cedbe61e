/**
 * Canned responses in the message box (A4, B1): find the `#word` being typed, match
 * responses by shortcut and title, fill their placeholders. Pure functions (tested in Node).
 * @module dashboard/canned
 */

/** The `#word` that ends at the caret, or null: `{start, end, query}` where start is the
 * index of "#". A "#" only counts at the start of the text or after white space, so
 * "order #12" in the middle of a word does not open the menu. */
export function hashQueryAt(text, caret) {
  const before = text.slice(0, caret);
  const match = /(^|\s)#([\p{L}\p{N}_-]*)$/u.exec(before);
  if (!match) return null;
  const start = caret - match[2].length - 1;
  return { start, end: caret, query: match[2] };
}

/** Responses whose shortcut or title matches `query`, best first: exact shortcut, then
 * shortcut prefix, then shortcut or title containing it. Among equals, the visitor's
 * language first, then the agent's. */
export function matchCanned(responses, query, { languages = [] } = {}) {
  const q = String(query || "").toLowerCase();
  const languageRank = (r) => {
    const i = languages.indexOf(r.language);
    return i === -1 ? languages.length : i;
  };
  const scored = [];
  for (const r of responses) {
    const shortcut = r.shortcut.toLowerCase();
    const title = (r.title || "").toLowerCase();
    let score;
    if (shortcut === q) score = 0;
    else if (shortcut.startsWith(q)) score = 1;
    else if (shortcut.includes(q) || title.includes(q)) score = 2;
    else continue;
    scored.push([score, languageRank(r), shortcut, r]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  return scored.map((s) => s[3]);
}

const PLACEHOLDER = /(\s?)\{\{\s*(visitor|agent)\.name\s*\}\}/g;

/** The body with `{{ visitor.name }}` and `{{ agent.name }}` filled in. An unknown visitor
 * name is left out together with the space before it ("Hello {{ visitor.name }}," →
 * "Hello,"). */
export function fillPlaceholders(body, { visitorName = "", agentName = "" } = {}) {
  return String(body).replace(PLACEHOLDER, (_m, space, who) => {
    const value = who === "visitor" ? visitorName : agentName;
    return value ? `${space}${value}` : "";
  });
}

/** Replace the `#query` at `found` with `insert`; returns {text, caret}. */
export function spliceAt(text, found, insert) {
  const next = text.slice(0, found.start) + insert + text.slice(found.end);
  return { text: next, caret: found.start + insert.length };
}
