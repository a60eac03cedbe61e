"""The tickets domain's settings, with their defaults (any of them may be set in
``helpdesk/settings``; ``docs/tickets.md`` lists them)."""

from django.conf import settings


def reopen_on_reply() -> bool:
    """``TICKET_REOPEN_ON_REPLY``: a customer's answer reopens a solved ticket (T1)."""
    return bool(getattr(settings, "TICKET_REOPEN_ON_REPLY", True))


def auto_solve_days() -> int:
    """``TICKET_AUTO_SOLVE_DAYS``: pending tickets are solved after this many days (B4)."""
    return int(getattr(settings, "TICKET_AUTO_SOLVE_DAYS", 7))


def email_max_attempts() -> int:
    """``TICKET_EMAIL_MAX_ATTEMPTS``: sends of one email before it is marked failed."""
    return int(getattr(settings, "TICKET_EMAIL_MAX_ATTEMPTS", 6))


def inbound_team_id() -> int | None:
    """``TICKET_INBOUND_TEAM_ID``: the team of tickets opened by email (None: nobody's)."""
    return getattr(settings, "TICKET_INBOUND_TEAM_ID", None)
