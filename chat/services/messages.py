"""Sending messages: stored first, acknowledged after, delivered on commit.

``client_id`` makes a send idempotent: the same id with the same body returns the stored
message and stores nothing; with another body it is refused, since the client is then
reusing ids and one of the two texts would be lost silently."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_supervisor
from chat import audience, events, visitor_presence
from chat.errors import ErrorCode
from chat.models import (
    OPEN_STATUSES,
    Attachment,
    AuthorType,
    Conversation,
    ConversationStatus,
    Message,
)
from chat.services.assignment import conversation_route
from chat.services.sessions import prechat_missing
from chat.services.visitor_send_sql import (
    visitor_message_insert,
    visitor_message_insert_async,
)
from contacts.models import Visitor
from helpdesk.errors import Conflict, DomainError, NotFound, PermissionDenied
from helpdesk.events import send_committed_event, send_event_on_commit

MAX_BODY_CHARS = 10_000
MAX_CLIENT_ID_CHARS = 64
MAX_ATTACHMENTS = 10


def _validate(body, client_id, attachment_ids) -> tuple[str, str, list[int]]:
    if not isinstance(body, str):
        raise DomainError(ErrorCode.EMPTY_MESSAGE, _("The message body must be text."))
    if not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID_CHARS:
        raise DomainError(
            ErrorCode.INVALID_FRAME, _("client_id must be a string of 64 characters at most.")
        )
    if len(body) > MAX_BODY_CHARS:
        raise DomainError(
            ErrorCode.MESSAGE_TOO_LONG,
            _("A message holds %(max)d characters at most.") % {"max": MAX_BODY_CHARS},
        )
    ids = attachment_ids or []
    if (
        not isinstance(ids, list)
        or len(ids) > MAX_ATTACHMENTS
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise DomainError(
            ErrorCode.INVALID_FRAME, _("attachments must be a list of attachment ids.")
        )
    if not body.strip() and not ids:
        raise DomainError(ErrorCode.EMPTY_MESSAGE, _("A message needs text or an attachment."))
    return body, client_id, ids


def _replayed(messages, client_id: str, body: str) -> Message | None:
    """The message already stored under ``client_id``, if any. Every send asks, and a
    replay is rare: the question reads two columns, and only a hit loads the message with
    its related rows (the wide query cost a third of a send's CPU, docs/benchmarks.md)."""
    if not client_id:
        return None
    found = messages.filter(client_id=client_id).values_list("pk", "body").first()
    if found is None:
        return None
    if found[1] != body:
        raise Conflict(
            ErrorCode.CLIENT_ID_REUSED, _("This client_id was used for another message.")
        )
    return Message.objects.select_related(*_RELATED).get(pk=found[0])


_RELATED = ("conversation__contact", "author__agent_profile")


def _store(conversation: Conversation, **fields) -> Message:
    """Insert, turning a lost race on (conversation, client_id) into the stored row."""
    try:
        with transaction.atomic():
            return Message.objects.create(conversation=conversation, **fields)
    except IntegrityError:
        existing = _replayed(conversation.messages, fields["client_id"], fields["body"])
        if existing is None:
            raise
        return existing


def _attach(message: Message, ids: list[int], **owner) -> list[Attachment]:
    if not ids:
        return []
    attachments = list(
        Attachment.objects.filter(pk__in=ids, **owner).filter(
            Q(conversation__isnull=True) | Q(conversation=message.conversation)
        )
    )
    if len(attachments) != len(set(ids)):
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, _("An attachment was not found."))
    Attachment.objects.filter(pk__in=ids).update(conversation=message.conversation)
    message.attachments.add(*attachments)
    return attachments


def _announcement(message: Message, attachments) -> tuple[list[str], dict]:
    conversation = message.conversation
    groups = audience.agent_groups(conversation)
    if not message.internal:
        groups += audience.visitor_groups(conversation)
    return groups, events.message_created(message, attachments)


def _announce(message: Message, attachments) -> None:
    send_event_on_commit(*_announcement(message, attachments))


def conversation_start(*, visitor: Visitor, page: dict | None = None) -> Conversation:
    """Open a chat for ``visitor``: store it, route it, post the widget's welcome (W7)."""
    widget = visitor.widget
    conversation = Conversation.objects.create(
        widget=widget,
        contact=visitor.contact,
        visitor=visitor,
        team_id=widget.team_id,
        status=ConversationStatus.QUEUED,
        queued_at=timezone.now(),
        page=page or {},
        metadata={
            "language": visitor.language,
            "timezone": visitor.timezone,
            "browser": visitor.user_agent,
            "referrer": (page or {}).get("referrer", ""),
            "prechat": visitor.prechat,
        },
    )
    conversation.contact = visitor.contact
    conversation_route(conversation)
    if widget.welcome_message:
        system_message_post(
            conversation=conversation, body=widget.welcome_message, author_type=AuthorType.BOT
        )
    return conversation


def _blocked_conversation(visitor: Visitor) -> Conversation:
    """Where a blocked contact's messages are kept: its last chat, or a closed one that
    no agent ever sees (A9: stored, acknowledged, never delivered)."""
    last = visitor.conversations.order_by("-created_at").first()
    if last is not None:
        return last
    now = timezone.now()
    return Conversation.objects.create(
        widget=visitor.widget,
        contact=visitor.contact,
        visitor=visitor,
        team_id=visitor.widget.team_id,
        status=ConversationStatus.CLOSED,
        closed_at=now,
        metadata={"blocked": True},
    )


def _lock_open(visitor: Visitor) -> Conversation | None:
    """The visitor's open chat, its row locked before inserting into it. Every writer of
    a chat locks it, so messages of one chat commit in id order and ``sync after`` never
    skips one that was still uncommitted when a later id was read. One query: PostgreSQL
    re-checks the status once the lock is granted."""
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("contact")
        .filter(visitor=visitor, status__in=OPEN_STATUSES)
        .first()
    )


def visitor_message_send(
    *, visitor: Visitor, client_id: str, body: str, attachment_ids=None, page: dict | None = None
) -> tuple[Message, bool]:
    """Store a visitor's message; the first one opens (and routes) a chat. Returns the
    message and whether it was new. Emits ``message.created`` to the visitor's sockets
    and, unless the contact is blocked, to the chat's agents."""
    body, client_id, ids = _validate(body, client_id, attachment_ids)
    if not ids and not prechat_missing(visitor):
        message = visitor_message_insert(visitor=visitor, client_id=client_id, body=body)
        if message is not None:
            _announce(message, [])
            return message, True
    return _visitor_message_send(
        visitor=visitor, client_id=client_id, body=body, ids=ids, page=page
    )


async def visitor_message_send_on_loop(*, visitor: Visitor, client_id, body) -> Message | None:
    """The common case of :func:`visitor_message_send`, a text message into the open chat,
    without leaving the event loop (one statement, ``visitor_send_sql``). Returns None,
    having stored and sent nothing, where the caller must call the general service."""
    body, client_id, _ids = _validate(body, client_id, None)
    if prechat_missing(visitor):
        return None
    message = await visitor_message_insert_async(visitor=visitor, client_id=client_id, body=body)
    if message is not None:
        await send_committed_event(*_announcement(message, []))
    return message


@transaction.atomic
def _visitor_message_send(
    *, visitor: Visitor, client_id: str, body: str, ids: list[int], page: dict | None
) -> tuple[Message, bool]:
    """Every case: a first message, a block, a replay, attachments, any database."""
    replay = _replayed(Message.objects.filter(conversation__visitor=visitor), client_id, body)
    if replay is not None:
        return replay, False
    if prechat_missing(visitor):
        raise DomainError(ErrorCode.PRECHAT_REQUIRED, _("Please fill in the pre-chat form first."))
    conversation = _lock_open(visitor)
    # A socket holds its visitor for hours: the block state must be read now. The open
    # chat's row comes with its contact's; without one it is read on its own.
    if conversation is not None and conversation.contact_id == visitor.contact_id:
        visitor.contact.is_blocked = conversation.contact.is_blocked
    else:
        visitor.contact.refresh_from_db(fields=["is_blocked"])
    if visitor.contact.is_blocked:
        conversation = conversation or _blocked_conversation(visitor)
    elif conversation is None:
        conversation = conversation_start(visitor=visitor, page=page)
    conversation.contact = visitor.contact
    message = _store(conversation, author_type=AuthorType.VISITOR, body=body, client_id=client_id)
    attachments = _attach(message, ids, uploaded_by_visitor=visitor)
    conversation.last_visitor_message_at = message.created_at
    conversation.save(update_fields=["last_visitor_message_at"])
    _announce(message, attachments)
    return message, True


def _check_agent_may_write(agent, conversation: Conversation, internal: bool) -> None:
    if conversation.status == ConversationStatus.CLOSED and not internal:
        raise Conflict(ErrorCode.CONVERSATION_CLOSED, _("This chat is closed."))
    if conversation.assignee_id != agent.pk and not is_supervisor(agent):
        raise PermissionDenied(ErrorCode.NOT_ASSIGNEE, _("Only the chat's agent can write here."))


@transaction.atomic
def agent_message_send(
    *,
    agent,
    conversation: Conversation,
    client_id: str = "",
    body: str,
    internal: bool = False,
    attachment_ids=None,
) -> tuple[Message, bool]:
    """Store an agent's message or internal note (A8). Records the first response time.
    Internal notes never reach the visitor. Returns the message and whether it was new."""
    body, client_id, ids = _validate(body, client_id, attachment_ids)
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("contact")
        .get(pk=conversation.pk)
    )
    replay = _replayed(conversation.messages, client_id, body)
    if replay is not None:
        return replay, False
    _check_agent_may_write(agent, conversation, bool(internal))
    message = _store(
        conversation,
        author_type=AuthorType.AGENT,
        author=agent,
        body=body,
        internal=bool(internal),
        client_id=client_id,
    )
    attachments = _attach(message, ids, uploaded_by=agent)
    if not message.internal:
        conversation.last_agent_message_at = message.created_at
        conversation.first_response_at = conversation.first_response_at or message.created_at
        conversation.save(update_fields=["last_agent_message_at", "first_response_at"])
        _email_if_visitor_left(message)
    _announce(message, attachments)
    return message, True


def _email_if_visitor_left(message: Message) -> None:
    """W5: a visitor with no socket open gets the answer by email, if they gave one."""
    from tickets.services.continuation import conversation_reply_by_email

    contact = message.conversation.contact
    if contact.email and not visitor_presence.visitor_is_online(message.conversation.visitor_id):
        conversation_reply_by_email(message=message)


def system_message_post(
    *, conversation: Conversation, body: str, author_type=AuthorType.SYSTEM, internal=False
) -> Message:
    """A message from the bot or the system (welcome, transfer notice). Emits
    ``message.created``."""
    message = Message.objects.create(
        conversation=conversation, author_type=author_type, body=body, internal=internal
    )
    _announce(message, [])
    return message
