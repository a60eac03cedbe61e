"""Writes on agents and API tokens: create an agent, change their role, issue and revoke
API tokens.

Passwords are not checked for strength here: forms (admin, sign-up) run Django's password
validators before calling these services; the demo data uses deliberately weak ones."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles, tokens
from accounts.errors import ErrorCode
from accounts.models import MAX_SLOTS, MIN_SLOTS, AgentProfile, AgentStatus, ApiToken, Role, Team
from helpdesk.errors import Conflict, DomainError


def _clean_role(role) -> Role:
    if role not in Role.values:
        raise DomainError(
            ErrorCode.INVALID_ROLE,
            _("Unknown role %(role)s: choose agent, supervisor or administrator.") % {"role": role},
        )
    return Role(role)


def _clean_slots(slots) -> int:
    if isinstance(slots, bool) or not isinstance(slots, int) or not MIN_SLOTS <= slots <= MAX_SLOTS:
        raise DomainError(
            ErrorCode.INVALID_SLOTS,
            _("Slots must be a whole number from %(min)d to %(max)d.")
            % {"min": MIN_SLOTS, "max": MAX_SLOTS},
        )
    return slots


def _clean_display_name(display_name: str) -> str:
    cleaned = (display_name or "").strip()
    max_length = AgentProfile._meta.get_field("display_name").max_length
    if not cleaned or len(cleaned) > max_length:
        raise DomainError(
            ErrorCode.INVALID_DISPLAY_NAME,
            _("A display name of 1 to %(max)d characters is required.") % {"max": max_length},
        )
    return cleaned


def _sync_role_group(user, role: Role) -> None:
    """Leave the user in exactly the group of ``role`` among the role groups; groups that
    are not role groups are kept."""
    others = [name for r, name in roles.ROLE_GROUP_NAMES.items() if r != role]
    user.groups.remove(*user.groups.filter(name__in=others))
    user.groups.add(roles.role_group(role))


@transaction.atomic
def agent_profile_create(
    *,
    user: AbstractBaseUser,
    display_name: str,
    role: Role | str = Role.AGENT,
    teams: Iterable[Team] = (),
    slots: int = 3,
) -> AgentProfile:
    """Make an existing user an agent of ``role`` (status *not accepting*): creates the
    profile, puts the user in the role's group and makes them staff. Raises
    ``profile_exists`` (409) if they already are one. Returns the profile."""
    role = _clean_role(role)
    slots = _clean_slots(slots)
    display_name = _clean_display_name(display_name)
    if AgentProfile.objects.filter(user=user).exists():
        raise Conflict(ErrorCode.PROFILE_EXISTS, _("This user already has an agent profile."))
    profile = AgentProfile.objects.create(
        user=user,
        display_name=display_name,
        role=role,
        slots=slots,
        status=AgentStatus.NOT_ACCEPTING,
    )
    profile.teams.set(list(teams))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _sync_role_group(user, role)
    return profile


@transaction.atomic
def agent_create(
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role | str = Role.AGENT,
    teams: Iterable[Team] = (),
    slots: int = 3,
    email: str = "",
) -> AgentProfile:
    """Create a staff user and their agent profile in one go, in the group of ``role``.
    Raises ``invalid_username``, ``username_taken`` (409, case-insensitive),
    ``invalid_role``, ``invalid_slots`` or ``invalid_display_name``. Returns the profile;
    the user is ``profile.user``."""
    user_model = get_user_model()
    username = (username or "").strip()
    max_length = user_model._meta.get_field(user_model.USERNAME_FIELD).max_length
    if not username or len(username) > max_length:
        raise DomainError(
            ErrorCode.INVALID_USERNAME,
            _("A username of 1 to %(max)d characters is required.") % {"max": max_length},
        )
    _clean_role(role)
    _clean_slots(slots)
    _clean_display_name(display_name)
    lookup = {f"{user_model.USERNAME_FIELD}__iexact": username}
    if user_model.objects.filter(**lookup).exists():
        raise Conflict(
            ErrorCode.USERNAME_TAKEN,
            _("The username %(username)s is taken.") % {"username": username},
        )
    user = user_model.objects.create_user(
        username=username,
        email=user_model.objects.normalize_email(email),
        password=password,
        is_staff=True,
    )
    return agent_profile_create(
        user=user, display_name=display_name, role=role, teams=teams, slots=slots
    )


@transaction.atomic
def agent_set_role(*, profile: AgentProfile, role: Role | str) -> AgentProfile:
    """Give the agent ``role``: stores it on the profile and leaves the user in exactly that
    role's group (staff either way). Raises ``invalid_role``. Returns the profile."""
    role = _clean_role(role)
    if profile.role != role:
        profile.role = role
        profile.save(update_fields=["role"])
    user = profile.user
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _sync_role_group(user, role)
    return profile


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str = "") -> tuple[ApiToken, str]:
    """Issue an API token for ``user``. Only the key's prefix and SHA-256 digest are stored:
    the plain key is returned here and nowhere else, to be shown once. Raises
    ``user_inactive`` or ``invalid_token_name``. Returns ``(token, key)``."""
    if not user.is_active:
        raise DomainError(
            ErrorCode.USER_INACTIVE, _("Tokens cannot be issued to a deactivated user.")
        )
    name = (name or "").strip()
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise DomainError(
            ErrorCode.INVALID_TOKEN_NAME,
            _("A token name has at most %(max)d characters.") % {"max": max_length},
        )
    key = tokens.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=tokens.prefix(key), digest=tokens.digest(key)
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke ``token``: it authenticates no more, from the next request on. Idempotent: an
    already revoked token keeps its first revocation time. Returns the token."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
