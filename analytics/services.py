"""Writes of ratings and survey answers."""

from django.db import transaction
from django.utils.translation import gettext as _

from analytics import events
from analytics.models import ChatRating
from chat.errors import ErrorCode
from chat.selectors import visitor_current_conversation
from contacts.models import Visitor
from helpdesk.errors import DomainError
from helpdesk.events import send_event_on_commit, supervisors_group

MAX_COMMENT_CHARS = 2000


@transaction.atomic
def chat_rating_submit(*, visitor: Visitor, score, comment: str = "") -> ChatRating:
    """Rate the visitor's current or last chat (W8), 1 to 5. Rating again replaces the
    earlier rating. The agent and team are copied for per-agent CSAT. Emits
    ``rating.created`` (``rating.updated`` when replacing) to supervisors, and so to
    webhooks."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise DomainError(ErrorCode.INVALID_RATING, _("A rating is a whole number from 1 to 5."))
    if not isinstance(comment, str):
        raise DomainError(ErrorCode.INVALID_RATING, _("A comment is text."))
    conversation = visitor_current_conversation(visitor)
    if conversation is None:
        raise DomainError(ErrorCode.NO_CONVERSATION, _("There is no chat to rate."))
    rating, created = ChatRating.objects.update_or_create(
        conversation=conversation,
        defaults={
            "score": score,
            "comment": comment[:MAX_COMMENT_CHARS],
            "agent_id": conversation.assignee_id,
            "team_id": conversation.team_id,
        },
    )
    send_event_on_commit([supervisors_group()], events.rating_event(rating, created=created))
    return rating
