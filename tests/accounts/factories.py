"""Factories for accounts rows. Agents are built through ``accounts.services`` so that their
group, staff flag and profile are what production would create."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import AgentProfile, Role, Team
from accounts.services import agent_create


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    always_open = True


class AgentFactory(factory.Factory):
    """An :class:`AgentProfile` (``.user`` is the login) made by ``agent_create``. Password
    ``pw`` unless given; ``teams`` a list of teams."""

    class Meta:
        model = AgentProfile

    username = factory.Sequence(lambda n: f"agent{n}")
    password = "pw"
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    role = Role.AGENT
    teams = ()
    slots = 3
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return agent_create(**kwargs)
