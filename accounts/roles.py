"""Roles (O2): agent, supervisor, administrator.

The role is stored on the agent profile and mirrored into a Django group carrying the
role's permissions, so that the admin's permission checks and the API's role checks agree.
A superuser is an administrator whatever the profile says.

The groups are (re)built from the tables below by :func:`sync_role_groups`, which runs after
every ``migrate`` (``accounts.signals``): editing a table here and migrating is how a role's
permissions change. Permissions added to a role group by hand are dropped on the next sync.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q

from accounts.models import Role

ROLE_GROUP_NAMES: dict[Role, str] = {
    Role.AGENT: "Agents",
    Role.SUPERVISOR: "Supervisors",
    Role.ADMINISTRATOR: "Administrators",
}

PROJECT_APPS = ("accounts", "contacts", "chat", "tickets", "analytics", "integrations")

# Agents read what they work with and write notes, their canned responses and tickets.
# The admin narrows canned responses to their own and chats to what selectors allow.
AGENT_PERMISSIONS = frozenset(
    {
        "chat.view_conversation",
        "chat.view_message",
        "chat.view_widget",
        "chat.view_cannedresponse",
        "chat.add_cannedresponse",
        "chat.change_cannedresponse",
        "chat.delete_cannedresponse",
        "contacts.view_contact",
        "contacts.view_contactnote",
        "contacts.add_contactnote",
        "contacts.change_contactnote",
        "tickets.view_ticket",
        "tickets.add_ticket",
        "tickets.change_ticket",
        "tickets.view_ticketevent",
        "tickets.view_tag",
        "accounts.view_team",
    }
)

# Supervisors configure the desk: every permission of these apps...
SUPERVISOR_APPS = ("chat", "contacts", "tickets", "analytics", "integrations")
# ...plus these. Opening hours and holidays are rows of a team's form, hence deletable.
# Tokens of others can be seen and revoked (deleted), never created for someone else.
SUPERVISOR_PERMISSIONS = frozenset(
    {
        "accounts.view_team",
        "accounts.add_team",
        "accounts.change_team",
        "accounts.view_businesshours",
        "accounts.add_businesshours",
        "accounts.change_businesshours",
        "accounts.delete_businesshours",
        "accounts.view_holiday",
        "accounts.add_holiday",
        "accounts.change_holiday",
        "accounts.delete_holiday",
        "accounts.view_agentprofile",
        "accounts.add_agentprofile",
        "accounts.change_agentprofile",
        "accounts.view_apitoken",
        "accounts.delete_apitoken",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
    }
)

# Administrators hold every permission of the project and of users and groups.
ADMINISTRATOR_APPS = (*PROJECT_APPS, "auth")

_ROLE_APPS: dict[Role, tuple[str, ...]] = {
    Role.AGENT: (),
    Role.SUPERVISOR: SUPERVISOR_APPS,
    Role.ADMINISTRATOR: ADMINISTRATOR_APPS,
}
_ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.AGENT: AGENT_PERMISSIONS,
    Role.SUPERVISOR: SUPERVISOR_PERMISSIONS,
    Role.ADMINISTRATOR: frozenset(),
}


def role_of(user) -> Role | None:
    """The user's role, or None for a user who is not staff of the help desk at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    profile = getattr(user, "agent_profile", None)
    return Role(profile.role) if profile is not None else None


def is_supervisor(user) -> bool:
    """Supervisors and administrators see every chat and ticket and configure the desk."""
    return role_of(user) in (Role.SUPERVISOR, Role.ADMINISTRATOR)


def is_agent(user) -> bool:
    return role_of(user) is not None


def role_permission_names(role: Role) -> frozenset[str]:
    """``app_label.codename`` of every permission ``role`` grants, as ``user.has_perm`` spells
    them. Reads the permission table (whole apps are expanded from it)."""
    return frozenset(
        f"{app_label}.{codename}"
        for app_label, codename in _role_permissions(Role(role)).values_list(
            "content_type__app_label", "codename"
        )
    )


def _role_permissions(role: Role, using: str = DEFAULT_DB_ALIAS):
    named = _by_names(_ROLE_PERMISSIONS[role])
    apps = _ROLE_APPS[role]
    condition = named | Q(content_type__app_label__in=apps) if apps else named
    return Permission.objects.using(using).filter(condition)


def _by_names(names: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return condition


def _check_all_exist(role: Role, found: set[str]) -> None:
    missing = _ROLE_PERMISSIONS[role] - found
    if missing:
        raise LookupError(
            f"accounts.roles: role {role.value!r} names permissions that do not exist: "
            f"{', '.join(sorted(missing))}. Fix the table in accounts/roles.py."
        )


def role_group(role: Role, *, using: str = DEFAULT_DB_ALIAS) -> Group:
    """The group mirroring ``role``, built first if the post-migrate sync has not run."""
    group = Group.objects.using(using).filter(name=ROLE_GROUP_NAMES[Role(role)]).first()
    return group if group is not None else sync_role_groups(using=using)[Role(role)]


def sync_role_groups(*, using: str = DEFAULT_DB_ALIAS) -> dict[Role, Group]:
    """Create the three role groups if missing and set each one's permissions to exactly
    the tables above. Idempotent; runs after every ``migrate``. Preconditions: the
    permissions exist (``accounts.signals`` creates them first). Raises LookupError when a
    table names a permission that does not exist. Returns the groups by role."""
    groups = {}
    with transaction.atomic(using=using):
        for role, name in ROLE_GROUP_NAMES.items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            permissions = list(_role_permissions(role, using).select_related("content_type"))
            _check_all_exist(
                role, {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
            )
            group.permissions.set(permissions)
            groups[role] = group
    return groups
