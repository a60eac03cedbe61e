"""Canned responses (B1): who sees which, and who may write them.

An agent sees the shared responses (no owner) of every team or of their own teams, and
their own; a supervisor sees and edits everything. Only supervisors share a response.
Reads and writes of canned responses live here, together, because the rules are one."""

from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Team
from accounts.roles import is_agent, is_supervisor
from chat.models import CannedResponse
from helpdesk.errors import DomainError, NotFound, PermissionDenied

WRITABLE_FIELDS = ("shortcut", "title", "body", "language", "shared", "team_id")
UPDATE_FIELDS = ("shortcut", "title", "body", "language", "owner", "team", "updated_at")


class ErrorCode(StrEnum):
    """Codes of this module's refusals (to move into ``chat.errors`` with the chat app's)."""

    CANNED_RESPONSE_NOT_FOUND = "canned_response_not_found"
    DUPLICATE_SHORTCUT = "duplicate_shortcut"
    INVALID_CANNED_RESPONSE = "invalid_canned_response"
    NOT_AN_AGENT = "not_an_agent"
    NOT_OWNER = "not_owner"
    SHARING_REQUIRES_SUPERVISOR = "sharing_requires_supervisor"
    TEAM_NOT_FOUND = "team_not_found"


def canned_responses_for_user(user) -> QuerySet[CannedResponse]:
    """The responses ``user`` may see and use, by shortcut. PermissionDenied for users who
    are not agents."""
    if not is_agent(user):
        raise PermissionDenied(ErrorCode.NOT_AN_AGENT, _("Only agents have canned responses."))
    responses = CannedResponse.objects.order_by("shortcut", "language", "id")
    if is_supervisor(user):
        return responses
    team_ids = user.agent_profile.teams.values("id")
    shared = Q(owner__isnull=True) & (Q(team__isnull=True) | Q(team__in=team_ids))
    return responses.filter(Q(owner=user) | shared)


def canned_responses_search(queryset: QuerySet[CannedResponse], text: str):
    """Responses whose shortcut or title contains ``text`` (a leading ``#`` is ignored)."""
    text = text.strip().removeprefix("#")
    if not text:
        return queryset
    return queryset.filter(Q(shortcut__icontains=text) | Q(title__icontains=text))


def canned_response_get_for_user(user, canned_id) -> CannedResponse:
    """A response ``user`` may see; NotFound otherwise (no hint that it exists)."""
    canned = None
    if isinstance(canned_id, int) and not isinstance(canned_id, bool):
        canned = canned_responses_for_user(user).filter(pk=canned_id).first()
    if canned is None:
        raise NotFound(ErrorCode.CANNED_RESPONSE_NOT_FOUND, _("No such canned response."))
    return canned


def canned_response_may_edit(user, canned: CannedResponse) -> bool:
    """Supervisors change every response, agents their own."""
    return is_supervisor(user) or (canned.owner_id is not None and canned.owner_id == user.pk)


def _check_may_edit(actor, canned: CannedResponse) -> None:
    if not canned_response_may_edit(actor, canned):
        raise PermissionDenied(
            ErrorCode.NOT_OWNER, _("Only supervisors may change responses that are not yours.")
        )


def _check_may_share(actor) -> None:
    if not is_supervisor(actor):
        raise PermissionDenied(
            ErrorCode.SHARING_REQUIRES_SUPERVISOR, _("Only supervisors may share a response.")
        )


def _clean_shortcut(shortcut) -> str:
    shortcut = str(shortcut or "").strip().removeprefix("#")
    try:
        validate_slug(shortcut)
    except ValidationError as error:
        raise DomainError(
            ErrorCode.INVALID_CANNED_RESPONSE,
            _("A shortcut is made of letters, digits, hyphens and underscores."),
        ) from error
    return shortcut


def _save(canned: CannedResponse, *, update_fields: list[str] | None = None) -> CannedResponse:
    """Validate and save, turning a duplicate shortcut (checked first, and caught again
    should a concurrent write win the race) into a 400 ``duplicate_shortcut``."""
    canned.shortcut = _clean_shortcut(canned.shortcut)
    if canned.language not in dict(settings.LANGUAGES):
        raise DomainError(ErrorCode.INVALID_CANNED_RESPONSE, _("Unknown language."))
    if canned.owner_id is not None and canned.team_id is not None:
        raise DomainError(
            ErrorCode.INVALID_CANNED_RESPONSE, _("Only shared responses belong to a team.")
        )
    if canned.team_id is not None and not Team.objects.filter(pk=canned.team_id).exists():
        raise DomainError(ErrorCode.TEAM_NOT_FOUND, _("No such team."))
    duplicate = DomainError(
        ErrorCode.DUPLICATE_SHORTCUT,
        (
            _("#%(shortcut)s already exists in this language among your responses.")
            if canned.owner_id
            else _("#%(shortcut)s already exists in this language among shared responses.")
        )
        % {"shortcut": canned.shortcut},
    )
    same = CannedResponse.objects.filter(
        shortcut=canned.shortcut, language=canned.language, owner_id=canned.owner_id
    ).exclude(pk=canned.pk)
    if same.exists():
        raise duplicate
    canned.full_clean(exclude=["owner", "team"], validate_constraints=False)
    try:
        with transaction.atomic():
            canned.save(update_fields=update_fields)
    except IntegrityError as error:
        raise duplicate from error
    return canned


def canned_response_create(
    *,
    actor,
    shortcut: str,
    title: str,
    body: str,
    language: str = settings.LANGUAGE_CODE,
    shared: bool = False,
    team_id: int | None = None,
) -> CannedResponse:
    """Create a response owned by ``actor``, or shared (no owner) when ``shared``, which
    only supervisors may ask (PermissionDenied). ``team_id`` limits a shared response to a
    team's agents. Raises DomainError ``duplicate_shortcut`` (400) when the owner (or the
    shared set) already has the shortcut in this language. Returns the response."""
    if not is_agent(actor):
        raise PermissionDenied(ErrorCode.NOT_AN_AGENT, _("Only agents have canned responses."))
    if shared:
        _check_may_share(actor)
    canned = CannedResponse(
        shortcut=shortcut,
        title=title,
        body=body,
        language=language,
        owner=None if shared else actor,
        team_id=team_id,
    )
    return _save(canned)


def canned_response_update(*, canned: CannedResponse, actor, **fields) -> CannedResponse:
    """Change some of ``WRITABLE_FIELDS``. Agents change only their own responses and
    never share them; supervisors change any, and sharing one (``shared=True``) drops its
    owner while unsharing a shared one makes it the supervisor's own (and teamless).
    Raises PermissionDenied, DomainError (400) as for creation. Returns the response."""
    unknown = set(fields) - set(WRITABLE_FIELDS)
    if unknown:
        raise DomainError(
            ErrorCode.INVALID_CANNED_RESPONSE,
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
        )
    _check_may_edit(actor, canned)
    shared = fields.pop("shared", None)
    if shared and canned.owner_id is not None:
        _check_may_share(actor)
        canned.owner = None
    elif shared is False and canned.owner_id is None:
        canned.owner = actor
        canned.team = None
    for key, value in fields.items():
        setattr(canned, key, value)
    return _save(canned, update_fields=[*UPDATE_FIELDS])


def canned_response_delete(*, canned: CannedResponse, actor) -> None:
    """Delete a response: agents only their own, supervisors any (PermissionDenied)."""
    _check_may_edit(actor, canned)
    canned.delete()
