"""Quoted history in customer emails: found so that the timeline shows only the new text,
while the whole email is kept (``TicketEvent.body``; the display length goes in
``data["display_chars"]``).

Only a trailing part is ever cut, so the displayed text is always a prefix of the stored
one: an answer written between quoted lines (bottom or inline posting) is kept whole."""

import re

# Lines that start a quoted history, in the languages the desk speaks and the formats of
# the common mail clients.
_STARTS = [
    re.compile(r"^\s*##-.*-##\s*$"),  # the marker above which answers go (outbound.py)
    re.compile(
        r"^\s*-{2,}\s*(original message|message d'origine|message original)\s*-{2,}\s*$", re.I
    ),
    re.compile(r"^\s*-{2,}\s*(forwarded message|message transféré)\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above the quoted headers
]
# "On <date>, <name> wrote:" (possibly wrapped over two lines), "Le <date>, <nom> a écrit :".
_ATTRIBUTION = re.compile(r"^\s*(on\b.*|le\b.*|am\b.*)$", re.I)
_ATTRIBUTION_END = re.compile(r"(wrote|a écrit|schrieb)\s*:\s*$", re.I)
# Outlook's quoted header block: "From: …" followed by "Sent:"/"To:"/"Subject:" lines.
_HEADER = re.compile(r"^\s*\*?(from|de)\s*\*?\s*:", re.I)
_HEADER_NEXT = re.compile(r"^\s*\*?(sent|date|to|subject|envoyé|à|objet|cc)\s*\*?\s*:", re.I)


def _offsets(lines: list[str]) -> list[int]:
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line)
    return offsets


def _is_start(lines: list[str], index: int) -> bool:
    line = lines[index].rstrip("\r\n")
    if any(pattern.match(line) for pattern in _STARTS):
        return True
    if _ATTRIBUTION.match(line):
        joined = line + " " + (lines[index + 1].strip() if index + 1 < len(lines) else "")
        if _ATTRIBUTION_END.search(line) or (
            index + 1 < len(lines) and _ATTRIBUTION_END.search(joined)
        ):
            return True
    if _HEADER.match(line):
        following = [lines[i] for i in range(index + 1, min(index + 5, len(lines)))]
        return sum(bool(_HEADER_NEXT.match(f)) for f in following) >= 2
    return False


def _trailing_quote_start(lines: list[str]) -> int | None:
    """The first line of a run of ``>`` lines (and blank lines) that lasts to the end."""
    start = None
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped.startswith(">"):
            start = index
        elif stripped:
            break
    return start


def display_length(text: str) -> int | None:
    """How many characters of ``text`` to show, or None to show it all."""
    lines = text.splitlines(keepends=True)
    offsets = _offsets(lines)
    cut = None
    for index in range(len(lines)):
        if _is_start(lines, index):
            cut = index
            break
    trailing = _trailing_quote_start(lines)
    if trailing is not None and (cut is None or trailing < cut):
        cut = trailing
    if cut is None:
        return None
    length = len(text[: offsets[cut]].rstrip())
    # Nothing left above the quote (an answer written below it): show everything.
    return length if length > 0 else None
