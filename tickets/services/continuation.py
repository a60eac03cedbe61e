"""Asynchronous continuation of chats (W5): the visitor left, the agent's answer goes by
email, and the visitor's emailed answer comes back (``tickets.services.inbound``)."""

from django.db import transaction
from django.utils.translation import gettext as _

from chat.models import AuthorType, Message
from helpdesk.errors import DomainError
from tickets.errors import ErrorCode


def conversation_reply_by_email(*, message: Message) -> None:
    """Email an agent's chat message to the chat's contact, for a visitor who is no longer
    on the site. The email's reply address and Message-ID name the chat, so the answer
    joins it while it is open, or its ticket once it is closed (a ticket carrying the
    transcript is created then when there is none).

    Preconditions: ``message`` is a stored, public agent message. Raises DomainError
    ``no_conversation_email`` when the contact has no email address. A blocked contact
    is never emailed (nothing happens). Enqueues ``tickets.tasks.send_conversation_email``
    after the commit."""
    from tickets.tasks import send_conversation_email

    if message.author_type != AuthorType.AGENT or message.internal:
        raise DomainError(ErrorCode.EMPTY_MESSAGE, _("Only an agent's public message is emailed."))
    contact = message.conversation.contact
    if not contact.email:
        raise DomainError(
            ErrorCode.NO_CONVERSATION_EMAIL,
            _("The visitor left no email address: the answer cannot be emailed."),
        )
    if contact.is_blocked:
        return
    message_id = message.pk
    transaction.on_commit(lambda: send_conversation_email.enqueue(message_id))
