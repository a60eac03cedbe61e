"""The widget's offline form becomes a ticket (W4, T2): ``ticket_create_from_offline``."""

import pytest

from contacts.services import contact_block
from helpdesk.errors import DomainError
from tests.chat.conftest import events_of
from tickets.models import EventKind, Source, TicketState
from tickets.services import ticket_create_from_offline

pytestmark = pytest.mark.django_db


def test_offline_message_opens_a_ticket_on_the_visitors_contact(
    visitor, team, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create_from_offline(
            visitor=visitor,
            name="  Jane  Doe ",
            email="jane@example.com",
            message="Where is my order?\nIt has been a week.",
        )
    assert ticket.source == Source.OFFLINE
    assert ticket.state == TicketState.OPEN
    assert ticket.team == team
    assert ticket.title == "Where is my order?"
    visitor.contact.refresh_from_db()
    assert ticket.requester == visitor.contact
    assert (visitor.contact.name, visitor.contact.email) == ("Jane Doe", "jane@example.com")
    [created] = ticket.events.all()
    assert created.kind == EventKind.CREATED
    assert created.body == "Where is my order?\nIt has been a week."
    assert created.contact == visitor.contact
    [event] = events_of(capture_events, "ticket.created", f"team.{team.pk}")
    assert event["ticket"]["id"] == ticket.pk
    assert event["events"][0]["kind"] == "created"
    assert events_of(capture_events, "ticket.created", "supervisors")


def test_offline_without_name_keeps_the_contacts_name(visitor):
    visitor.contact.name = "Known"
    visitor.contact.save()
    ticket = ticket_create_from_offline(
        visitor=visitor, name="", email="k@example.com", message="Hi"
    )
    assert ticket.requester.name == "Known"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"email": "not-an-email"}, "invalid_email"),
        ({"email": ""}, "invalid_email"),
        ({"message": "   "}, "empty_message"),
        ({"message": "x" * 100_001}, "message_too_long"),
        ({"name": "n" * 201}, "invalid_name"),
    ],
)
def test_offline_refuses_bad_input_with_a_code(visitor, fields, code):
    values = {"name": "Jane", "email": "jane@example.com", "message": "Hello"} | fields
    with pytest.raises(DomainError) as refused:
        ticket_create_from_offline(visitor=visitor, **values)
    assert refused.value.code == code
    assert refused.value.status == 400
    assert not visitor.contact.tickets.exists()


def test_blocked_contacts_offline_message_is_kept_as_spam_and_told_to_nobody(
    visitor, supervisor, capture_events, django_capture_on_commit_callbacks
):
    contact_block(contact=visitor.contact, actor=supervisor)
    visitor.contact.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create_from_offline(
            visitor=visitor, name="Troll", email="t@example.com", message="spam spam"
        )
    assert ticket.state == TicketState.SPAM
    assert not events_of(capture_events, "ticket.created")
