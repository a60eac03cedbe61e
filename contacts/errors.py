from enum import StrEnum


class ErrorCode(StrEnum):
    CONTACT_NOT_FOUND = "contact_not_found"
    ALREADY_BLOCKED = "already_blocked"
    NOT_BLOCKED = "not_blocked"
    BLOCKED = "contact_blocked"
