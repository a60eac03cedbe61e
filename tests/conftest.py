"""Fixtures shared by every test package: a team, its people, a widget, API clients.

People are users (``user.agent_profile`` holds the role, slots and teams), made with the
accounts services, password ``pw``."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from chat.models import Widget
from tests.accounts.factories import AgentFactory, TeamFactory


@pytest.fixture
def team(db):
    return TeamFactory(name="Test team")


@pytest.fixture
def agent(team):
    return AgentFactory(username="agent", display_name="Agent", teams=[team]).user


@pytest.fixture
def other_agent(team):
    return AgentFactory(username="other", display_name="Other Agent", teams=[team]).user


@pytest.fixture
def supervisor(team):
    return AgentFactory(
        username="supervisor", display_name="Supervisor", role=Role.SUPERVISOR, teams=[team]
    ).user


@pytest.fixture
def admin_user(db):
    """A superuser with an administrator profile. Replaces pytest-django's fixture of the
    same name (so its ``admin_client`` logs in as this user); password ``password``."""
    user = AgentFactory(
        username="admin", password="password", display_name="Admin", role=Role.ADMINISTRATOR
    ).user
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def widget(team):
    return Widget.objects.create(public_key="w-test", name="Test widget", team=team)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def agent_client(agent):
    client = APIClient()
    client.force_authenticate(user=agent)
    return client


@pytest.fixture
def supervisor_client(supervisor):
    client = APIClient()
    client.force_authenticate(user=supervisor)
    return client
