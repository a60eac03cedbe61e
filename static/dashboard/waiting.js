/**
 * How long a visitor has been waiting for an answer, and the circle's colour for it (A2).
 * Pure functions, so that Node's test runner checks them without a browser.
 * @module dashboard/waiting
 */

/** Seconds the visitor has waited, or null when the agent spoke last.
 * `serverOffsetMs` is (server clock − browser clock), so a skewed laptop clock does not
 * paint every circle red. */
export function waitingSeconds(chat, nowMs = Date.now(), serverOffsetMs = 0) {
  if (!chat.waiting_since) return null;
  const since = Date.parse(chat.waiting_since);
  if (Number.isNaN(since)) return null;
  return Math.max(0, (nowMs + serverOffsetMs - since) / 1000);
}

/** "idle" (nobody waits), "green", "amber" or "red", with the team's thresholds
 * (30 s and 60 s unless the team says otherwise). */
export function waitingColour(chat, nowMs = Date.now(), serverOffsetMs = 0) {
  if (chat.contact?.is_blocked) return "blocked";
  const waited = waitingSeconds(chat, nowMs, serverOffsetMs);
  if (waited === null) return "idle";
  const amber = chat.team?.amber_after_s ?? 30;
  const red = chat.team?.red_after_s ?? 60;
  if (waited >= red) return "red";
  if (waited >= amber) return "amber";
  return "green";
}

/** "12 s", "3 min", "2 h": short enough for a list row. */
export function shortDuration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}

/** Unread messages: the visitor's unanswered messages the agent has not looked at. */
export function unreadCount(chat, lastReadId = 0) {
  return (chat.pending_ids || []).filter((id) => id > lastReadId).length;
}

/** Initials for a circle: "Ann Lee" → "AL", "Amber Otter" → "AO", "" → "?". */
export function initials(name) {
  const words = String(name || "").trim().split(/\s+/).filter(Boolean);
  if (!words.length) return "?";
  const letters = words.length === 1 ? [...words[0]].slice(0, 2) : [[...words[0]][0], [...words[words.length - 1]][0]];
  return letters.join("").toUpperCase();
}
