"""Roles (O2): agent, supervisor, administrator.

The role is stored on the agent profile and mirrored into a Django group carrying the
role's permissions, so that the admin's permission checks and the API's role checks agree.
A superuser is an administrator whatever the profile says."""

from accounts.models import Role


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
