"""Signed visitor tokens: who a widget visitor is, without a session cookie.

A token names one visitor on one widget and expires after VISITOR_TOKEN_MAX_AGE. The
host page keeps it (the iframe's cookies would be third-party and blocked)."""

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from chat.errors import ErrorCode
from helpdesk.errors import DomainError, PermissionDenied

SALT = "comptoir.visitor-token"


class InvalidToken(DomainError):
    status = 401


def issue(*, visitor_id, widget_id: int) -> str:
    return signing.dumps({"v": str(visitor_id), "w": widget_id}, salt=SALT, compress=True)


def read(token: str, *, widget_id: int | None = None) -> tuple[str, int]:
    """The (visitor id, widget id) a token names. Raises InvalidToken (401) when forged,
    malformed or expired, PermissionDenied (403) when it belongs to another widget."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.VISITOR_TOKEN_MAX_AGE)
        visitor_id, token_widget = str(data["v"]), int(data["w"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidToken(
            ErrorCode.INVALID_TOKEN, _("The visitor token is invalid or expired.")
        ) from None
    if widget_id is not None and token_widget != widget_id:
        raise PermissionDenied(ErrorCode.FOREIGN_TOKEN, _("This token belongs to another widget."))
    return visitor_id, token_widget
