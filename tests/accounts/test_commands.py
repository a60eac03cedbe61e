"""``seed_demo`` and ``api_token`` management commands."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from rest_framework.test import APIRequestFactory

from accounts.authentication import HashedTokenAuthentication
from accounts.models import AgentProfile, AgentStatus, ApiToken, Role, Team
from chat.models import CannedResponse, PrechatMode, Widget

pytestmark = pytest.mark.django_db

User = get_user_model()


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "profiles": AgentProfile.objects.count(),
        "teams": Team.objects.count(),
        "memberships": AgentProfile.teams.through.objects.count(),
        "group_memberships": User.groups.through.objects.count(),
        "groups": Group.objects.count(),
        "widgets": Widget.objects.count(),
        "canned": CannedResponse.objects.count(),
    }


def test_seed_demo_creates_the_documented_desk(settings):
    settings.DEBUG = True

    output = seed()

    support = Team.objects.get(name="Support")
    assert support.always_open and support.timezone == "UTC"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.agent_profile.role == Role.ADMINISTRATOR
    assert admin.agent_profile.display_name == "Admin"
    for username, name in (("alice", "Alice"), ("bob", "Bob")):
        profile = AgentProfile.objects.get(user__username=username)
        assert profile.display_name == name and profile.role == Role.AGENT
        assert profile.slots == 3 and profile.status == AgentStatus.NOT_ACCEPTING
        assert list(profile.teams.all()) == [support]
        assert profile.user.is_staff and not profile.user.is_superuser
        assert set(profile.user.groups.values_list("name", flat=True)) == {"Agents"}
    widget = Widget.objects.get(public_key="demo")
    assert widget.name == "Demo widget" and widget.team == support and widget.is_active
    assert widget.prechat_mode == PrechatMode.NONE and widget.allowed_origins == []
    assert widget.welcome_message == "Hi! How can we help you today?"
    canned = {
        (c.shortcut, c.language): c for c in CannedResponse.objects.filter(owner__isnull=True)
    }
    assert set(canned) == {("hello", "en"), ("thanks", "en"), ("hello", "fr"), ("thanks", "fr")}
    assert canned["hello", "en"].title == "Greeting"
    assert canned["hello", "en"].body == (
        "Hello {{ visitor.name }}, I'm {{ agent.name }}. How can I help?"
    )
    assert canned["thanks", "en"].body == "Thank you for contacting us, {{ visitor.name }}!"
    assert "admin / admin" in output and "alice / demo" in output


def test_seed_demo_twice_creates_nothing_new_and_logins_work(settings, client):
    settings.DEBUG = True
    seed()
    first = row_counts()

    seed()

    assert row_counts() == first
    for username, password in (("admin", "admin"), ("alice", "demo"), ("bob", "demo")):
        assert client.login(username=username, password=password), username
        client.logout()


def test_seed_demo_restores_the_documented_facts(settings, client):
    settings.DEBUG = True
    seed()
    alice = User.objects.get(username="alice")
    alice.set_password("changed")
    alice.save()
    AgentProfile.objects.filter(user=alice).update(role=Role.SUPERVISOR)
    alice.groups.clear()
    Widget.objects.filter(public_key="demo").update(prechat_mode=PrechatMode.REQUIRED)

    seed()

    assert client.login(username="alice", password="demo")
    alice.refresh_from_db()
    assert alice.agent_profile.role == Role.AGENT
    assert set(alice.groups.values_list("name", flat=True)) == {"Agents"}
    assert Widget.objects.get(public_key="demo").prechat_mode == PrechatMode.NONE


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        seed()

    assert not User.objects.exists() and not Widget.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False

    seed(force=True)

    assert User.objects.filter(username__in=["admin", "alice", "bob"]).count() == 3


def test_api_token_prints_a_working_key_on_its_last_line(agent):
    out, err = io.StringIO(), io.StringIO()

    call_command("api_token", agent.username, "--name", "CRM", stdout=out, stderr=err)

    key = out.getvalue().rstrip("\n").splitlines()[-1]
    assert key.strip() == key and " " not in key and len(key) >= 40
    token = ApiToken.objects.get()
    assert token.user == agent and token.name == "CRM" and token.prefix in err.getvalue()
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")
    user, _ = HashedTokenAuthentication().authenticate(request)
    assert user == agent


def test_api_token_creates_a_new_token_each_time(agent):
    call_command("api_token", agent.username, stdout=io.StringIO(), stderr=io.StringIO())
    call_command("api_token", agent.username, stdout=io.StringIO(), stderr=io.StringIO())

    assert ApiToken.objects.filter(user=agent).count() == 2


def test_api_token_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_api_token_refuses_a_deactivated_user(agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    with pytest.raises(CommandError):
        call_command("api_token", agent.username, stdout=io.StringIO(), stderr=io.StringIO())
