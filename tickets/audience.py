"""Who hears about a ticket: supervisors, its assignee, its team (and those it just left)."""

from helpdesk.events import agent_group, supervisors_group, team_group
from tickets.models import Ticket


def ticket_groups(ticket: Ticket, *, previous_assignee_id=None, previous_team_id=None) -> list:
    """The channel-layer groups of the agents concerned by ``ticket``. An assignee or team
    that the change just removed is told too, so their lists drop the ticket. A ticket
    with neither assignee nor team (the unclaimed pool) reaches supervisors only."""
    groups = [supervisors_group()]
    for user_id in (ticket.assignee_id, previous_assignee_id):
        if user_id:
            groups.append(agent_group(user_id))
    for team_id in (ticket.team_id, previous_team_id):
        if team_id:
            groups.append(team_group(team_id))
    return list(dict.fromkeys(groups))
