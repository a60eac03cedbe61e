"""accounts.services: agents and API tokens."""

import pytest
from django.contrib.auth.models import Group

from accounts import tokens
from accounts.errors import ErrorCode
from accounts.models import AgentProfile, AgentStatus, ApiToken, Role
from accounts.services import (
    agent_create,
    agent_profile_create,
    agent_set_role,
    api_token_create,
    api_token_revoke,
)
from helpdesk.errors import DomainError

pytestmark = pytest.mark.django_db


def role_groups_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_agent_create_makes_a_staff_user_in_the_agents_group(team):
    profile = agent_create(
        username="carol",
        password="s3cret",
        display_name=" Carol ",
        teams=[team],
        slots=2,
        email="carol@EXAMPLE.com",
    )

    user = profile.user
    assert user.is_staff and not user.is_superuser and user.check_password("s3cret")
    assert user.email == "carol@example.com"
    assert profile.display_name == "Carol"
    assert profile.role == Role.AGENT and profile.slots == 2
    assert profile.status == AgentStatus.NOT_ACCEPTING
    assert list(profile.teams.all()) == [team]
    assert role_groups_of(user) == {"Agents"}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"username": ""}, ErrorCode.INVALID_USERNAME),
        ({"display_name": "  "}, ErrorCode.INVALID_DISPLAY_NAME),
        ({"slots": 0}, ErrorCode.INVALID_SLOTS),
        ({"slots": 11}, ErrorCode.INVALID_SLOTS),
        ({"role": "boss"}, ErrorCode.INVALID_ROLE),
    ],
)
def test_agent_create_refuses_bad_input(fields, code, django_user_model):
    with pytest.raises(DomainError) as caught:
        agent_create(**{"username": "dave", "password": "pw", "display_name": "Dave", **fields})
    assert caught.value.code == code and caught.value.status == 400
    assert not django_user_model.objects.exists()


def test_agent_create_refuses_a_taken_username_whatever_its_case(agent):
    with pytest.raises(DomainError) as caught:
        agent_create(username="AGENT", password="pw", display_name="Again")
    assert caught.value.code == ErrorCode.USERNAME_TAKEN and caught.value.status == 409


def test_agent_profile_create_for_an_existing_user_once(django_user_model):
    user = django_user_model.objects.create_user(username="erin", password="pw")

    profile = agent_profile_create(user=user, display_name="Erin", role=Role.SUPERVISOR)

    user.refresh_from_db()
    assert user.is_staff and role_groups_of(user) == {"Supervisors"}
    assert profile.role == Role.SUPERVISOR
    with pytest.raises(DomainError) as caught:
        agent_profile_create(user=user, display_name="Erin")
    assert caught.value.code == ErrorCode.PROFILE_EXISTS


def test_agent_set_role_switches_groups_and_keeps_other_groups(agent):
    custom = Group.objects.create(name="Night shift")
    agent.groups.add(custom)
    profile = agent.agent_profile

    agent_set_role(profile=profile, role=Role.SUPERVISOR)

    profile.refresh_from_db()
    assert profile.role == Role.SUPERVISOR
    assert role_groups_of(agent) == {"Supervisors", "Night shift"}

    agent_set_role(profile=profile, role="administrator")
    agent_set_role(profile=profile, role="administrator")

    assert role_groups_of(agent) == {"Administrators", "Night shift"}
    fresh = type(agent).objects.get(pk=agent.pk)
    assert fresh.is_staff and fresh.has_perm("auth.delete_user")


def test_agent_set_role_gives_up_supervisor_permissions(supervisor):
    agent_set_role(profile=supervisor.agent_profile, role=Role.AGENT)

    fresh = type(supervisor).objects.get(pk=supervisor.pk)
    assert role_groups_of(fresh) == {"Agents"}
    assert not fresh.has_perm("accounts.change_team")


def test_agent_set_role_refuses_an_unknown_role(agent):
    with pytest.raises(DomainError) as caught:
        agent_set_role(profile=agent.agent_profile, role="owner")
    assert caught.value.code == ErrorCode.INVALID_ROLE
    assert AgentProfile.objects.get(user=agent).role == Role.AGENT


def test_api_token_create_stores_only_prefix_and_digest(agent):
    token, key = api_token_create(user=agent, name=" CRM sync ")

    stored = ApiToken.objects.get()
    assert stored == token and token.name == "CRM sync"
    assert stored.digest == tokens.digest(key) and stored.prefix == key[: tokens.PREFIX_LENGTH]
    assert key not in (stored.digest, stored.prefix, stored.name)
    assert stored.is_active and len(key) >= 40


def test_api_token_create_refuses_inactive_users(agent):
    agent.is_active = False
    agent.save()
    with pytest.raises(DomainError) as caught:
        api_token_create(user=agent)
    assert caught.value.code == ErrorCode.USER_INACTIVE
    assert not ApiToken.objects.exists()


def test_api_token_create_refuses_overlong_names(agent):
    with pytest.raises(DomainError) as caught:
        api_token_create(user=agent, name="x" * 101)
    assert caught.value.code == ErrorCode.INVALID_TOKEN_NAME


def test_api_token_revoke_is_idempotent(agent):
    token, _key = api_token_create(user=agent)

    api_token_revoke(token=token)
    first = token.revoked_at
    api_token_revoke(token=ApiToken.objects.get(pk=token.pk))

    token.refresh_from_db()
    assert first is not None and token.revoked_at == first and not token.is_active
