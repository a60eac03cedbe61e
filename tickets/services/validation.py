"""Checks of what callers pass in, each refusal a DomainError with one of the codes."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.models import Team
from accounts.roles import is_agent
from helpdesk.errors import DomainError, NotFound
from tickets.errors import ErrorCode
from tickets.models import Priority

MAX_TITLE_CHARS = 300
MAX_BODY_CHARS = 100_000
MAX_NAME_CHARS = 200
TITLE_FROM_TEXT_CHARS = 80


def clean_title(title) -> str:
    if not isinstance(title, str) or not title.strip():
        raise DomainError(ErrorCode.INVALID_TITLE, _("A ticket needs a title."))
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_CHARS:
        raise DomainError(
            ErrorCode.INVALID_TITLE,
            _("A title holds %(max)d characters at most.") % {"max": MAX_TITLE_CHARS},
        )
    return title


def title_from_text(text: str, fallback: str) -> str:
    """The first line of ``text``, shortened: the title of a ticket nobody named."""
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line:
            if len(line) > TITLE_FROM_TEXT_CHARS:
                line = line[: TITLE_FROM_TEXT_CHARS - 1].rstrip() + "…"
            return line
    return fallback


def clean_body(body, *, required: bool = True) -> str:
    if not isinstance(body, str):
        raise DomainError(ErrorCode.EMPTY_MESSAGE, _("The message must be text."))
    if required and not body.strip():
        raise DomainError(ErrorCode.EMPTY_MESSAGE, _("The message cannot be empty."))
    if len(body) > MAX_BODY_CHARS:
        raise DomainError(
            ErrorCode.MESSAGE_TOO_LONG,
            _("A message holds %(max)d characters at most.") % {"max": MAX_BODY_CHARS},
        )
    return body


def clean_email(email, *, required: bool = True) -> str:
    email = email.strip() if isinstance(email, str) else email
    if not email and not required:
        return ""
    try:
        validate_email(email if isinstance(email, str) else "")
    except ValidationError:
        raise DomainError(ErrorCode.INVALID_EMAIL, _("Enter a valid email address.")) from None
    return email


def clean_name(name) -> str:
    if name is None:
        return ""
    if not isinstance(name, str) or len(name.strip()) > MAX_NAME_CHARS:
        raise DomainError(
            ErrorCode.INVALID_NAME,
            _("A name is text of %(max)d characters at most.") % {"max": MAX_NAME_CHARS},
        )
    return " ".join(name.split())


def clean_priority(priority) -> int:
    if isinstance(priority, bool) or priority not in Priority.values:
        raise DomainError(
            ErrorCode.INVALID_PRIORITY,
            _("Priority is one of %(values)s.")
            % {"values": ", ".join(str(v) for v in Priority.values)},
        )
    return priority


def agent_lookup(user_id):
    """The agent a ticket may be assigned to: an active user with an agent profile."""
    user = None
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user = (
            get_user_model()
            .objects.select_related("agent_profile")
            .filter(pk=user_id, is_active=True)
            .first()
        )
    if user is None or not is_agent(user):
        raise NotFound(ErrorCode.AGENT_NOT_FOUND, _("No such agent."))
    return user


def team_lookup(team_id) -> Team:
    team = None
    if isinstance(team_id, int) and not isinstance(team_id, bool):
        team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(ErrorCode.TEAM_NOT_FOUND, _("No such team."))
    return team
