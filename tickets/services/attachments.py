"""Files on tickets (T5): from agents (``ticket_attach``) and from inbound email.

A file is refused unless its type is in ``settings.ATTACHMENT_CONTENT_TYPES``, its first
bytes agree with that type (for the types known below), and it fits
``settings.ATTACHMENT_MAX_BYTES``. It is stored under a random name; the sender's name for
it is kept as data only."""

import os
import secrets
import unicodedata

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chat.models import Attachment
from helpdesk.errors import DomainError, NotFound
from tickets.errors import ErrorCode
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.services.timeline import TicketChange, ticket_locked

MAX_FILES_PER_EVENT = 10


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.reason == "unexpected end of data"
    return True


SIGNATURES = {
    "image/png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "image/gif": lambda h: h.startswith((b"GIF87a", b"GIF89a")),
    "image/webp": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP",
    "application/pdf": lambda h: h.startswith(b"%PDF-"),
    "text/plain": _text,
    "text/csv": _text,
}


def file_name_clean(name: str) -> str:
    """A base name without path parts or control characters, 255 characters at most."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name or "file"


def attachment_check(*, name: str, content_type: str, content: bytes) -> str:
    """The normalised content type of an acceptable file; DomainError otherwise."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if not content:
        raise DomainError(ErrorCode.ATTACHMENT_EMPTY, _("“%(name)s” is empty.") % {"name": name})
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            ErrorCode.ATTACHMENT_TOO_LARGE,
            _("“%(name)s” is larger than %(max)d bytes.")
            % {"name": name, "max": settings.ATTACHMENT_MAX_BYTES},
        )
    allowed = [t.lower() for t in settings.ATTACHMENT_CONTENT_TYPES]
    sniff = SIGNATURES.get(content_type)
    if content_type not in allowed or (sniff is not None and not sniff(content[:2048])):
        raise DomainError(
            ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
            _("Files of type “%(type)s” are not accepted.") % {"type": content_type or "?"},
        )
    return content_type


def attachment_store(
    *,
    name: str,
    content_type: str,
    content: bytes,
    uploaded_by=None,
    uploaded_by_visitor=None,
    conversation=None,
    checked: bool = True,
) -> Attachment:
    """Check (unless ``checked`` is False: a file the desk itself made) and store one
    file. Raises DomainError when it is refused."""
    name = file_name_clean(name)
    if checked:
        content_type = attachment_check(name=name, content_type=content_type, content=content)
    extension = os.path.splitext(name)[1][:20].lower()
    attachment = Attachment(
        name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by=uploaded_by,
        uploaded_by_visitor=uploaded_by_visitor,
        conversation=conversation,
    )
    attachment.file.save(f"{secrets.token_hex(16)}{extension}", ContentFile(content), save=False)
    attachment.save()
    return attachment


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
        if upload.size is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise DomainError(
                ErrorCode.ATTACHMENT_TOO_LARGE,
                _("“%(name)s” is larger than %(max)d bytes.")
                % {"name": upload.name, "max": settings.ATTACHMENT_MAX_BYTES},
            )
        stored.append(
            attachment_store(
                name=upload.name,
                content_type=getattr(upload, "content_type", ""),
                content=upload.read(),
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
