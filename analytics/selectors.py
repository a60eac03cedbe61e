"""Service analytics (N1–N3, N7): CSAT, NPS, first response times, chats and tickets over a
period, computed by aggregates in the database.

Each figure counts the rows *created* in ``[since, until)``: ratings and NPS answers when
given, chats when started, tickets when created. Filters:

- ``team``: ratings and NPS answers of the team (copied when given), chats and tickets of
  the team now;
- ``agent``: ratings of the agent (copied from the chat or ticket when rated), chats and
  tickets assigned to the agent now, NPS answers about those chats and tickets.

First response time is ``first_response_at − created_at`` of a chat (the visitor's first
message opens it) and ``first_public_reply_at − created_at`` of a ticket; the median and the
90th percentile are continuous percentiles (PostgreSQL ``percentile_cont``; the same
interpolation in Python over one ordered list of durations on other databases).

The number of queries does not depend on the data: five on PostgreSQL, seven elsewhere,
plus one to check each of ``team`` and ``agent`` when given.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, Team
from accounts.roles import is_agent, is_supervisor
from analytics.aggregates import PercentileCont, percentile
from analytics.errors import ErrorCode
from analytics.models import POSITIVE_RATING, ChatRating, NpsResponse, TicketRating
from chat.models import Conversation
from helpdesk.errors import DomainError, PermissionDenied
from tickets.models import Ticket, TicketState

DEFAULT_PERIOD = timedelta(days=30)
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


@dataclass(frozen=True, slots=True)
class Scope:
    since: datetime
    until: datetime
    team_id: int | None = None
    agent_id: int | None = None


def summary_scope_for_user(
    user,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    team_id: int | None = None,
    agent_id: int | None = None,
) -> Scope:
    """What ``user`` may see. Supervisors and administrators: anything. An agent: their
    own figures only (``agent`` is forced to them; another agent's id is PermissionDenied).
    The period defaults to the 30 days up to now. DomainError (400) for an empty period
    or an unknown team or agent."""
    if not is_agent(user):
        raise PermissionDenied(ErrorCode.NOT_AN_AGENT, _("Only the help desk's staff may do this."))
    if not is_supervisor(user):
        if agent_id is not None and agent_id != user.pk:
            raise PermissionDenied(
                ErrorCode.OWN_FIGURES_ONLY, _("Agents may see their own figures only.")
            )
        agent_id = user.pk
    until = until or timezone.now()
    since = since or until - DEFAULT_PERIOD
    if since >= until:
        raise DomainError(ErrorCode.INVALID_PERIOD, _("The period must end after it starts."))
    if team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise DomainError(ErrorCode.TEAM_NOT_FOUND, _("No such team."))
    if (
        agent_id is not None
        and agent_id != user.pk
        and not AgentProfile.objects.filter(user_id=agent_id).exists()
    ):
        raise DomainError(ErrorCode.AGENT_NOT_FOUND, _("No such agent."))
    return Scope(since, until, team_id, agent_id)


def analytics_summary(scope: Scope) -> dict:
    """``{"period", "filters", "csat", "nps", "first_response_time", "chats", "tickets"}``
    for ``scope`` (see the module's docstring for the definitions)."""
    chats, chat_frt = _chats(scope)
    tickets, ticket_frt = _tickets(scope)
    return {
        "period": {"since": scope.since.isoformat(), "until": scope.until.isoformat()},
        "filters": {"team": scope.team_id, "agent": scope.agent_id},
        "csat": _csat(scope),
        "nps": _nps(scope),
        "first_response_time": {"chat": chat_frt, "ticket": ticket_frt},
        "chats": chats,
        "tickets": tickets,
    }


def _in_period(queryset: QuerySet, scope: Scope) -> QuerySet:
    return queryset.filter(created_at__gte=scope.since, created_at__lt=scope.until)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _csat(scope: Scope) -> dict:
    ratings = positive = 0
    for model in (ChatRating, TicketRating):
        queryset = _in_period(model.objects.all(), scope)
        if scope.team_id is not None:
            queryset = queryset.filter(team_id=scope.team_id)
        if scope.agent_id is not None:
            queryset = queryset.filter(agent_id=scope.agent_id)
        row = queryset.aggregate(
            ratings=Count("id"), positive=Count("id", filter=Q(score__gte=POSITIVE_RATING))
        )
        ratings += row["ratings"]
        positive += row["positive"]
    return {"score": _percent(positive, ratings), "ratings": ratings, "positive": positive}


def _nps(scope: Scope) -> dict:
    queryset = _in_period(NpsResponse.objects.all(), scope)
    if scope.team_id is not None:
        queryset = queryset.filter(team_id=scope.team_id)
    if scope.agent_id is not None:
        queryset = queryset.filter(
            Q(conversation__assignee_id=scope.agent_id) | Q(ticket__assignee_id=scope.agent_id)
        )
    row = queryset.aggregate(
        responses=Count("id"),
        promoters=Count("id", filter=Q(score__gte=PROMOTER_MIN)),
        passives=Count("id", filter=Q(score__gt=DETRACTOR_MAX, score__lt=PROMOTER_MIN)),
        detractors=Count("id", filter=Q(score__lte=DETRACTOR_MAX)),
    )
    responses = row["responses"]
    score = (
        round(100 * (row["promoters"] - row["detractors"]) / responses, 1) if responses else None
    )
    return {"score": score, **row}


def _response_times(
    queryset: QuerySet, counts: dict, *, start: str, end: str, answered: Q
) -> tuple[dict, dict]:
    """Run ``counts`` (aggregates) over ``queryset`` together with the first response time
    percentiles of its ``answered`` rows (``end − start``). Returns the counts and
    ``{"median_s", "p90_s", "count"}``."""
    duration = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    postgres = connections[queryset.db].vendor == "postgresql"
    aggregates = {**counts, "_answered": Count("id", filter=answered)}
    if postgres:
        aggregates["_median"] = PercentileCont(duration, 0.5, filter=answered)
        aggregates["_p90"] = PercentileCont(duration, 0.9, filter=answered)
    row = queryset.aggregate(**aggregates)
    if postgres:
        median, p90 = row.pop("_median"), row.pop("_p90")
    else:
        ordered = list(
            queryset.filter(answered)
            .annotate(_duration=duration)
            .order_by("_duration")
            .values_list("_duration", flat=True)
        )
        median, p90 = percentile(ordered, 0.5), percentile(ordered, 0.9)
    figures = {"median_s": _seconds(median), "p90_s": _seconds(p90), "count": row.pop("_answered")}
    return row, figures


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds(), 1)


def _chats(scope: Scope) -> tuple[dict, dict]:
    queryset = _in_period(Conversation.objects.all(), scope)
    if scope.team_id is not None:
        queryset = queryset.filter(team_id=scope.team_id)
    if scope.agent_id is not None:
        queryset = queryset.filter(assignee_id=scope.agent_id)
    counts, figures = _response_times(
        queryset,
        {"total": Count("id"), "missed": Count("id", filter=Q(missed=True))},
        start="created_at",
        end="first_response_at",
        answered=Q(first_response_at__isnull=False),
    )
    return {**counts, "answered": figures["count"]}, figures


def _tickets(scope: Scope) -> tuple[dict, dict]:
    queryset = _in_period(Ticket.objects.all(), scope)
    if scope.team_id is not None:
        queryset = queryset.filter(team_id=scope.team_id)
    if scope.agent_id is not None:
        queryset = queryset.filter(assignee_id=scope.agent_id)
    by_state = {state: Count("id", filter=Q(state=state)) for state in TicketState.values}
    counts, figures = _response_times(
        queryset,
        {"created": Count("id"), **{f"state_{s}": c for s, c in by_state.items()}},
        start="created_at",
        end="first_public_reply_at",
        answered=Q(first_public_reply_at__isnull=False),
    )
    states = {state: counts.pop(f"state_{state}") for state in TicketState.values}
    return {"created": counts["created"], "by_state": states}, figures
