"""Signatures of webhook deliveries (I2).

A delivery carries ``X-Comptoir-Timestamp: T`` (Unix seconds) and
``X-Comptoir-Signature: sha256=HEX`` where HEX is the HMAC-SHA256, keyed with the
subscription's secret, of the bytes ``T + "." + body``. Signing the timestamp with the body
lets receivers refuse replays of old deliveries. :func:`verify` is what a receiver written
in Python runs (docs/webhooks.md shows it standalone).
"""

import hashlib
import hmac
import time

SCHEME = "sha256"
DEFAULT_TOLERANCE_S = 300


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"{timestamp}.{body}"`` under ``secret``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int | str, body: bytes) -> str:
    """The value of ``X-Comptoir-Signature``."""
    return f"{SCHEME}={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    header: str,
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """Whether ``header`` signs ``body`` at ``timestamp`` under ``secret``, and the
    timestamp is within ``tolerance_s`` of ``now``. Compares in constant time."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance_s:
        return False
    scheme, _sep, digest = (header or "").partition("=")
    if scheme != SCHEME or not digest:
        return False
    return hmac.compare_digest(digest, signature(secret, timestamp, body))
