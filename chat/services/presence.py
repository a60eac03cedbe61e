"""Signals that are relayed rather than stored: agent status, typing, page views."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, AgentStatus
from chat import audience, events, visitor_presence
from chat.errors import ErrorCode
from chat.models import OPEN_STATUSES, Conversation, ConversationStatus
from chat.services import assignment
from helpdesk.errors import DomainError
from helpdesk.events import agent_group, send_event_now, send_event_on_commit, supervisors_group

MAX_PREVIEW_CHARS = 1000
HIDDEN_PREVIEW = "…"
PAGE_FIELDS = ("url", "title", "referrer")
MAX_PAGE_FIELD_CHARS = 2000


def agent_status_set(*, profile: AgentProfile, status: str) -> AgentProfile:
    """Set an agent's status (A1). Accepting with free slots pulls queued chats at once.
    Emits ``agent.status`` to the agent's sockets and supervisors."""
    if status not in (AgentStatus.ACCEPTING, AgentStatus.NOT_ACCEPTING):
        raise DomainError(ErrorCode.INVALID_STATUS, _("Status must be accepting or not_accepting."))
    # Committed before draining: the drain locks many agent rows, and holding this one
    # while waiting for them could deadlock with another agent doing the same.
    with transaction.atomic():
        profile.status = status
        profile.status_changed_at = timezone.now()
        profile.save(update_fields=["status", "status_changed_at"])
        send_event_on_commit(
            [agent_group(profile.user_id), supervisors_group()], events.agent_status(profile)
        )
    if status == AgentStatus.ACCEPTING:
        assignment.queue_drain_for_agent(profile)
    return profile


def visitor_typing_relay(*, conversation: Conversation, preview) -> None:
    """Sneak peek (A3): relay what the visitor is typing, never store it. With the
    widget's sneak peek off, agents learn only that the visitor is typing ("…")."""
    if not isinstance(preview, str):
        raise DomainError(ErrorCode.INVALID_FRAME, _("preview must be text."))
    typing = bool(preview)
    shown = preview[:MAX_PREVIEW_CHARS] if conversation.widget.sneak_peek else HIDDEN_PREVIEW
    send_event_now(
        audience.agent_groups(conversation),
        events.visitor_typing(conversation.pk, shown if typing else "", typing),
    )


def agent_typing_relay(*, conversation: Conversation, typing) -> None:
    send_event_now(audience.visitor_groups(conversation), events.agent_typing(bool(typing)))


def clean_page(page) -> dict:
    if not isinstance(page, dict):
        raise DomainError(
            ErrorCode.INVALID_FRAME, _("A page is an object with url, title, referrer.")
        )
    cleaned = {}
    for field in PAGE_FIELDS:
        value = page.get(field) or ""
        if not isinstance(value, str):
            raise DomainError(
                ErrorCode.INVALID_FRAME, _("%(field)s must be text.") % {"field": field}
            )
        cleaned[field] = value[:MAX_PAGE_FIELD_CHARS]
    cleaned["at"] = timezone.now().isoformat()
    return cleaned


def visitor_page_record(*, visitor, page) -> dict:
    """Remember on the visitor the page their browser shows now (A10, live visitors),
    with or without a chat. ``at`` keeps the time the address was first seen, so a reload
    or a title change does not restart the time on the page. Returns the stored page."""
    cleaned = clean_page(page)
    previous = visitor.page or {}
    if previous.get("url") == cleaned["url"] and previous.get("at"):
        cleaned["at"] = previous["at"]
    now = timezone.now()
    visitor.page = cleaned
    visitor.last_seen_at = now
    fields = {"page": cleaned, "last_seen_at": now}
    if visitor.visit_started_at is None:
        visitor.visit_started_at = fields["visit_started_at"] = now
    type(visitor).objects.filter(pk=visitor.pk).update(**fields)
    return cleaned


@transaction.atomic
def visitor_page_view(*, conversation: Conversation, page: dict) -> dict:
    """Record the page the visitor is on (W11) and tell the chat's agents
    (``visitor.page``). Returns the cleaned page."""
    page = clean_page(page)
    conversation.page = page
    conversation.save(update_fields=["page"])
    send_event_on_commit(
        audience.agent_groups(conversation), events.visitor_page(conversation.pk, page)
    )
    return page


def agent_seen(*, user_id: int) -> None:
    """A heartbeat of a connected agent socket."""
    AgentProfile.objects.filter(user_id=user_id).update(last_seen_at=timezone.now())


def agent_presence_check(*, user_id: int) -> bool:
    """Called a grace period after an agent's socket closed (A1). If no socket of theirs
    has been seen since, the agent goes offline and their open chats are routed again
    (the visitors are told by ``conversation.assigned`` or ``queue.position``). Returns
    whether the agent went offline."""
    cutoff = timezone.now() - timedelta(seconds=settings.AGENT_OFFLINE_GRACE_S)
    with transaction.atomic():
        profile = (
            AgentProfile.objects.select_for_update()
            .filter(user_id=user_id, last_seen_at__lte=cutoff)
            .exclude(status=AgentStatus.OFFLINE)
            .first()
        )
        if profile is None:
            return False
        profile.status = AgentStatus.OFFLINE
        profile.status_changed_at = timezone.now()
        profile.save(update_fields=["status", "status_changed_at"])
        send_event_on_commit([supervisors_group()], events.agent_status(profile))
    stranded = Conversation.objects.select_related("contact", "team").filter(
        assignee_id=user_id, status=ConversationStatus.ACTIVE
    )
    for conversation in stranded:
        with transaction.atomic():
            conversation.status = ConversationStatus.QUEUED
            conversation.assignee = None
            conversation.queued_at = timezone.now()
            conversation.save(update_fields=["status", "assignee", "queued_at"])
            assignment.conversation_route(conversation)
    return True


def unanswered_conversation(visitor_id) -> Conversation | None:
    """The visitor's open chat that no agent has answered yet, if any."""
    return (
        Conversation.objects.select_related("contact")
        .filter(visitor_id=visitor_id, status__in=OPEN_STATUSES, first_response_at__isnull=True)
        .first()
    )


def visitor_abandon_check(*, visitor_id) -> bool:
    """Called a grace period after a visitor's socket closed (R7): if they have not come
    back and their chat is still unanswered, it is closed as missed (events as for any
    close). Returns whether it was."""
    from chat.services.conversations import conversation_close

    if visitor_presence.visitor_is_online(visitor_id):
        return False
    conversation = unanswered_conversation(visitor_id)
    if conversation is None:
        return False
    conversation_close(conversation=conversation, actor=None)
    return True
