"""The state machine (T1): every transition, every refusal, and the timestamps."""

import itertools

import pytest

from helpdesk.errors import DomainError
from tests.chat.conftest import events_of
from tickets.models import EventKind, TicketState
from tickets.services import ticket_set_state
from tickets.services.states import TRANSITIONS

pytestmark = pytest.mark.django_db

STATES = list(TicketState.values)
ALLOWED = [(a, b) for a, b in itertools.product(STATES, STATES) if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in itertools.product(STATES, STATES) if a != b and (a, b) not in ALLOWED]


def put_in(ticket, state, actor):
    """Walk ``ticket`` to ``state`` along allowed transitions."""
    if state == TicketState.OPEN:
        return ticket
    return ticket_set_state(ticket=ticket, actor=actor, state=state)


def test_the_machine_is_the_documented_one():
    assert set(ALLOWED) == {
        ("open", "pending"),
        ("open", "solved"),
        ("open", "spam"),
        ("pending", "open"),
        ("pending", "solved"),
        ("pending", "spam"),
        ("solved", "open"),
        ("solved", "spam"),
        ("spam", "open"),
    }
    assert set(REFUSED) == {("solved", "pending"), ("spam", "pending"), ("spam", "solved")}


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_allowed_transition_moves_writes_the_timeline_and_tells_agents(
    ticket, agent, team, start, end, capture_events, django_capture_on_commit_callbacks
):
    ticket = put_in(ticket, start, agent)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_set_state(ticket=ticket, actor=agent, state=end)
    ticket.refresh_from_db()
    assert ticket.state == end
    assert (ticket.pending_since is not None) == (end == TicketState.PENDING)
    assert (ticket.solved_at is not None) == (end == TicketState.SOLVED)
    last = ticket.events.order_by("-id").first()
    assert last.kind == EventKind.STATE_CHANGED
    assert last.data == {"from": start, "to": end}
    assert last.actor == agent
    [event] = events_of(capture_events, "ticket.updated", f"team.{team.pk}")
    assert event["changes"][0] == "state"
    assert event["ticket"]["state"] == end
    assert event["events"][0]["kind"] == "state_changed"


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_refused_transition_is_a_clear_400_and_changes_nothing(ticket, agent, start, end):
    ticket = put_in(ticket, start, agent)
    entries = ticket.events.count()
    with pytest.raises(DomainError) as refused:
        ticket_set_state(ticket=ticket, actor=agent, state=end)
    assert refused.value.status == 400
    assert refused.value.code == "invalid_transition"
    assert f"from “{start}” to “{end}”" in refused.value.detail
    assert "it can go to" in refused.value.detail
    ticket.refresh_from_db()
    assert ticket.state == start
    assert ticket.events.count() == entries


def test_unknown_state_is_refused(ticket, agent):
    with pytest.raises(DomainError) as refused:
        ticket_set_state(ticket=ticket, actor=agent, state="closed")
    assert refused.value.code == "invalid_state"


@pytest.mark.parametrize("state", STATES)
def test_setting_the_current_state_changes_nothing(
    ticket, agent, state, capture_events, django_capture_on_commit_callbacks
):
    ticket = put_in(ticket, state, agent)
    entries = ticket.events.count()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_state(ticket=ticket, actor=agent, state=state)
    assert ticket.events.count() == entries
    assert not events_of(capture_events, "ticket.updated")


def test_reopening_clears_solved_time(ticket, agent):
    ticket = ticket_set_state(ticket=ticket, actor=agent, state="solved")
    ticket = ticket_set_state(ticket=ticket, actor=agent, state="open")
    ticket.refresh_from_db()
    assert ticket.solved_at is None and ticket.pending_since is None
