"""Writes on contacts: create, update, erase (C7), block, unblock, notes."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_supervisor
from analytics.models import ChatRating, NpsResponse, TicketRating
from chat.models import Attachment, AuthorType, Conversation, Message
from contacts import events
from contacts.errors import ErrorCode
from contacts.models import BlockRecord, Contact, ContactNote, Visitor
from helpdesk.errors import Conflict, DomainError, PermissionDenied
from helpdesk.events import send_event_on_commit, supervisors_group
from tickets.models import EventKind, Ticket, TicketEvent

EDITABLE_FIELDS = ("name", "email", "phone", "company", "language", "attributes")
ERASED_TICKET_TITLE = "[erased]"


def _clean_contact_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            ErrorCode.INVALID_CONTACT,
            _("Unknown contact fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
        )
    cleaned = {
        key: value.strip() if isinstance(value, str) else value for key, value in fields.items()
    }
    if "attributes" in cleaned and not isinstance(cleaned["attributes"], dict):
        raise DomainError(ErrorCode.INVALID_CONTACT, _("attributes must be a JSON object."))
    return cleaned


def contact_create(
    *,
    name: str = "",
    email: str = "",
    phone: str = "",
    company: str = "",
    language: str = "",
    attributes: dict | None = None,
) -> Contact:
    """Create a contact (C1) that no visitor has written from yet. Duplicate emails are
    allowed (C2: duplicates are merged later). Raises a validation error (400) on bad
    fields. Returns the saved contact."""
    fields = _clean_contact_fields(
        {
            "name": name,
            "email": email,
            "phone": phone,
            "company": company,
            "language": language,
            "attributes": attributes if attributes is not None else {},
        }
    )
    contact = Contact(**fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, **fields) -> Contact:
    """Change some of ``EDITABLE_FIELDS``; the others are left alone. Raises DomainError
    for unknown fields and a validation error (400) for bad values."""
    fields = _clean_contact_fields(fields)
    for key, value in fields.items():
        setattr(contact, key, value)
    contact.full_clean()
    if fields:
        contact.save(update_fields=list(fields))
    return contact


@transaction.atomic
def contact_erase(*, contact: Contact, actor) -> Contact:
    """Erase a contact's personal data (C7) while keeping the rows analytics count.

    Precondition: ``actor`` is a supervisor (PermissionDenied otherwise). Blanks the
    contact's name, email, phone, company and attributes; deletes its notes; blanks what
    its visitors told (browser, time zone, pre-chat answers), the bodies of their messages,
    chat titles, pages and visitor details, ticket titles, the customer's ticket messages
    and the text of ticket creations (which may carry a transcript), rating and NPS
    comments; deletes the files the person uploaded (after commit). Conversations,
    tickets, scores, timings and the block audit trail are kept. Returns the contact."""
    if not is_supervisor(actor):
        raise PermissionDenied(
            ErrorCode.SUPERVISOR_REQUIRED, _("Only supervisors may erase a contact.")
        )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact.name = contact.email = contact.phone = contact.company = ""
    contact.attributes = {}
    contact.save(update_fields=["name", "email", "phone", "company", "attributes"])
    contact.notes.all().delete()
    Visitor.objects.filter(contact=contact).update(user_agent="", timezone="", prechat={})

    conversations = Conversation.objects.filter(Q(contact=contact) | Q(visitor__contact=contact))
    conversations.update(title="", page={}, metadata={})
    Message.objects.filter(
        conversation__in=conversations.values("pk"), author_type=AuthorType.VISITOR
    ).update(body="")

    tickets = Ticket.objects.filter(requester=contact)
    tickets.update(title=ERASED_TICKET_TITLE)
    ticket_events = TicketEvent.objects.filter(ticket__in=tickets.values("pk"))
    customer_events = TicketEvent.objects.filter(
        Q(pk__in=ticket_events.filter(kind__in=[EventKind.CUSTOMER_MESSAGE, EventKind.CREATED]))
        | Q(contact=contact)
    )
    ticket_events.filter(kind=EventKind.TITLE_CHANGED).update(data={})

    ChatRating.objects.filter(conversation__in=conversations.values("pk")).update(comment="")
    TicketRating.objects.filter(ticket__in=tickets.values("pk")).update(comment="")
    NpsResponse.objects.filter(contact=contact).update(comment="")

    uploads = Attachment.objects.filter(
        Q(uploaded_by_visitor__contact=contact)
        | Q(ticket_events__in=customer_events.values("pk"), uploaded_by__isnull=True)
    ).distinct()
    _delete_attachments(list(uploads))
    customer_events.update(body="")
    return contact


def _delete_attachments(attachments: list[Attachment]) -> None:
    """Delete the rows now and the files once the transaction commits, so that a rollback
    leaves no row pointing at a missing file."""
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments]
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()

    def delete_files():
        for storage, name in files:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def contact_block(*, contact: Contact, actor, reason: str = "") -> Contact:
    """Block ``contact`` (A9, C3): its messages are still stored and acknowledged but no
    longer reach agents, and it cannot open new chats. Records who did it and why.
    Emits ``contact.blocked``. Raises Conflict when already blocked."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_blocked:
        raise Conflict(ErrorCode.ALREADY_BLOCKED, _("This contact is already blocked."))
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
        raise Conflict(ErrorCode.NOT_BLOCKED, _("This contact is not blocked."))
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
        raise DomainError(ErrorCode.EMPTY_NOTE, _("A note cannot be empty."))
    return ContactNote.objects.create(contact=contact, author=author, body=body)


def contact_note_edit(*, note: ContactNote, body: str) -> ContactNote:
    body = body.strip()
    if not body:
        raise DomainError(ErrorCode.EMPTY_NOTE, _("A note cannot be empty."))
    note.body = body
    note.save(update_fields=["body", "updated_at"])
    return note
