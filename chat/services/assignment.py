"""Routing (R1–R3, R8): who gets a chat, and the queue when nobody can take it.

Concurrency: every assignment locks the candidate agents' profile rows, in primary-key
order, before counting their open chats, so two chats racing for an agent's last slot
(in one process or several) are serialised and the second sees the first's chat. Queued
chats are picked with SKIP LOCKED, so a drain never waits on a chat another transaction
holds. On SQLite, IMMEDIATE transactions serialise writers and give the same guarantee.
"""

import math
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import AgentProfile, AgentStatus, Team
from chat import audience, events
from chat.availability import estimated_wait_s, wait_per_position_s
from chat.models import Conversation, ConversationStatus
from contacts.models import Visitor
from helpdesk.events import (
    agent_group,
    send_event_on_commit,
    supervisors_group,
    team_group,
    visitor_group,
)

_NEVER = datetime.min.replace(tzinfo=UTC)


def _free_agents(**where) -> list[tuple[AgentProfile, int]]:
    """Accepting agents matching ``where`` with a free slot, locked, with their open-chat
    count."""
    profiles = AgentProfile.objects.filter(
        status=AgentStatus.ACCEPTING, user__is_active=True, **where
    )
    locked = list(profiles.select_for_update(of=("self",)).order_by("pk"))
    counts = dict(
        Conversation.objects.filter(
            assignee__in=[p.user_id for p in locked], status=ConversationStatus.ACTIVE
        )
        .values_list("assignee")
        .annotate(n=Count("id"))
    )
    return [(p, counts.get(p.user_id, 0)) for p in locked if counts.get(p.user_id, 0) < p.slots]


def _last_agent_of_contact(conversation: Conversation) -> int | None:
    return (
        Conversation.objects.filter(contact_id=conversation.contact_id, assignee__isnull=False)
        .exclude(pk=conversation.pk)
        .order_by("-created_at")
        .values_list("assignee", flat=True)
        .first()
    )


def _pick(conversation: Conversation, candidates) -> AgentProfile | None:
    """The contact's last agent if free; else fewest open chats, then longest idle."""
    if not candidates:
        return None
    last = _last_agent_of_contact(conversation)
    for profile, _count in candidates:
        if profile.user_id == last:
            return profile
    return min(candidates, key=lambda c: (c[1], c[0].last_assigned_at or _NEVER, c[0].pk))[0]


def _assign(conversation: Conversation, profile: AgentProfile) -> None:
    now = timezone.now()
    conversation.status = ConversationStatus.ACTIVE
    conversation.assignee = profile.user
    conversation.assigned_at = now
    conversation.save(update_fields=["status", "assignee", "assigned_at"])
    profile.last_assigned_at = now
    profile.save(update_fields=["last_assigned_at"])
    send_event_on_commit(
        [agent_group(profile.user_id), team_group(conversation.team_id), supervisors_group()],
        events.conversation_event("conversation.assigned", conversation),
    )
    send_event_on_commit(
        audience.visitor_groups(conversation),
        events.conversation_assigned_for_visitor(conversation),
    )


def _queue(conversation: Conversation) -> None:
    if conversation.status != ConversationStatus.QUEUED or conversation.queued_at is None:
        conversation.status = ConversationStatus.QUEUED
        conversation.assignee = None
        conversation.queued_at = timezone.now()
        conversation.save(update_fields=["status", "assignee", "queued_at"])
    if not conversation.contact.is_blocked:
        send_event_on_commit(
            [team_group(conversation.team_id), supervisors_group()],
            events.conversation_event("conversation.queued", conversation),
        )


@transaction.atomic
def conversation_route(conversation: Conversation) -> Conversation:
    """Assign a new or re-queued chat to the best free agent of its team, or queue it.
    Emits ``conversation.assigned`` (agent, team, visitor) or ``conversation.queued`` and
    ``queue.position``."""
    profile = _pick(conversation, _free_agents(teams=conversation.team_id))
    if profile is None:
        _queue(conversation)
        queue_notify_positions(conversation.team_id)
    else:
        _assign(conversation, profile)
    return conversation


@transaction.atomic
def conversation_assign_to(conversation: Conversation, *, user_id: int) -> bool:
    """Assign to one given agent if accepting with a free slot (transfers). Returns
    False, changing nothing, when that agent cannot take it."""
    candidates = _free_agents(user_id=user_id)
    if not candidates:
        return False
    _assign(conversation, candidates[0][0])
    return True


@transaction.atomic
def queue_drain(team_id: int) -> int:
    """Assign queued chats of the team, oldest first, while an agent has a free slot (R3).
    Returns how many were assigned."""
    assigned = 0
    while True:
        candidates = _free_agents(teams=team_id)
        if not candidates:
            break
        conversation = (
            Conversation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("contact")
            .filter(team_id=team_id, status=ConversationStatus.QUEUED)
            .exclude(contact__is_blocked=True)
            .order_by("queued_at", "pk")
            .first()
        )
        if conversation is None:
            break
        _assign(conversation, _pick(conversation, candidates))
        assigned += 1
    if assigned:
        queue_notify_positions(team_id)
    return assigned


def queue_drain_for_agent(profile: AgentProfile) -> int:
    return sum(queue_drain(team_id) for team_id in profile.teams.values_list("id", flat=True))


def queue_notify_positions(team_id: int) -> None:
    """Tell every queued visitor of the team their place and estimated wait (W6)."""
    queued = list(
        Conversation.objects.filter(team_id=team_id, status=ConversationStatus.QUEUED)
        .order_by("queued_at", "pk")
        .values_list("pk", "visitor_id")
    )
    if not queued:
        return
    per_position = wait_per_position_s(Team.objects.get(pk=team_id))
    for position, (_pk, visitor_id) in enumerate(queued, start=1):
        send_event_on_commit(
            [visitor_group(visitor_id)],
            events.queue_position(position, math.ceil(position * per_position)),
        )


def queue_position_of_visitor(visitor) -> dict | None:
    """The ``queue.position`` frame of the visitor's queued chat, or None. Every visitor
    handshake asks and most visitors have no queued chat: a plain statement answers them,
    since building the ORM's query cost more than running it (docs/benchmarks.md)."""
    visitor_id = Visitor._meta.pk.get_db_prep_value(visitor.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(_QUEUED_CHAT, [visitor_id, ConversationStatus.QUEUED.value])
        if cursor.fetchone() is None:
            return None
    conversation = (
        Conversation.objects.select_related("team")
        .filter(visitor=visitor, status=ConversationStatus.QUEUED)
        .first()
    )
    return queue_position_of(conversation) if conversation else None


_QUEUED_CHAT = (
    f"SELECT 1 FROM {Conversation._meta.db_table} WHERE visitor_id = %s AND status = %s LIMIT 1"
)


def queue_position_of(conversation: Conversation) -> dict | None:
    """The ``queue.position`` frame for one queued chat, or None if it is not queued."""
    if conversation.status != ConversationStatus.QUEUED:
        return None
    ahead = Conversation.objects.filter(
        team_id=conversation.team_id,
        status=ConversationStatus.QUEUED,
        queued_at__lt=conversation.queued_at,
    ).count()
    position = ahead + 1
    return events.queue_position(position, estimated_wait_s(conversation.team, position))
