"""What every ticket write shares: locking the row, writing timeline entries (T8) and
announcing the change once the transaction commits."""

from dataclasses import dataclass, field

from django.utils import timezone

from helpdesk.events import send_event_on_commit
from tickets import events
from tickets.audience import ticket_groups
from tickets.models import EventKind, Ticket, TicketEvent


def ticket_locked(ticket: Ticket) -> Ticket:
    """The ticket's row, locked for the rest of the transaction, with what payloads need.
    Every writer of a ticket locks it, so that concurrent changes (an agent's reply, the
    customer's email, the auto-solver) apply one after the other."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester", "assignee__agent_profile", "team")
        .get(pk=ticket.pk)
    )


@dataclass
class TicketChange:
    """The timeline entries and changed fields of one service call, announced as one
    ``ticket.updated`` (or ``ticket.created``) event."""

    ticket: Ticket
    entries: list[tuple[TicketEvent, list]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    previous_assignee_id: int | None = None
    previous_team_id: int | None = None

    def __post_init__(self):
        self.previous_assignee_id = self.ticket.assignee_id
        self.previous_team_id = self.ticket.team_id

    def record(
        self,
        kind: EventKind,
        *,
        actor=None,
        contact=None,
        body: str = "",
        data: dict | None = None,
        email_message_id: str = "",
        attachments: list | None = None,
    ) -> TicketEvent:
        event = TicketEvent.objects.create(
            ticket=self.ticket,
            kind=kind,
            actor=actor,
            contact=contact,
            body=body,
            data=data or {},
            email_message_id=email_message_id,
        )
        attachments = list(attachments or [])
        if attachments:
            event.attachments.add(*attachments)
        self.entries.append((event, attachments))
        return event

    def set(self, **values) -> None:
        """Set ticket fields (saved by :meth:`save`)."""
        for name, value in values.items():
            setattr(self.ticket, name, value)
            if name not in self.fields:
                self.fields.append(name)
            self.mark(name)

    def mark(self, name: str) -> None:
        """Name a change announced in ``changes`` that is not a column (``tags``)."""
        if name not in self.changed:
            self.changed.append(name)

    def save(self) -> None:
        """Save the changed fields; ``updated_at`` moves with every timeline entry, so the
        default ordering (most recently active first) follows customer messages too."""
        self.ticket.updated_at = timezone.now()
        self.ticket.save(update_fields=[*self.fields, "updated_at"])

    def announce(self, *, created: bool = False, notify: bool = True) -> None:
        """Queue ``ticket.created`` / ``ticket.updated`` for after the commit. ``notify``
        False (a blocked contact's email) tells nobody."""
        if not notify:
            return
        tags = [tag.name for tag in self.ticket.tags.all()]
        entries = [events.ticket_event_payload(e, attachments) for e, attachments in self.entries]
        if created:
            event = events.ticket_created(self.ticket, entries, tags)
        else:
            event = events.ticket_updated(self.ticket, entries, self.changed, tags)
        groups = ticket_groups(
            self.ticket,
            previous_assignee_id=self.previous_assignee_id,
            previous_team_id=self.previous_team_id,
        )
        send_event_on_commit(groups, event)
