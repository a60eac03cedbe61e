"""Chat transcripts by email (W9): requested by the visitor, sent by the task worker."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from chat.errors import ErrorCode
from chat.selectors import visitor_current_conversation
from contacts.models import Visitor
from helpdesk.errors import DomainError


def transcript_request(*, visitor: Visitor, email) -> None:
    """Queue the transcript of the visitor's current or last chat for ``email``. The
    email itself leaves from the worker, never from the socket."""
    from chat.tasks import send_transcript

    try:
        validate_email(email if isinstance(email, str) else "")
    except ValidationError:
        raise DomainError(ErrorCode.INVALID_EMAIL, _("Enter a valid email address.")) from None
    conversation = visitor_current_conversation(visitor)
    if conversation is None:
        raise DomainError(ErrorCode.NO_CONVERSATION, _("There is no chat to send."))
    transaction.on_commit(lambda: send_transcript.enqueue(conversation.pk, email))
