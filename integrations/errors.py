"""Error codes of the integrations domain: the ``code`` of 4xx JSON bodies."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_AN_AGENT = "not_an_agent"
    SUPERVISOR_REQUIRED = "supervisor_required"
    WEBHOOK_NOT_FOUND = "webhook_not_found"
    DELIVERY_NOT_FOUND = "delivery_not_found"
    INVALID_URL = "invalid_url"
    INVALID_EVENTS = "invalid_events"
    UNKNOWN_EVENT = "unknown_event"
