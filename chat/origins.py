"""Origin checks for WebSocket handshakes.

Browsers always send ``Origin`` on a WebSocket handshake, so checking it stops other
sites from opening sockets with a visitor's token or an agent's cookie. Programs that
are not browsers send none; they hold the credential itself, so they are let through."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def origin_of(scope) -> str | None:
    return _header(scope, b"origin")


def is_own_origin(scope) -> bool:
    """The Origin names this server (same host as the handshake, or an allowed host)."""
    origin = origin_of(scope)
    if origin is None:
        return True
    host = urlsplit(origin).netloc
    return host == _header(scope, b"host") or validate_host(
        urlsplit(origin).hostname or "", settings.ALLOWED_HOSTS
    )


def is_allowed_for_widget(scope, allowed_origins: list[str]) -> bool:
    origin = origin_of(scope)
    if origin is None or is_own_origin(scope):
        return True
    return origin.rstrip("/") in {o.rstrip("/") for o in allowed_origins}
