"""Reads of tickets, with the access rules every entry point shares."""

from django.db.models import Q, QuerySet

from accounts.roles import is_agent, is_supervisor
from tickets.models import Ticket


def tickets_visible_to(user) -> QuerySet[Ticket]:
    """The tickets ``user`` may see (O2).

    Supervisors and administrators see every ticket. An agent sees the tickets assigned to
    them, those of their teams (whoever holds them), and the unclaimed pool: tickets with
    neither an assignee nor a team. A ticket of another team that nobody holds yet stays
    in that team's pool. Anyone else (no agent profile, inactive) sees none.
    """
    tickets = Ticket.objects.all()
    if is_supervisor(user):
        return tickets
    if not is_agent(user):
        return tickets.none()
    team_ids = user.agent_profile.teams.values("id")
    return tickets.filter(
        Q(assignee=user) | Q(team__in=team_ids) | Q(assignee__isnull=True, team__isnull=True)
    )
