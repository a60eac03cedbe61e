"""The ticket state machine (T1).

    open    → pending, solved, spam
    pending → open, solved, spam
    solved  → open, spam
    spam    → open            ("not spam")

A solved ticket is reopened before it can wait on the customer again; a spam ticket is
restored to open before anything else. Setting the state a ticket already has changes
nothing."""

from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from tickets.errors import ErrorCode
from tickets.models import EventKind, TicketState
from tickets.services.timeline import TicketChange

TRANSITIONS: dict[str, frozenset[str]] = {
    TicketState.OPEN: frozenset({TicketState.PENDING, TicketState.SOLVED, TicketState.SPAM}),
    TicketState.PENDING: frozenset({TicketState.OPEN, TicketState.SOLVED, TicketState.SPAM}),
    TicketState.SOLVED: frozenset({TicketState.OPEN, TicketState.SPAM}),
    TicketState.SPAM: frozenset({TicketState.OPEN}),
}


def state_check(current: str, new) -> str:
    """``new`` as a state reachable from ``current``; DomainError (400) otherwise, saying
    which states are allowed."""
    if new not in TicketState.values:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            _("Unknown state “%(state)s”: use one of %(states)s.")
            % {"state": new, "states": ", ".join(TicketState.values)},
        )
    if new != current and new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current]))
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            _(
                "A ticket cannot go from “%(current)s” to “%(new)s”; "
                "from “%(current)s” it can go to: %(allowed)s."
            )
            % {"current": current, "new": new, "allowed": allowed},
        )
    return new


def state_apply(change: TicketChange, new: str, *, actor=None, reason: str = "") -> bool:
    """Move ``change.ticket`` to ``new`` (checked), keeping the state timestamps right and
    writing a ``state_changed`` entry. Returns whether the state changed."""
    ticket = change.ticket
    old = ticket.state
    state_check(old, new)
    if new == old:
        return False
    now = timezone.now()
    change.set(state=new)
    if new == TicketState.PENDING:
        change.set(pending_since=now)
    elif ticket.pending_since is not None:
        change.set(pending_since=None)
    if new == TicketState.SOLVED:
        change.set(solved_at=now)
    elif ticket.solved_at is not None:
        change.set(solved_at=None)
    data = {"from": old, "to": new}
    if reason:
        data["reason"] = reason
    change.record(EventKind.STATE_CHANGED, actor=actor, data=data)
    return True
