"""The base of every domain error. Each app has its own ``ErrorCode`` enum in ``errors.py``.

The REST exception handler turns a :class:`DomainError` into a 4xx JSON body and the
socket consumers into an ``error`` frame, both as ``{"code", "detail"}``.
"""

from enum import StrEnum


class DomainError(Exception):
    """A refusal the caller can understand. ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, code: StrEnum | str, detail: str, *, status: int | None = None):
        super().__init__(detail)
        self.code = str(code)
        self.detail = str(detail)
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail}


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
