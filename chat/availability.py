"""Whether a widget can take a chat now (W4, R4, R5), and queue estimates (W6)."""

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Avg, F, Sum
from django.utils import timezone

from accounts.models import AgentProfile, AgentStatus, Team
from chat.models import Conversation, ConversationStatus, Widget

DEFAULT_HANDLE_TIME_S = 300
HANDLE_TIME_SAMPLE = 50


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str | None = None  # "closed", "nobody_accepting", "queue_full", "inactive"


def team_is_open(team: Team, at: datetime | None = None) -> bool:
    """Business hours in the team's time zone, holidays excluded (R4)."""
    if team.always_open:
        return True
    local = (at or timezone.now()).astimezone(ZoneInfo(team.timezone))
    if team.holidays.filter(date=local.date()).exists():
        return False
    return team.business_hours.filter(
        weekday=local.weekday(), opens_at__lte=local.time(), closes_at__gt=local.time()
    ).exists()


def accepting_agents(team: Team):
    return AgentProfile.objects.filter(
        teams=team, status=AgentStatus.ACCEPTING, user__is_active=True
    )


def queue_length(team: Team) -> int:
    return Conversation.objects.filter(team=team, status=ConversationStatus.QUEUED).count()


def estimated_wait_s(team: Team, position: int) -> int:
    """Position × recent average handling time ÷ the team's accepting capacity."""
    return math.ceil(position * wait_per_position_s(team))


def wait_per_position_s(team: Team) -> float:
    """How long each place in the queue adds to the wait, from recent chats."""
    recent = (
        Conversation.objects.filter(
            team=team, status=ConversationStatus.CLOSED, assigned_at__isnull=False
        )
        .order_by("-closed_at")
        .values("pk")[:HANDLE_TIME_SAMPLE]
    )
    average = Conversation.objects.filter(pk__in=recent).aggregate(
        handle=Avg(F("closed_at") - F("assigned_at"))
    )["handle"]
    handle_s = average.total_seconds() if average else DEFAULT_HANDLE_TIME_S
    capacity = accepting_agents(team).aggregate(total=Sum("slots"))["total"] or 1
    return handle_s / capacity


def widget_availability(widget: Widget) -> Availability:
    """False outside hours, with nobody accepting, or with the queue over the widget's
    limits; the widget then shows the offline form."""
    team = widget.team
    if not widget.is_active:
        return Availability(False, "inactive")
    if not team_is_open(team):
        return Availability(False, "closed")
    if not accepting_agents(team).exists():
        return Availability(False, "nobody_accepting")
    waiting = queue_length(team)
    if widget.max_queue_length is not None and waiting >= widget.max_queue_length:
        return Availability(False, "queue_full")
    if (
        widget.max_wait_s is not None
        and waiting
        and (estimated_wait_s(team, waiting + 1) > widget.max_wait_s)
    ):
        return Availability(False, "queue_full")
    return Availability(True)
