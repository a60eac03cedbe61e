"""Rows for ticket tests that the services would make through a real chat."""

from django.utils import timezone

from chat.models import AuthorType, Conversation, ConversationStatus, Message
from contacts.models import Contact, Visitor


def chat_with_messages(widget, agent, *, lines=(), status=ConversationStatus.CLOSED, **contact):
    """A chat of a new visitor with ``lines`` as (author_type, body[, internal])."""
    contact = Contact.objects.create(**({"name": "Jane", "email": "jane@example.com"} | contact))
    visitor = Visitor.objects.create(contact=contact, widget=widget)
    now = timezone.now()
    conversation = Conversation.objects.create(
        widget=widget,
        contact=contact,
        visitor=visitor,
        team=widget.team,
        assignee=agent if status != ConversationStatus.QUEUED else None,
        status=status,
        closed_at=now if status == ConversationStatus.CLOSED else None,
    )
    for author_type, body, *internal in lines:
        Message.objects.create(
            conversation=conversation,
            author_type=author_type,
            author=agent if author_type == AuthorType.AGENT else None,
            body=body,
            internal=bool(internal and internal[0]),
        )
    return conversation
