"""The ticket pages of the dashboard (T6): filters and views, and the detail page's writes
through the tickets services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import AgentStatus
from tests.chat.conftest import make_agent
from tests.chat.dashboard.test_views import inline_problems
from tickets.models import EventKind, TicketState
from tickets.services import ticket_create


@pytest.fixture
def people(support):
    alice = make_agent(support, "alice", status=AgentStatus.NOT_ACCEPTING)
    bob = make_agent(support, "bob", status=AgentStatus.NOT_ACCEPTING)
    return alice.user, bob.user


def new_ticket(actor, title, **fields):
    return ticket_create(
        actor=actor, title=title, requester_email="ann@example.com", requester_name="Ann", **fields
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_list_views_and_filters(people, support):
    alice, bob = people
    mine = new_ticket(alice, "Refund for order 1009", assignee_id=alice.pk, team_id=support.pk)
    unassigned = new_ticket(alice, "Where is my parcel", team_id=support.pk, tags=["shipping"])
    bobs = new_ticket(alice, "Invoice address", assignee_id=bob.pk, team_id=support.pk)
    client = client_for(alice)

    def titles(query=""):
        page = client.get(f"/tickets/{query}")
        assert page.status_code == 200
        assert inline_problems(page.content.decode()) == []
        return {t.pk for t in page.context["page"]}

    assert titles() == {mine.pk, unassigned.pk, bobs.pk}
    assert titles("?view=mine") == {mine.pk}
    assert titles("?view=unassigned") == {unassigned.pk}
    assert titles(f"?assignee={bob.pk}") == {bobs.pk}
    assert titles("?tag=shipping") == {unassigned.pk}
    assert titles("?q=parcel") == {unassigned.pk}
    assert titles("?state=solved") == set()
    assert titles(f"?team={support.pk}&state=open") == {mine.pk, unassigned.pk, bobs.pk}


@pytest.mark.django_db
def test_detail_page_changes_state_properties_and_writes(people, support):
    alice, bob = people
    ticket = new_ticket(alice, "Broken <b>lamp</b>", body="It <script>flickers</script>")
    client = client_for(alice)
    page = client.get(f"/tickets/{ticket.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Broken &lt;b&gt;lamp&lt;/b&gt;" in html and "&lt;script&gt;flickers" in html
    assert inline_problems(html) == []

    response = client.post(
        f"/tickets/{ticket.pk}/edit/",
        {
            "title": "Broken lamp",
            "state": "pending",
            "assignee": str(bob.pk),
            "team": str(support.pk),
            "priority": "3",
            "tags": "hardware, urgent",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.title, ticket.state, ticket.assignee_id, ticket.priority) == (
        "Broken lamp",
        TicketState.PENDING,
        bob.pk,
        3,
    )
    assert sorted(t.name for t in ticket.tags.all()) == ["hardware", "urgent"]

    assert client.post(f"/tickets/{ticket.pk}/reply/", {"body": "On its way"}).status_code == 302
    assert client.post(f"/tickets/{ticket.pk}/comment/", {"body": "Check stock"}).status_code == 302
    upload = SimpleUploadedFile("photo.txt", b"plain text", content_type="text/plain")
    assert client.post(f"/tickets/{ticket.pk}/attach/", {"files": [upload]}).status_code == 302
    kinds = list(ticket.events.values_list("kind", flat=True))
    for kind in (EventKind.REPLY, EventKind.COMMENT, EventKind.ATTACHMENT_ADDED):
        assert kind in kinds
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Check stock" in page and "photo.txt" in page and "Alice → Bob" not in page


@pytest.mark.django_db
def test_a_refused_change_shows_the_reason(people):
    alice, _bob = people
    ticket = new_ticket(alice, "Lamp")
    response = client_for(alice).post(f"/tickets/{ticket.pk}/comment/", {"body": ""})
    assert response.status_code == 400


@pytest.mark.django_db
def test_agents_do_not_see_other_teams_tickets(people, support):
    from tests.accounts.factories import TeamFactory

    alice, _bob = people
    other = TeamFactory(name="Billing")
    hidden = new_ticket(alice, "Billing only", team_id=other.pk)
    assert client_for(alice).get(f"/tickets/{hidden.pk}/").status_code == 404
