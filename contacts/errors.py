"""Error codes of the contacts domain: the ``code`` of 4xx JSON bodies and ``error`` frames."""

from enum import StrEnum


class ErrorCode(StrEnum):
    CONTACT_NOT_FOUND = "contact_not_found"
    ALREADY_BLOCKED = "already_blocked"
    NOT_BLOCKED = "not_blocked"
    BLOCKED = "contact_blocked"
    NOT_AN_AGENT = "not_an_agent"
    SUPERVISOR_REQUIRED = "supervisor_required"
    EMPTY_NOTE = "empty_note"
    INVALID_CONTACT = "invalid_contact"
