"""A contact with a full history: chats with visitor, agent and internal messages, a
ticket with public and internal events, ratings, an NPS answer, a note and a block."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from analytics.models import ChatRating, NpsResponse, TicketRating
from chat.models import Attachment, AuthorType, Conversation, ConversationStatus, Message
from contacts.models import Contact, ContactNote, Visitor
from contacts.services import contact_block
from tickets.models import EventKind, Ticket, TicketEvent


@dataclass
class History:
    contact: Contact
    visitor: Visitor
    conversation: Conversation
    ticket: Ticket
    upload: Attachment


@pytest.fixture
def contact(db):
    return Contact.objects.create(
        name="Jane Doe",
        email="jane@example.com",
        phone="+33 1 23 45 67 89",
        company="Acme",
        language="fr",
        attributes={"plan": "gold"},
    )


@pytest.fixture
def history(contact, widget, agent, supervisor):
    visitor = Visitor.objects.create(
        contact=contact,
        widget=widget,
        user_agent="Firefox",
        timezone="Europe/Paris",
        prechat={"name": "Jane Doe", "email": "jane@example.com", "fields": {}},
    )
    now = timezone.now()
    conversation = Conversation.objects.create(
        widget=widget,
        contact=contact,
        visitor=visitor,
        team=widget.team,
        assignee=agent,
        status=ConversationStatus.CLOSED,
        closed_at=now,
        title="Jane's refund",
        page={"url": "https://shop.example/orders/42"},
        metadata={"referrer": "https://search.example/?q=jane"},
    )
    upload = Attachment.objects.create(
        file=ContentFile(b"scan", name="passport.png"),
        name="passport.png",
        content_type="image/png",
        size=4,
        conversation=conversation,
        uploaded_by_visitor=visitor,
    )
    said = Message.objects.create(
        conversation=conversation, author_type=AuthorType.VISITOR, body="My card is 4111"
    )
    said.attachments.add(upload)
    Message.objects.create(
        conversation=conversation, author_type=AuthorType.AGENT, author=agent, body="On it"
    )
    Message.objects.create(
        conversation=conversation,
        author_type=AuthorType.AGENT,
        author=agent,
        body="Looks like fraud",
        internal=True,
    )
    ChatRating.objects.create(conversation=conversation, agent=agent, score=5, comment="Jane <3")
    ticket = Ticket.objects.create(title="Refund for Jane", requester=contact, assignee=agent)
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.CREATED, body="Transcript: card 4111")
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.CUSTOMER_MESSAGE, contact=contact, body="Any news, Jane here?"
    )
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.REPLY, actor=agent, body="Refunded")
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.COMMENT, actor=agent, body="Internal: VIP"
    )
    TicketRating.objects.create(ticket=ticket, agent=agent, score=4, comment="Thanks, Jane")
    NpsResponse.objects.create(contact=contact, conversation=conversation, score=9, comment="Jane")
    ContactNote.objects.create(contact=contact, author=agent, body="Prefers email")
    contact_block(contact=contact, actor=supervisor, reason="abuse")
    contact.refresh_from_db()
    return History(contact, visitor, conversation, ticket, upload)
