"""Files on tickets (T5), from agents (``ticket_attach``) and from inbound email; the
checks and the storing are chat.services.attachments', shared with the widget."""

from django.db import transaction
from django.utils.translation import gettext as _

from chat.models import Attachment
from chat.services.attachments import attachment_store
from helpdesk.errors import DomainError, NotFound
from tickets.errors import ErrorCode
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.services.timeline import TicketChange, ticket_locked

MAX_FILES_PER_EVENT = 10


def ticket_attachments_get(ticket: Ticket, ids) -> list[Attachment]:
    """The attachments named by ``ids``, each already on one of the ticket's entries."""
    ids = ids or []
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise DomainError(ErrorCode.ATTACHMENT_NOT_FOUND, _("attachments is a list of ids."))
    if len(ids) > MAX_FILES_PER_EVENT:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTACHMENTS,
            _("At most %(max)d files at once.") % {"max": MAX_FILES_PER_EVENT},
        )
    if not ids:
        return []
    attachments = list(
        Attachment.objects.filter(pk__in=ids, ticket_events__ticket=ticket).distinct()
    )
    if len(attachments) != len(set(ids)):
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, _("An attachment is not on this ticket."))
    return attachments


@transaction.atomic
def ticket_attach(*, ticket: Ticket, actor, files: list) -> TicketEvent:
    """Add files to a ticket (T5): an ``attachment_added`` entry holding them. ``files``
    are uploaded files (``name``, ``content_type``, ``read()``). The attachments' ids can
    then go with a reply, which emails them. Raises DomainError when a file is missing or
    refused (nothing is stored then). Emits ``ticket.updated``. Returns the entry."""
    if not files:
        raise DomainError(ErrorCode.ATTACHMENT_MISSING, _("Choose a file to attach."))
    if len(files) > MAX_FILES_PER_EVENT:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTACHMENTS,
            _("At most %(max)d files at once.") % {"max": MAX_FILES_PER_EVENT},
        )
    ticket = ticket_locked(ticket)
    stored = []
    for upload in files:
        stored.append(
            attachment_store(
                name=upload.name,
                content_type=getattr(upload, "content_type", ""),
                content=upload,
                uploaded_by=actor,
            )
        )
    change = TicketChange(ticket)
    event = change.record(
        EventKind.ATTACHMENT_ADDED,
        actor=actor,
        data={"names": [a.name for a in stored]},
        attachments=stored,
    )
    change.save()
    change.announce()
    return event
