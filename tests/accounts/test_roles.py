"""Role groups (O2): built after migrate, with the permissions accounts.roles lists."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import Role
from accounts.roles import (
    AGENT_PERMISSIONS,
    ROLE_GROUP_NAMES,
    is_agent,
    is_supervisor,
    role_of,
    role_permission_names,
    sync_role_groups,
)
from accounts.signals import role_groups_sync

pytestmark = pytest.mark.django_db


def group_permission_names(name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def all_permission_names(*app_labels: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(
            content_type__app_label__in=app_labels
        ).values_list("content_type__app_label", "codename")
    }


def test_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Agents",
        "Supervisors",
        "Administrators",
    }


def test_agents_group_has_exactly_the_agent_permissions():
    assert group_permission_names("Agents") == set(AGENT_PERMISSIONS)
    assert "accounts.change_team" not in group_permission_names("Agents")
    assert "chat.delete_conversation" not in group_permission_names("Agents")


def test_supervisors_configure_the_desk_but_not_tokens_or_roles_of_the_system():
    names = group_permission_names("Supervisors")
    assert all_permission_names("chat", "contacts", "tickets", "analytics", "integrations") <= names
    assert {
        "accounts.change_team",
        "accounts.add_agentprofile",
        "accounts.change_agentprofile",
        "accounts.view_apitoken",
        "accounts.delete_apitoken",
        "auth.change_user",
    } <= names
    assert names.isdisjoint(
        {
            "accounts.add_apitoken",
            "accounts.change_apitoken",
            "accounts.delete_agentprofile",
            "auth.delete_user",
            "auth.change_group",
            "auth.change_permission",
        }
    )


def test_administrators_hold_every_project_and_auth_permission():
    expected = all_permission_names(
        "accounts", "contacts", "chat", "tickets", "analytics", "integrations", "auth"
    )
    assert group_permission_names("Administrators") == expected


def test_sync_is_idempotent_and_restores_tampered_groups():
    agents = Group.objects.get(name="Agents")
    agents.permissions.add(Permission.objects.get(codename="delete_ticket"))
    agents.permissions.remove(Permission.objects.get(codename="view_ticket"))

    sync_role_groups()
    sync_role_groups()

    assert Group.objects.filter(name__in=ROLE_GROUP_NAMES.values()).count() == 3
    assert group_permission_names("Agents") == set(AGENT_PERMISSIONS)


def test_post_migrate_receiver_rebuilds_deleted_groups():
    from django.apps import apps

    Group.objects.filter(name__in=ROLE_GROUP_NAMES.values()).delete()

    role_groups_sync(apps.get_app_config("accounts"), using="default", apps=apps)

    for role in Role:
        assert group_permission_names(ROLE_GROUP_NAMES[role]) == role_permission_names(role)


def test_group_permissions_reach_users(agent, supervisor):
    assert agent.has_perm("tickets.change_ticket")
    assert not agent.has_perm("accounts.change_team")
    assert supervisor.has_perm("accounts.change_team")
    assert not supervisor.has_perm("accounts.add_apitoken")


def test_role_of_users(agent, supervisor, admin_user, django_user_model):
    outsider = django_user_model.objects.create_user(username="outsider", password="pw")
    assert role_of(agent) == Role.AGENT and is_agent(agent) and not is_supervisor(agent)
    assert role_of(supervisor) == Role.SUPERVISOR and is_supervisor(supervisor)
    assert role_of(admin_user) == Role.ADMINISTRATOR and is_supervisor(admin_user)
    assert role_of(outsider) is None and not is_agent(outsider)
