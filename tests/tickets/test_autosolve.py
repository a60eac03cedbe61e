"""Pending tickets are solved after TICKET_AUTO_SOLVE_DAYS (B4): service, task, command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tickets.models import EventKind, Ticket, TicketState
from tickets.services import ticket_autosolve_pending, ticket_set_state
from tickets.tasks import autosolve_pending_tickets

pytestmark = pytest.mark.django_db


def pending_for(ticket, agent, days):
    ticket_set_state(ticket=ticket, actor=agent, state="pending")
    Ticket.objects.filter(pk=ticket.pk).update(pending_since=timezone.now() - timedelta(days=days))
    return ticket


def test_old_pending_tickets_are_solved_and_recent_ones_wait(make_ticket, agent, settings):
    settings.TICKET_AUTO_SOLVE_DAYS = 3
    old = pending_for(make_ticket(title="Old"), agent, days=4)
    recent = pending_for(make_ticket(title="Recent"), agent, days=1)
    open_ticket = make_ticket(title="Open")
    assert ticket_autosolve_pending() == [old.pk]
    states = dict(Ticket.objects.values_list("pk", "state"))
    assert states == {
        old.pk: TicketState.SOLVED,
        recent.pk: TicketState.PENDING,
        open_ticket.pk: TicketState.OPEN,
    }
    entry = old.events.order_by("-id").first()
    assert entry.kind == EventKind.STATE_CHANGED
    assert entry.data == {"from": "pending", "to": "solved", "reason": "auto_solve"}
    assert entry.actor is None


def test_task_and_command_solve_the_same_way(make_ticket, agent, settings):
    settings.TICKET_AUTO_SOLVE_DAYS = 7
    first = pending_for(make_ticket(), agent, days=8)
    result = autosolve_pending_tickets.enqueue()
    assert result.return_value == [first.pk]
    second = pending_for(make_ticket(), agent, days=2)
    out = StringIO()
    call_command("autosolve_tickets", "--days", "1", stdout=out)
    assert out.getvalue().strip() == "1 ticket(s) solved"
    second.refresh_from_db()
    assert second.state == TicketState.SOLVED
