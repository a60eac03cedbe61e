"""The entry point of inbound email: django-anymail's ``inbound`` signal, sent by every
provider's webhook (``/anymail/<provider>/inbound/``) once anymail has checked its
credentials, and the ``ingest_email`` command. Both turn the message into an
:class:`~tickets.services.InboundEmail` and call ``email_receive``; nothing else here."""

import html
import logging
import re

import nh3
from anymail.inbound import AnymailInboundMessage

from tickets.services import InboundEmail, InboundFile, Received, email_receive

logger = logging.getLogger(__name__)

_BLOCK_END = re.compile(r"<\s*(br\s*/?|/p|/div|/li|/tr|/h\d|/blockquote)\s*>", re.I)
_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def html_to_text(markup: str) -> str:
    """Readable text from an HTML-only email: line breaks kept, every tag dropped."""
    text = _BLOCK_END.sub("\n", markup or "")
    text = nh3.clean(text, tags=set(), clean_content_tags={"script", "style", "head", "title"})
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip()


def _addresses(message: AnymailInboundMessage, *headers: str) -> list[str]:
    found = []
    for header in headers:
        found += [a.addr_spec for a in message.get_address_header(header) if a.addr_spec]
    return found


def _is_auto_submitted(message: AnymailInboundMessage) -> bool:
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto != "no"
        or precedence in _AUTO_PRECEDENCE
        or message.get("X-Autoreply") is not None
        or message.get("X-Autorespond") is not None
    )


def inbound_email_from_message(
    message: AnymailInboundMessage, *, event_id: str = "", raw: bytes = b""
) -> InboundEmail:
    """What ``email_receive`` needs from a parsed email, whatever the provider."""
    sender = message.from_email
    if isinstance(sender, list):  # several From addresses: legal, rare; take the first
        sender = sender[0] if sender else None
    text = message.text or ""
    if not text.strip() and message.html:
        text = html_to_text(message.html)
    files = []
    # Inline parts count too: screenshots pasted into the text are what agents need.
    parts = [
        part
        for part in message.walk()
        if part.is_attachment() or (part.is_inline() and part.get_filename())
    ]
    for part in parts:
        try:
            content = part.get_content_bytes() or b""
        except (ValueError, AssertionError):
            continue
        files.append(
            InboundFile(
                name=part.get_filename() or "attachment",
                content_type=part.get_content_type(),
                content=content,
            )
        )
    recipients = _addresses(message, "To", "Cc", "Delivered-To", "X-Original-To")
    if message.envelope_recipient:
        recipients.insert(0, message.envelope_recipient)
    return InboundEmail(
        from_email=sender.addr_spec if sender else "",
        from_name=sender.display_name if sender else "",
        recipients=recipients,
        subject=str(message.subject or ""),
        text=text.replace("\r\n", "\n").strip("\n"),
        message_id=str(message.get("Message-ID") or "").strip(),
        in_reply_to=str(message.get("In-Reply-To") or ""),
        references=str(message.get("References") or ""),
        attachments=files,
        auto_submitted=_is_auto_submitted(message),
        spam_detected=bool(message.spam_detected),
        event_id=event_id or "",
        raw=raw,
    )


def inbound_received(sender, event, esp_name, **kwargs) -> Received:
    """Receiver of ``anymail.signals.inbound`` (connected in ``TicketsConfig.ready``).
    An exception here makes the webhook answer 500, so the provider delivers again later."""
    received = email_receive(
        email=inbound_email_from_message(event.message, event_id=event.event_id or "")
    )
    logger.info(
        "inbound email via %s: %s",
        esp_name,
        "duplicate" if received.duplicate else received.ignored or "stored",
    )
    return received
