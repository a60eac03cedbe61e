"""Fixtures for ticket tests: a requester, a visitor of the test widget, tickets made by
the services, and the captured channel-layer events (``capture_events``)."""

import pytest

from contacts.models import Contact, Visitor
from tests.chat.conftest import capture_events, events_of  # noqa: F401
from tickets.models import Ticket
from tickets.services import ticket_create


@pytest.fixture
def requester(db):
    return Contact.objects.create(name="Jane Doe", email="jane@example.com", language="en")


@pytest.fixture
def visitor(widget):
    contact = Contact.objects.create()
    return Visitor.objects.create(contact=contact, widget=widget)


@pytest.fixture
def make_ticket(agent, requester):
    def make(*, actor=None, title="Printer on fire", body="It burns.", **fields) -> Ticket:
        return ticket_create(
            actor=actor or agent,
            requester=fields.pop("requester", requester),
            title=title,
            body=body,
            **fields,
        )

    return make


@pytest.fixture
def ticket(make_ticket, team):
    return make_ticket(team_id=team.pk)
