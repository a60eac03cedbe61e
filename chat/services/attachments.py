"""Uploaded files (W10, T5), from the widget, the dashboard and inbound email: one set of
checks and one way of storing them.

A file is refused unless its declared type is in ``settings.ATTACHMENT_CONTENT_TYPES``, its
first bytes match that type (for the types known below), and it fits the size limit
(``settings.ATTACHMENT_MAX_BYTES``, or a widget's lower one). It is stored under a random
name; the sender's name for it is kept only as data (it goes into ``Content-Disposition``)."""

import os
import secrets
import unicodedata

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from chat.errors import ErrorCode
from chat.models import Attachment
from contacts.models import Visitor
from helpdesk.errors import DomainError

SNIFF_BYTES = 2048


def _is_text(head: bytes) -> bool:
    """UTF-8 without NUL bytes; the last character may be cut by the sniff window."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def _zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


# How each known type begins. A type configured in ATTACHMENT_CONTENT_TYPES without an
# entry here is accepted on its declared type alone: the administrator chose it.
SIGNATURES = {
    "image/png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "image/gif": lambda h: h.startswith((b"GIF87a", b"GIF89a")),
    "image/webp": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP",
    "application/pdf": lambda h: h.startswith(b"%PDF-"),
    "application/zip": _zip,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _zip,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _zip,
    "application/vnd.oasis.opendocument.text": _zip,
    "text/plain": _is_text,
    "text/csv": _is_text,
}


def clean_name(name: str) -> str:
    """The file's base name without control characters or path parts, at most 255 chars."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name or "file"


def attachment_check(
    *, name: str, content_type: str, size: int, head: bytes, max_bytes: int | None = None
) -> str:
    """The normalised content type of an acceptable file; DomainError (400) otherwise."""
    max_bytes = min(max_bytes or settings.ATTACHMENT_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES)
    if size > max_bytes:
        raise DomainError(
            ErrorCode.ATTACHMENT_TOO_LARGE,
            _("“%(name)s” is larger than %(max)d bytes.") % {"name": name, "max": max_bytes},
        )
    if not size:
        raise DomainError(ErrorCode.ATTACHMENT_EMPTY, _("“%(name)s” is empty.") % {"name": name})
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type not in {t.lower() for t in settings.ATTACHMENT_CONTENT_TYPES}:
        raise DomainError(
            ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
            _("Files of type “%(type)s” are not accepted.") % {"type": content_type or "?"},
        )
    matches = SIGNATURES.get(content_type)
    if matches is not None and not matches(head[:SNIFF_BYTES]):
        raise DomainError(
            ErrorCode.ATTACHMENT_TYPE_MISMATCH,
            _("The content of “%(name)s” is not of type “%(type)s”.")
            % {"name": name, "type": content_type},
        )
    return content_type


def attachment_store(
    *,
    name: str,
    content_type: str,
    content: bytes | File,
    uploaded_by=None,
    uploaded_by_visitor=None,
    conversation=None,
    max_bytes: int | None = None,
    checked: bool = True,
) -> Attachment:
    """Check (unless ``checked`` is False: a file the desk itself made) and store one
    file, given as bytes or as an uploaded file. Raises DomainError when it is refused."""
    name = clean_name(name)
    if isinstance(content, bytes):
        size, head, content = len(content), content[:SNIFF_BYTES], ContentFile(content)
    else:
        content.seek(0)
        size, head = content.size, content.read(SNIFF_BYTES)
        content.seek(0)
    if checked:
        content_type = attachment_check(
            name=name, content_type=content_type, size=size, head=head, max_bytes=max_bytes
        )
    attachment = Attachment(
        name=name,
        content_type=content_type,
        size=size,
        uploaded_by=uploaded_by,
        uploaded_by_visitor=uploaded_by_visitor,
        conversation=conversation,
    )
    extension = os.path.splitext(name)[1][:20].lower()
    attachment.file.save(f"{secrets.token_urlsafe(16)}{extension}", content, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_upload_for_visitor(*, visitor: Visitor, file) -> Attachment:
    """Store a visitor's upload, not yet in any chat: ``message.send`` with its id attaches
    it to the visitor's conversation. Raises DomainError (400) for a missing, empty, too
    large or disallowed file. No event: nothing is shown until the message is sent."""
    if file is None:
        raise DomainError(ErrorCode.ATTACHMENT_MISSING, _("Send the file in the “file” field."))
    return attachment_store(
        name=file.name,
        content_type=file.content_type,
        content=file,
        uploaded_by_visitor=visitor,
        max_bytes=visitor.widget.attachment_max_bytes,
    )
