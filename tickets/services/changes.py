"""Changing a ticket: state (T1), assignee, team, title, priority, tags (T4), spam (T7),
and the automatic solving of tickets left pending (B4)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.services import contact_block
from helpdesk.errors import DomainError
from tickets import conf
from tickets.errors import ErrorCode
from tickets.models import EventKind, Ticket, TicketState
from tickets.services import validation
from tickets.services.states import state_apply
from tickets.services.tags import tags_resolve
from tickets.services.timeline import TicketChange, ticket_locked

UNSET = object()
EDITABLE = ("state", "title", "assignee", "team", "priority", "tags")


def _apply_assignee(change: TicketChange, assignee_id, actor) -> None:
    user = validation.agent_lookup(assignee_id) if assignee_id is not None else None
    if change.ticket.assignee_id == (user.pk if user else None):
        return
    previous = change.ticket.assignee_id
    change.set(assignee=user)
    change.record(
        EventKind.ASSIGNED, actor=actor, data={"from": previous, "to": user.pk if user else None}
    )


def _apply_team(change: TicketChange, team_id, actor) -> None:
    team = validation.team_lookup(team_id) if team_id is not None else None
    if change.ticket.team_id == (team.pk if team else None):
        return
    previous = change.ticket.team_id
    change.set(team=team)
    change.record(
        EventKind.TEAM_CHANGED,
        actor=actor,
        data={"from": previous, "to": team.pk if team else None},
    )


def _apply_title(change: TicketChange, title, actor) -> None:
    title = validation.clean_title(title)
    if title == change.ticket.title:
        return
    change.record(
        EventKind.TITLE_CHANGED, actor=actor, data={"from": change.ticket.title, "to": title}
    )
    change.set(title=title)


def _apply_priority(change: TicketChange, priority, actor) -> None:
    priority = validation.clean_priority(priority)
    if priority == change.ticket.priority:
        return
    change.record(
        EventKind.PRIORITY_CHANGED,
        actor=actor,
        data={"from": change.ticket.priority, "to": priority},
    )
    change.set(priority=priority)


def _apply_tags(change: TicketChange, names, actor) -> None:
    rows = tags_resolve(names)
    before = sorted(tag.name for tag in change.ticket.tags.all())
    after = sorted(tag.name for tag in rows)
    if before == after:
        return
    change.ticket.tags.set(rows)
    change.record(EventKind.TAGS_CHANGED, actor=actor, data={"from": before, "to": after})
    change.mark("tags")


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor,
    state=UNSET,
    title=UNSET,
    assignee_id=UNSET,
    team_id=UNSET,
    priority=UNSET,
    tags=UNSET,
) -> Ticket:
    """Change any of state, title, assignee, team, priority and tags at once (T4), all
    or nothing. Each actual change writes its own timeline entry; values equal to the
    current ones change nothing. ``assignee_id`` / ``team_id`` None unassign.

    Raises DomainError (``invalid_transition``, ``invalid_state``, ``invalid_title``,
    ``invalid_priority``, ``invalid_tag``) or NotFound (``agent_not_found``,
    ``team_not_found``). Emits one ``ticket.updated`` when something changed, also to the
    agent or team the ticket left. Returns the ticket."""
    ticket = ticket_locked(ticket)
    change = TicketChange(ticket)
    if title is not UNSET:
        _apply_title(change, title, actor)
    if priority is not UNSET:
        _apply_priority(change, priority, actor)
    if team_id is not UNSET:
        _apply_team(change, team_id, actor)
    if assignee_id is not UNSET:
        _apply_assignee(change, assignee_id, actor)
    if tags is not UNSET:
        _apply_tags(change, tags, actor)
    if state is not UNSET:
        state_apply(change, state, actor=actor)
    if change.entries:
        change.changed = [name for name in change.changed if name != "tags"]
        change.save()
        if tags is not UNSET:
            change.mark("tags")
        change.announce()
    return change.ticket


def ticket_set_state(*, ticket: Ticket, actor, state: str) -> Ticket:
    """Move a ticket to ``state`` through the state machine (T1, ``tickets.services.states``).
    Invalid transitions raise DomainError ``invalid_transition`` (400) naming the allowed
    states. Emits ``ticket.updated``. Returns the ticket."""
    return ticket_update(ticket=ticket, actor=actor, state=state)


def ticket_assign(*, ticket: Ticket, actor, assignee_id: int | None) -> Ticket:
    """Give the ticket to an agent (None: unassign). NotFound for users who are not
    active agents. Emits ``ticket.updated`` to the new and the previous assignee."""
    return ticket_update(ticket=ticket, actor=actor, assignee_id=assignee_id)


@transaction.atomic
def ticket_mark_spam(
    *, ticket: Ticket, actor, block_requester: bool = False, reason: str = ""
) -> Ticket:
    """Mark a ticket as spam (T7): it leaves the default lists. With ``block_requester``
    the requester is blocked too (``contacts.services.contact_block``; already blocked is
    fine), so that their next emails are kept as spam and nobody is told. Emits
    ``ticket.updated`` (and ``contact.blocked``). Returns the ticket."""
    ticket = ticket_update(ticket=ticket, actor=actor, state=TicketState.SPAM)
    if block_requester and not ticket.requester.is_blocked:
        ticket.requester = contact_block(
            contact=ticket.requester, actor=actor, reason=reason or _("Spam")
        )
    return ticket


def ticket_autosolve_pending(*, now=None, days: int | None = None) -> list[int]:
    """Solve the tickets pending for ``days`` (``settings.TICKET_AUTO_SOLVE_DAYS``,
    default 7) or more (B4). Each ticket is locked and checked again in its own
    transaction, so that a customer answer arriving meanwhile wins. Writes a
    ``state_changed`` entry with reason ``auto_solve`` and emits ``ticket.updated`` per
    ticket. Returns the ids solved."""
    days = days if days is not None else conf.auto_solve_days()
    if not isinstance(days, int) or days < 1:
        raise DomainError(ErrorCode.INVALID_STATE, _("The auto-solve delay is a number of days."))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    candidates = Ticket.objects.filter(
        state=TicketState.PENDING, pending_since__lte=cutoff
    ).values_list("pk", flat=True)
    solved = []
    for pk in list(candidates.order_by("pending_since")):
        with transaction.atomic():
            ticket = ticket_locked(Ticket(pk=pk))
            if ticket.state != TicketState.PENDING or ticket.pending_since > cutoff:
                continue
            change = TicketChange(ticket)
            state_apply(change, TicketState.SOLVED, reason="auto_solve")
            change.save()
            change.announce()
            solved.append(pk)
    return solved
