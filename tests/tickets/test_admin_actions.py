"""The back office's bulk actions on tickets go through the services (O1, O3)."""

import pytest
from django.urls import reverse

from contacts.models import Contact
from tickets.models import EventKind, Ticket, TicketEvent, TicketState
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_ticket_changelist")


@pytest.fixture
def supervisor_web(client, supervisor):
    client.force_login(supervisor)
    return client


def act(web, action, tickets, url=CHANGELIST):
    return web.post(
        url, {"action": action, "_selected_action": [t.pk for t in tickets]}, follow=True
    )


def test_supervisor_solves_several_tickets_at_once_through_the_service(
    supervisor_web, make_ticket, supervisor
):
    tickets = [make_ticket(title=f"T{n}") for n in range(3)]
    response = act(supervisor_web, "set_solved", tickets)
    assert response.status_code == 200
    assert set(Ticket.objects.values_list("state", flat=True)) == {TicketState.SOLVED}
    entries = TicketEvent.objects.filter(kind=EventKind.STATE_CHANGED, actor=supervisor)
    assert entries.count() == 3
    assert "3 tickets changed." in response.content.decode()


def test_refused_transitions_are_reported_per_ticket(supervisor_web, make_ticket, supervisor):
    from tickets.services import ticket_set_state

    solved = ticket_set_state(ticket=make_ticket(), actor=supervisor, state="solved")
    response = act(supervisor_web, "set_pending", [solved])
    assert "cannot go from" in response.content.decode()
    solved.refresh_from_db()
    assert solved.state == TicketState.SOLVED


def test_assign_to_me_and_spam_with_block(supervisor_web, make_ticket, supervisor):
    ticket = make_ticket()
    act(supervisor_web, "assign_to_me", [ticket])
    ticket.refresh_from_db()
    assert ticket.assignee == supervisor
    act(supervisor_web, "mark_spam_and_block", [ticket])
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SPAM
    assert Contact.objects.get(pk=ticket.requester_id).is_blocked


def test_failed_reply_email_can_be_sent_again(
    supervisor_web, ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    reply = ticket_reply(ticket=ticket, actor=agent, body="Lost in the outage")
    TicketEvent.objects.filter(pk=reply.pk).update(data={"email": "failed"})
    with django_capture_on_commit_callbacks(execute=True):
        act(
            supervisor_web,
            "send_email_again",
            [reply],
            url=reverse("admin:tickets_ticketevent_changelist"),
        )
    assert len(mailoutbox) == 1
    reply.refresh_from_db()
    assert reply.data["email"] == "sent"


def test_agents_see_the_actions_only_on_tickets_they_may_see(
    client, agent, make_ticket, supervisor
):
    from tests.accounts.factories import TeamFactory

    hidden = make_ticket(actor=supervisor, team_id=TeamFactory().pk)
    client.force_login(agent)
    act(client, "set_solved", [hidden])
    hidden.refresh_from_db()
    assert hidden.state == TicketState.OPEN
