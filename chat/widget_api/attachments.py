"""Attachments uploaded from the widget (W10): checks, storage and who may read them.

An upload is refused unless its declared type is in ``settings.ATTACHMENT_CONTENT_TYPES``,
its first bytes match that type, and it fits both the widget's limit and
``settings.ATTACHMENT_MAX_BYTES``. Files are stored under a random name; the visitor's
name for the file is kept only as data (it goes into ``Content-Disposition``)."""

import os
import secrets
import unicodedata
from enum import StrEnum

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.roles import is_agent
from chat.errors import ErrorCode
from chat.models import Attachment
from chat.selectors import conversation_get_for_agent
from contacts.models import Visitor
from helpdesk.errors import DomainError, NotFound

SNIFF_BYTES = 2048


class UploadErrorCode(StrEnum):
    NO_FILE = "attachment_missing"
    EMPTY = "attachment_empty"
    TOO_LARGE = "attachment_too_large"
    TYPE_NOT_ALLOWED = "attachment_type_not_allowed"
    TYPE_MISMATCH = "attachment_type_mismatch"


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


def max_bytes_for(visitor: Visitor) -> int:
    return min(visitor.widget.attachment_max_bytes, settings.ATTACHMENT_MAX_BYTES)


def clean_name(name: str) -> str:
    """The file's base name without control characters or path parts, at most 255 chars."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name or "file"


def check_upload(file: UploadedFile | None, *, max_bytes: int) -> str:
    """Raise DomainError (400) unless the file may be stored; return its content type."""
    if file is None:
        raise DomainError(UploadErrorCode.NO_FILE, "Send the file in the “file” field.")
    if file.size > max_bytes:
        raise DomainError(UploadErrorCode.TOO_LARGE, f"A file may hold {max_bytes} bytes at most.")
    if not file.size:
        raise DomainError(UploadErrorCode.EMPTY, "The file is empty.")
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    if content_type not in {t.lower() for t in settings.ATTACHMENT_CONTENT_TYPES}:
        raise DomainError(
            UploadErrorCode.TYPE_NOT_ALLOWED, f"Files of type “{content_type}” are not accepted."
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    matches = SIGNATURES.get(content_type)
    if matches is not None and not matches(head):
        raise DomainError(
            UploadErrorCode.TYPE_MISMATCH, f"The file's content is not of type “{content_type}”."
        )
    return content_type


@transaction.atomic
def attachment_upload_for_visitor(*, visitor: Visitor, file: UploadedFile | None) -> Attachment:
    """Store a visitor's upload, not yet in any chat: ``message.send`` with its id attaches
    it to the visitor's conversation. Raises DomainError (400) for a missing, empty, too
    large or disallowed file. No event: nothing is shown until the message is sent."""
    content_type = check_upload(file, max_bytes=max_bytes_for(visitor))
    name = clean_name(file.name)
    extension = os.path.splitext(name)[1][:20].lower()
    attachment = Attachment(
        name=name, content_type=content_type, size=file.size, uploaded_by_visitor=visitor
    )
    attachment.file.save(f"{secrets.token_urlsafe(16)}{extension}", file, save=False)
    attachment.save()
    return attachment


def _attachment(attachment_id) -> Attachment:
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, "No such attachment.")
    return attachment


def attachment_get_for_visitor(visitor: Visitor, attachment_id: int) -> Attachment:
    """An attachment of the visitor's own chats, or one they uploaded and have not sent
    yet. NotFound otherwise, whether or not it exists."""
    attachment = _attachment(attachment_id)
    if attachment.conversation_id is not None:
        allowed = attachment.conversation.visitor_id == visitor.pk
    else:
        allowed = attachment.uploaded_by_visitor_id == visitor.pk
    if not allowed:
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, "No such attachment.")
    return attachment


def attachment_get_for_agent(user, attachment_id: int) -> Attachment:
    """An attachment of a chat the agent may see (``conversation_get_for_agent``), or one
    the agent uploaded and has not sent yet. NotFound otherwise."""
    attachment = _attachment(attachment_id)
    if attachment.conversation_id is not None:
        conversation_get_for_agent(user, attachment.conversation_id)
    elif not (is_agent(user) and attachment.uploaded_by_id == user.pk):
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, "No such attachment.")
    return attachment
