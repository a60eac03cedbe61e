"""Invite to chat (A10): an agent opens a chat with a visitor who is browsing the site.

The chat is created already assigned to the inviting agent, with the agent's message as
its first message; the visitor's widget receives ``conversation.assigned`` and
``message.created`` like for any chat, and opens itself (docs/widget.md).

Rules:

* the agent needs a free slot (open active chats below their slots) but need not be
  *accepting*: routing skips agents who are not accepting, an invitation is the agent's
  own decision. An offline agent (no socket) cannot invite.
* the visitor must be online (a widget socket open), not blocked, and not in a chat.
* the pre-chat form is skipped: the visitor did not ask for the chat.
* the widget's welcome message is not posted; the agent's message greets instead.
* the invitation is not a response: ``first_response_at`` stays empty and the agent's next
  message sets it (the usual rule), so response times measure from the invitation.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, AgentStatus
from chat import visitor_presence
from chat.errors import ErrorCode
from chat.models import OPEN_STATUSES, AuthorType, Conversation, ConversationStatus, Message
from chat.services.assignment import _assign
from chat.services.messages import _announce, _validate
from contacts.models import Visitor
from helpdesk.errors import Conflict


def _lock_free_profile(agent) -> AgentProfile:
    profile = (
        AgentProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user=agent, user__is_active=True)
        .exclude(status=AgentStatus.OFFLINE)
        .first()
    )
    if profile is None:
        raise Conflict(ErrorCode.AGENT_OFFLINE, _("You must be online to invite a visitor."))
    active = Conversation.objects.filter(
        assignee=agent, status=ConversationStatus.ACTIVE
    ).aggregate(n=Count("id"))["n"]
    if active >= profile.slots:
        raise Conflict(ErrorCode.NO_FREE_SLOT, _("You have no free slot for another chat."))
    return profile


@transaction.atomic
def visitor_invite(*, agent, visitor: Visitor, body: str) -> Conversation:
    """Open a chat with ``visitor``, assigned to ``agent``, whose first message is
    ``body``. Emits ``conversation.assigned`` (agent, team, supervisors, visitor) and
    ``message.created`` (agent, supervisors, visitor). The caller checks that the agent
    may see the visitor (``chat.live.live_visitor_get_for``)."""
    body, _client_id, _ids = _validate(body, "", None)
    visitor.contact.refresh_from_db(fields=["is_blocked"])
    if visitor.contact.is_blocked:
        raise Conflict(ErrorCode.VISITOR_BLOCKED, _("This visitor is blocked."))
    if Conversation.objects.filter(visitor=visitor, status__in=OPEN_STATUSES).exists():
        raise Conflict(ErrorCode.ALREADY_CHATTING, _("This visitor is already in a chat."))
    if not visitor_presence.visitor_is_online(visitor.pk):
        raise Conflict(ErrorCode.VISITOR_OFFLINE, _("This visitor has left the site."))
    profile = _lock_free_profile(agent)
    now = timezone.now()
    widget = visitor.widget
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                widget=widget,
                contact=visitor.contact,
                visitor=visitor,
                team_id=widget.team_id,
                status=ConversationStatus.ACTIVE,
                assignee=agent,
                assigned_at=now,
                page=visitor.page or {},
                metadata={
                    "language": visitor.language,
                    "timezone": visitor.timezone,
                    "browser": visitor.user_agent,
                    "referrer": (visitor.page or {}).get("referrer", ""),
                    "prechat": visitor.prechat,
                    "invited_by": agent.pk,
                },
            )
    except IntegrityError:
        # The visitor wrote (or another agent invited) meanwhile: one open chat each.
        raise Conflict(
            ErrorCode.ALREADY_CHATTING, _("This visitor is already in a chat.")
        ) from None
    _assign(conversation, profile)
    message = Message.objects.create(
        conversation=conversation, author_type=AuthorType.AGENT, author=agent, body=body
    )
    conversation.last_agent_message_at = message.created_at
    conversation.save(update_fields=["last_agent_message_at"])
    _announce(message, [])
    return conversation
