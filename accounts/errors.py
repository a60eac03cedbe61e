"""Error codes of the accounts domain: the ``code`` of 4xx JSON bodies and ``error`` frames."""

from enum import StrEnum


class ErrorCode(StrEnum):
    USERNAME_TAKEN = "username_taken"
    INVALID_USERNAME = "invalid_username"
    INVALID_DISPLAY_NAME = "invalid_display_name"
    INVALID_SLOTS = "invalid_slots"
    INVALID_ROLE = "invalid_role"
    PROFILE_EXISTS = "profile_exists"
    USER_INACTIVE = "user_inactive"
    INVALID_TOKEN_NAME = "invalid_token_name"
