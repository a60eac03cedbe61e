"""Database constraints of accounts rows hold even when code bypasses validation."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AgentProfile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slots", [0, 11])
def test_agent_slots_outside_1_to_10_are_rejected_by_the_database(agent, slots):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgentProfile.objects.filter(user=agent).update(slots=slots)
    assert AgentProfile.objects.get(user=agent).slots == 3


@pytest.mark.parametrize("slots", [1, 10])
def test_agent_slots_at_the_bounds_are_accepted(agent, slots):
    AgentProfile.objects.filter(user=agent).update(slots=slots)
    assert AgentProfile.objects.get(user=agent).slots == slots


def test_unknown_agent_role_is_rejected_by_the_database(agent):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgentProfile.objects.filter(user=agent).update(role="owner")
