"""Email in (T2, W5, I3): one handler for every provider's inbound webhook and for the
``ingest_email`` command.

Routing, first match wins:
1. the reply address (``reply+<token>@…`` names a ticket, ``reply+c<id>.<sig>@…`` a chat);
2. In-Reply-To / References naming an email of a ticket (stored ids, or the ticket's
   signed root id) or of a chat (signed ids);
3. otherwise a new ticket, from the sender's contact (created when unknown).
An answer to a chat joins the chat while it is open, else the chat's ticket (created from
the chat, with its transcript, when it has none).

The same email delivered twice stores one message: its Message-ID (or the provider's
event id, or a hash of the content) is unique among ticket entries and, for chats, is the
message's ``client_id``."""

import hashlib
import logging
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Team
from chat.models import Conversation, Message
from chat.services.attachments import attachment_store
from chat.services.messages import visitor_message_send
from contacts.models import Contact
from helpdesk.errors import DomainError
from tickets import conf
from tickets.email import addresses, quoting
from tickets.models import Source, Ticket, TicketEvent, TicketState
from tickets.services import validation
from tickets.services.create import ticket_create_from_chat, ticket_insert
from tickets.services.messages import ticket_customer_message_add

logger = logging.getLogger(__name__)

MAX_MESSAGE_ID_CHARS = 500


@dataclass
class InboundFile:
    name: str
    content_type: str
    content: bytes


@dataclass
class InboundEmail:
    """An email as the handler needs it, whatever the provider."""

    from_email: str
    from_name: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    attachments: list[InboundFile] = field(default_factory=list)
    auto_submitted: bool = False
    spam_detected: bool = False
    event_id: str = ""
    raw: bytes = b""

    def dedup_key(self) -> str:
        """What makes two deliveries the same email."""
        message_id = (self.message_id or "").strip()
        if message_id and len(message_id) <= MAX_MESSAGE_ID_CHARS:
            return message_id if message_id.startswith("<") else f"<{message_id}>"
        seed = message_id or self.event_id
        if not seed:
            seed = self.raw or "\n".join([self.from_email, self.subject, self.text]).encode()
        seed = seed if isinstance(seed, bytes) else seed.encode()
        return f"<{hashlib.sha256(seed).hexdigest()}@inbound.invalid>"


@dataclass
class Received:
    """What the handler did: the ticket entry or chat message stored (the earlier one for a
    duplicate), or nothing (``ignored``: a loop)."""

    event: TicketEvent | None = None
    message: Message | None = None
    duplicate: bool = False
    ignored: str = ""


def _client_id(key: str) -> str:
    return "email:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _stored(key: str) -> Received | None:
    event = TicketEvent.objects.filter(email_message_id=key).first()
    return Received(event=event, duplicate=True) if event is not None else None


def _is_our_own(email: InboundEmail) -> bool:
    """Mail from the desk itself (a bounce loop, an auto-reply to an auto-reply)."""
    sender = email.from_email.lower()
    ours = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    token, chat = addresses.parse_reply_addresses([sender])
    return sender == ours or token is not None or chat is not None


def _contact_for(email: InboundEmail, preferred: Contact | None = None) -> Contact:
    """The contact who wrote: ``preferred`` when the address is theirs, else a contact with
    that address (a blocked one first, so that a block cannot be dodged through a
    duplicate), else a new contact."""
    address = email.from_email.strip()
    if preferred is not None and preferred.email.lower() == address.lower():
        return preferred
    contact = (
        Contact.objects.filter(email__iexact=address)
        .order_by("-is_blocked", "-last_seen_at")
        .first()
    )
    if contact is None:
        contact = Contact.objects.create(
            name=validation.clean_name(email.from_name[:200]) if email.from_name else "",
            email=address[:254],
        )
    return contact


def _route(email: InboundEmail) -> tuple[Ticket | None, Conversation | None]:
    token, chat_id = addresses.parse_reply_addresses(email.recipients)
    if token:
        ticket = Ticket.objects.filter(reply_token=token).first()
        if ticket is not None:
            return ticket, None
    if chat_id:
        conversation = Conversation.objects.filter(pk=chat_id).first()
        if conversation is not None:
            return None, conversation
    referenced = addresses.referenced_ids(email.in_reply_to, email.references)
    if referenced:
        known = dict(
            TicketEvent.objects.filter(email_message_id__in=referenced).values_list(
                "email_message_id", "ticket_id"
            )
        )
        for message_id in referenced:
            ticket_id = known.get(message_id) or addresses.ticket_from_root_id(message_id)
            if ticket_id and (ticket := Ticket.objects.filter(pk=ticket_id).first()):
                return ticket, None
            chat_id = addresses.conversation_from_message_id(message_id)
            if chat_id and (conversation := Conversation.objects.filter(pk=chat_id).first()):
                return None, conversation
    return None, None


def _files(email: InboundEmail, **owner) -> tuple[list, list[dict]]:
    """Store the acceptable attachments; describe the refused ones."""
    stored, refused = [], []
    for item in email.attachments:
        try:
            stored.append(
                attachment_store(
                    name=item.name, content_type=item.content_type, content=item.content, **owner
                )
            )
        except DomainError as error:
            refused.append({"name": item.name[:255], "code": error.code})
    return stored, refused


def _entry_data(email: InboundEmail, refused: list[dict]) -> dict:
    data: dict = {"channel": "email"}
    length = quoting.display_length(email.text)
    if length is not None:
        data["display_chars"] = length
    if refused:
        data["refused_attachments"] = refused
    if email.auto_submitted:
        data["auto_submitted"] = True
    return data


def _to_ticket(email: InboundEmail, ticket: Ticket, key: str) -> Received:
    contact = _contact_for(email, preferred=ticket.requester)
    files, refused = _files(email)
    event = ticket_customer_message_add(
        ticket=ticket,
        contact=contact,
        body=email.text,
        data=_entry_data(email, refused),
        email_message_id=key,
        attachments=files,
        # An out-of-office answer neither reopens a ticket nor ends its waiting.
        moves_state=not email.auto_submitted,
    )
    return Received(event=event)


def _new_ticket(email: InboundEmail, key: str) -> Received:
    contact = _contact_for(email)
    files, refused = _files(email)
    subject = " ".join(email.subject.split())[: validation.MAX_TITLE_CHARS]
    title = subject or validation.title_from_text(
        email.text, _("Email from %(sender)s") % {"sender": email.from_email}
    )
    ticket, change = ticket_insert(
        title=title,
        requester=contact,
        source=Source.EMAIL,
        body=email.text,
        team=Team.objects.filter(pk=conf.inbound_team_id()).first(),
        data=_entry_data(email, refused),
        email_message_id=key,
        attachments=files,
        spam=email.spam_detected,
    )
    return Received(event=change.entries[0][0])


def _to_conversation(email: InboundEmail, conversation: Conversation, key: str) -> Received:
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("contact", "visitor")
        .get(pk=conversation.pk)
    )
    # Stored in the chat while it was open, delivered again since: (conversation,
    # client_id) is indexed, so this looks in the one chat.
    earlier = conversation.messages.filter(client_id=_client_id(key)).first()
    if earlier is not None:
        return Received(message=earlier, duplicate=True)
    ticket = conversation.tickets.exclude(state=TicketState.SPAM).order_by("-pk").first()
    if ticket is not None:
        return _to_ticket(email, ticket, key)
    if conversation.is_open:
        try:
            with transaction.atomic():
                return _to_open_chat(email, conversation, key)
        except DomainError as error:
            logger.info("emailed answer to chat %s goes to a ticket: %s", conversation.pk, error)
    ticket = ticket_create_from_chat(conversation=conversation, actor=None)
    return _to_ticket(email, ticket, key)


def _to_open_chat(email: InboundEmail, conversation: Conversation, key: str) -> Received:
    """The visitor answered by email while the chat is still open: a visitor message, the
    quoted history cut (the whole email goes along as a text file)."""
    files, _refused = _files(email, uploaded_by_visitor=conversation.visitor)
    length = quoting.display_length(email.text)
    body = email.text if length is None else email.text[:length].rstrip()
    if length is not None:
        files.append(
            attachment_store(
                name="email.txt",
                content_type="text/plain",
                content=email.text.encode(),
                uploaded_by_visitor=conversation.visitor,
                checked=False,
            )
        )
    message, created = visitor_message_send(
        visitor=conversation.visitor,
        client_id=_client_id(key),
        body=body[:10_000],
        attachment_ids=[f.pk for f in files][:10],
    )
    return Received(message=message, duplicate=not created)


def email_receive(*, email: InboundEmail) -> Received:
    """Store one inbound email where it belongs (see the module's docstring).

    A blocked sender's email is stored (as a spam ticket when new) and announced to
    nobody; nobody is ever emailed back. Provider-flagged spam opens a spam ticket.
    Auto-replies are stored without moving the state. Attachments outside the allowed
    types or sizes are not stored and are listed in the entry's
    ``data["refused_attachments"]``. Mail from the desk's own addresses is ignored (loops).
    Returns what was stored; a duplicate returns the earlier one and stores nothing."""
    if not email.from_email or "@" not in email.from_email:
        return Received(ignored="no sender")
    if _is_our_own(email):
        logger.warning("ignored inbound email from the desk's own address (a loop?)")
        return Received(ignored="own address")
    key = email.dedup_key()
    if (earlier := _stored(key)) is not None:
        return earlier
    try:
        with transaction.atomic():
            ticket, conversation = _route(email)
            if ticket is not None:
                return _to_ticket(email, ticket, key)
            if conversation is not None:
                return _to_conversation(email, conversation, key)
            return _new_ticket(email, key)
    except IntegrityError:
        # The same email delivered twice at once: the other delivery stored it.
        if (earlier := _stored(key)) is not None:
            return earlier
        raise
