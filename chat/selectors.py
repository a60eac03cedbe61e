"""Reads of chats, with the access rules every entry point shares."""

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import AgentProfile
from accounts.roles import is_agent, is_supervisor
from chat.errors import ErrorCode
from chat.models import Attachment, Conversation, ConversationStatus, Message
from contacts.models import Contact, Visitor
from helpdesk.errors import DomainError, NotFound
from helpdesk.sql_rows import instances, partial, select_list

SYNC_LIMIT = 500
MAX_MESSAGE_ID = 2**63 - 1  # ids are 64-bit


def conversations_visible_to(user) -> QuerySet[Conversation]:
    """Supervisors see every chat; agents their own chats, their teams' chats and queue."""
    conversations = Conversation.objects.all()
    if is_supervisor(user):
        return conversations
    if not is_agent(user):
        return conversations.none()
    team_ids = user.agent_profile.teams.values("id")
    return conversations.filter(
        Q(assignee=user) | Q(team__in=team_ids, status=ConversationStatus.QUEUED)
    )


def conversation_get_for_agent(user, conversation_id) -> Conversation:
    """The chat if the user may see it; NotFound otherwise (no hint that it exists)."""
    conversation = None
    if isinstance(conversation_id, int) and not isinstance(conversation_id, bool):
        conversation = (
            conversations_visible_to(user)
            .select_related("contact", "widget", "team", "assignee__agent_profile")
            .filter(pk=conversation_id)
            .first()
        )
    if conversation is None:
        raise NotFound(ErrorCode.CONVERSATION_NOT_FOUND, _("No such conversation."))
    return conversation


def visitor_current_conversation(visitor) -> Conversation | None:
    """The visitor's open chat, else their last one."""
    return (
        Conversation.objects.select_related("contact", "widget", "assignee__agent_profile")
        .filter(visitor=visitor)
        .order_by("-created_at", "-pk")
        .first()
    )


def visitor_sync_conversation(visitor) -> Conversation | None:
    """The chat a visitor's ``sync`` reads, as :func:`visitor_current_conversation` picks it,
    loaded with only what message payloads need (its visitor, its contact's current name).
    A reconnecting visitor asks first thing, so after a restart every visitor asks at once:
    one plain statement (docs/benchmarks.md)."""
    connection = connections[router.db_for_read(Conversation)]
    key = Conversation._meta.get_field("visitor").get_db_prep_value(visitor.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(_SYNC_CONVERSATION, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    conversation_id, contact_id, name = row
    conversation = partial(
        Conversation,
        connection.alias,
        id=conversation_id,
        visitor_id=visitor.pk,
        contact_id=contact_id,
    )
    conversation.contact = partial(Contact, connection.alias, id=contact_id, name=name)
    return conversation


_SYNC_CONVERSATION = (
    f'SELECT c."id", c."contact_id", p."name" FROM "{Conversation._meta.db_table}" c'
    f' JOIN "{Contact._meta.db_table}" p ON p."id" = c."contact_id"'
    ' WHERE c."visitor_id" = %s ORDER BY c."created_at" DESC, c."id" DESC LIMIT 1'
)


def sync_cursor(after) -> int | None:
    """A valid ``sync`` cursor: a message id, or None for everything. Any integer is
    accepted and brought within the range of ids (a database integer), so that no value a
    client sends reaches the database as one it cannot hold."""
    if after is not None and (not isinstance(after, int) or isinstance(after, bool)):
        raise DomainError(ErrorCode.INVALID_FRAME, _("after must be a message id or null."))
    return None if after is None else min(max(after, -1), MAX_MESSAGE_ID)


def messages_after(
    conversation: Conversation, after, *, include_internal: bool, limit: int = SYNC_LIMIT
) -> list[Message]:
    """Messages with an id above ``after`` (all when None), oldest first, with their agents
    and profiles, sharing the caller's chat (and its contact). Visitors never get internal
    notes. ``limit`` bounds one answer; the client asks again from the last id. Their
    attachments come from :func:`attachments_by_message`.

    A written statement: after a restart every visitor resyncs at once, and the ORM's query
    cost more to build than to run (docs/benchmarks.md)."""
    after = sync_cursor(after)
    connection = connections[router.db_for_read(Message)]
    sql, params = _MESSAGES_AFTER, [conversation.pk]
    if after is not None:
        sql, params = f'{sql} AND m."id" > %s', [*params, after]
    if not include_internal:
        sql = f'{sql} AND NOT m."internal"'
    with connection.cursor() as cursor:
        cursor.execute(f'{sql} ORDER BY m."id" LIMIT %s', [*params, limit])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        message, author, profile = instances(
            row, Message, get_user_model(), AgentProfile, using=connection.alias
        )
        if author.pk is not None:
            if profile.pk is not None:
                author.agent_profile = profile
            message.author = author
        message.conversation = conversation
        found.append(message)
    return found


def attachments_by_message(messages: list[Message]) -> dict[int, list[Attachment]]:
    """The attachments of ``messages``, by message id, newest first as everywhere, in one
    statement (none for no messages)."""
    if not messages:
        return {}
    connection = connections[router.db_for_read(Attachment)]
    marks = ", ".join(["%s"] * len(messages))
    with connection.cursor() as cursor:
        cursor.execute(
            f'{_ATTACHMENTS} WHERE t."message_id" IN ({marks}) ORDER BY a."created_at" DESC',
            [m.pk for m in messages],
        )
        rows = cursor.fetchall()
    found: dict[int, list[Attachment]] = {}
    for message_id, *columns in rows:
        [attachment] = instances(columns, Attachment, using=connection.alias)
        found.setdefault(message_id, []).append(attachment)
    return found


_ATTACHMENTS = (
    f'SELECT t."message_id", {select_list(Attachment, "a")}'
    f' FROM "{Message.attachments.through._meta.db_table}" t'
    f' JOIN "{Attachment._meta.db_table}" a ON a."id" = t."attachment_id"'
)
_MESSAGES_AFTER = (
    f"SELECT {select_list(Message, 'm')}, {select_list(get_user_model(), 'u')},"
    f" {select_list(AgentProfile, 'a')}"
    f' FROM "{Message._meta.db_table}" m'
    f' LEFT JOIN "{get_user_model()._meta.db_table}" u ON u."id" = m."author_id"'
    f' LEFT JOIN "{AgentProfile._meta.db_table}" a ON a."user_id" = u."id"'
    ' WHERE m."conversation_id" = %s'
)


def _attachment(attachment_id) -> Attachment:
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, _("No such attachment."))
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
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, _("No such attachment."))
    return attachment


def attachment_get_for_agent(user, attachment_id: int) -> Attachment:
    """An attachment of a chat the agent may see (``conversation_get_for_agent``), or one
    the agent uploaded and has not sent yet. NotFound otherwise."""
    attachment = _attachment(attachment_id)
    if attachment.conversation_id is not None:
        conversation_get_for_agent(user, attachment.conversation_id)
    elif not (is_agent(user) and attachment.uploaded_by_id == user.pk):
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, _("No such attachment."))
    return attachment
