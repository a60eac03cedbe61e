"""Writes on contacts: block, unblock, notes."""

from django.db import transaction
from django.utils import timezone

from contacts import events
from contacts.errors import ErrorCode
from contacts.models import BlockRecord, Contact, ContactNote
from helpdesk.errors import Conflict, DomainError
from helpdesk.events import send_event_on_commit, supervisors_group


@transaction.atomic
def contact_block(*, contact: Contact, actor, reason: str = "") -> Contact:
    """Block ``contact`` (A9, C3): its messages are still stored and acknowledged but no
    longer reach agents, and it cannot open new chats. Records who did it and why.
    Emits ``contact.blocked``. Raises Conflict when already blocked."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_blocked:
        raise Conflict(ErrorCode.ALREADY_BLOCKED, "This contact is already blocked.")
    contact.is_blocked = True
    contact.blocked_reason = reason
    contact.blocked_by = actor
    contact.blocked_at = timezone.now()
    contact.save(update_fields=["is_blocked", "blocked_reason", "blocked_by", "blocked_at"])
    BlockRecord.objects.create(
        contact=contact, action=BlockRecord.Action.BLOCK, reason=reason, actor=actor
    )
    send_event_on_commit([supervisors_group()], events.contact_blocked(contact))
    return contact


@transaction.atomic
def contact_unblock(*, contact: Contact, actor, reason: str = "") -> Contact:
    """Unblock ``contact``: delivery to agents resumes. Emits ``contact.unblocked``."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.is_blocked:
        raise Conflict(ErrorCode.NOT_BLOCKED, "This contact is not blocked.")
    contact.is_blocked = False
    contact.blocked_reason = ""
    contact.blocked_by = None
    contact.blocked_at = None
    contact.save(update_fields=["is_blocked", "blocked_reason", "blocked_by", "blocked_at"])
    BlockRecord.objects.create(
        contact=contact, action=BlockRecord.Action.UNBLOCK, reason=reason, actor=actor
    )
    send_event_on_commit([supervisors_group()], events.contact_unblocked(contact))
    return contact


def contact_note_add(*, contact: Contact, author, body: str) -> ContactNote:
    """Add a note (C4). Empty notes are refused."""
    body = body.strip()
    if not body:
        raise DomainError("invalid", "A note cannot be empty.")
    return ContactNote.objects.create(contact=contact, author=author, body=body)


def contact_note_edit(*, note: ContactNote, body: str) -> ContactNote:
    body = body.strip()
    if not body:
        raise DomainError("invalid", "A note cannot be empty.")
    note.body = body
    note.save(update_fields=["body", "updated_at"])
    return note
