"""Closing, transferring and titling chats."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, Team
from accounts.roles import is_supervisor
from chat import audience, events
from chat.errors import ErrorCode
from chat.models import AuthorType, Conversation, ConversationStatus
from chat.services import assignment
from chat.services.messages import system_message_post
from helpdesk.errors import Conflict, DomainError, NotFound, PermissionDenied
from helpdesk.events import agent_group, send_event_on_commit, supervisors_group, team_group

MAX_TITLE_CHARS = 200
MAX_NOTE_CHARS = 2000


def _check_actor(conversation: Conversation, actor) -> None:
    """An active chat is moved or closed by its agent or a supervisor; a queued one by
    any agent who sees the queue. ``actor`` None is the visitor or the system."""
    if actor is None or conversation.assignee_id in (None, actor.pk) or is_supervisor(actor):
        return
    raise PermissionDenied(ErrorCode.NOT_ASSIGNEE, _("Only the chat's agent or a supervisor can."))


def _locked(conversation: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("contact", "team", "assignee__agent_profile")
        .get(pk=conversation.pk)
    )


def conversation_close(*, conversation: Conversation, actor=None) -> Conversation:
    """Close a chat (A7); by the visitor when ``actor`` is None. A chat no agent answered
    is marked missed (R7). The freed slot goes to the next queued chat at once (R3).
    Emits ``conversation.closed`` to agents and visitor. Closing twice is a no-op."""
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.status == ConversationStatus.CLOSED:
            return conversation
        _check_actor(conversation, actor)
        groups = audience.agent_groups(conversation)
        conversation.status = ConversationStatus.CLOSED
        conversation.closed_at = timezone.now()
        conversation.missed = conversation.first_response_at is None
        conversation.save(update_fields=["status", "closed_at", "missed"])
        send_event_on_commit(groups, events.conversation_event("conversation.closed", conversation))
        send_event_on_commit(
            audience.visitor_groups(conversation),
            events.conversation_closed_for_visitor(conversation),
        )
        if conversation.assignee_id is None:
            assignment.queue_notify_positions(conversation.team_id)
    assignment.queue_drain(conversation.team_id)
    return conversation


def conversation_transfer(
    *,
    conversation: Conversation,
    actor,
    agent_id: int | None = None,
    team_id: int | None = None,
    note: str = "",
) -> Conversation:
    """Hand a chat to another agent, or to a team's queue (A6, R8), with an internal note.
    The receiving agent must be accepting with a free slot. Both agents and the visitor
    are told; the giver's freed slot goes to their queue at once."""
    if (agent_id is None) == (team_id is None):
        raise DomainError(ErrorCode.INVALID_TRANSFER, _("Transfer to an agent or to a team."))
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise DomainError(ErrorCode.INVALID_TRANSFER, _("The note must be short text."))
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.status == ConversationStatus.CLOSED:
            raise Conflict(ErrorCode.CONVERSATION_CLOSED, _("This chat is closed."))
        _check_actor(conversation, actor)
        previous = conversation.assignee_id
        if agent_id is not None:
            _transfer_to_agent(conversation, agent_id)
            receiver = AgentProfile.objects.get(user_id=agent_id).display_name
        else:
            team = _transfer_to_team(conversation, team_id)
            receiver = team.name
        notice = _("Transferred to %(receiver)s.") % {"receiver": receiver}
        system_message_post(
            conversation=conversation,
            body=f"{notice} {note}".strip(),
            author_type=AuthorType.SYSTEM,
            internal=True,
        )
        groups = [supervisors_group(), team_group(conversation.team_id)]
        groups += [agent_group(uid) for uid in (previous, conversation.assignee_id) if uid]
        send_event_on_commit(
            groups,
            events.conversation_event(
                "conversation.transferred", conversation, from_agent=previous, note=note
            ),
        )
    if previous:
        assignment.queue_drain_for_agent(AgentProfile.objects.get(user_id=previous))
    return conversation


def _transfer_to_agent(conversation: Conversation, agent_id) -> None:
    if not isinstance(agent_id, int) or not AgentProfile.objects.filter(user_id=agent_id).exists():
        raise NotFound(ErrorCode.AGENT_NOT_FOUND, _("No such agent."))
    if agent_id == conversation.assignee_id:
        raise DomainError(ErrorCode.INVALID_TRANSFER, _("The chat is already with this agent."))
    if not assignment.conversation_assign_to(conversation, user_id=agent_id):
        raise Conflict(
            ErrorCode.AGENT_UNAVAILABLE, _("This agent is not accepting chats or has no free slot.")
        )


def _transfer_to_team(conversation: Conversation, team_id) -> Team:
    team = Team.objects.filter(pk=team_id).first() if isinstance(team_id, int) else None
    if team is None:
        raise NotFound(ErrorCode.TEAM_NOT_FOUND, _("No such team."))
    conversation.team = team
    conversation.status = ConversationStatus.QUEUED
    conversation.assignee = None
    conversation.queued_at = timezone.now()
    conversation.save(update_fields=["team", "status", "assignee", "queued_at"])
    assignment.conversation_route(conversation)
    return team


@transaction.atomic
def conversation_set_title(*, conversation: Conversation, title: str) -> Conversation:
    """Name a chat for agents (A8, C5); the visitor never sees it. Emits
    ``conversation.updated`` to agents."""
    if not isinstance(title, str) or len(title) > MAX_TITLE_CHARS:
        raise DomainError(
            ErrorCode.INVALID_TITLE,
            _("A title is text of %(max)d characters at most.") % {"max": MAX_TITLE_CHARS},
        )
    conversation.title = title.strip()
    conversation.save(update_fields=["title"])
    send_event_on_commit(
        audience.agent_groups(conversation),
        events.conversation_event("conversation.updated", conversation),
    )
    return conversation
