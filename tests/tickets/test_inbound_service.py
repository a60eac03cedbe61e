"""``email_receive`` itself: what the webhooks cannot easily show."""

import pytest

from tickets.email import addresses
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.services import InboundEmail, email_receive
from tickets.services import inbound as inbound_module

pytestmark = pytest.mark.django_db


def answer(ticket, **fields):
    return InboundEmail(
        **{
            "from_email": "jane@example.com",
            "recipients": [addresses.ticket_reply_address(ticket)],
            "text": "Answer",
            "message_id": "<race@x>",
        }
        | fields
    )


def test_two_deliveries_racing_store_one_message(ticket, monkeypatch):
    email_receive(email=answer(ticket))
    real = inbound_module._stored
    calls = []

    def late_check(key):
        calls.append(key)
        # The second delivery checked before the first one committed.
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(inbound_module, "_stored", late_check)
    received = email_receive(email=answer(ticket))
    assert received.duplicate
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_email_without_message_id_is_deduplicated_by_provider_event_id(ticket):
    for _ in range(2):
        email_receive(email=answer(ticket, message_id="", event_id="provider-evt-1"))
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1
    stored = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE).email_message_id
    assert stored.endswith("@inbound.invalid>")


def test_email_without_sender_is_ignored():
    assert email_receive(email=InboundEmail(from_email="")).ignored
    assert not Ticket.objects.exists()


def test_long_subject_is_cut_to_a_title():
    email_receive(email=InboundEmail(from_email="a@example.com", subject="x" * 400, text="t"))
    assert len(Ticket.objects.get().title) == 300


def test_no_subject_takes_the_first_line():
    email_receive(email=InboundEmail(from_email="a@example.com", text="\n\nMy order\nis late"))
    assert Ticket.objects.get().title == "My order"
    assert TicketEvent.objects.count() == 1
