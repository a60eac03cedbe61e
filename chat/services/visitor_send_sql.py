"""A visitor's message into the open chat in one PostgreSQL statement.

Every message a visitor types takes this path, and through the ORM it was four queries, a
savepoint and a transaction, with most of its CPU spent building SQL (docs/benchmarks.md).
One statement does the common case: it locks the visitor's open chat (so that messages of a
chat commit in id order, as every writer of a chat does), checks that the contact is not
blocked and that the ``client_id`` is new, inserts the message and stamps the chat. It
commits by itself outside a transaction, holding the chat's lock until then.

Whatever is not the common case returns None and the caller takes the general path, which
handles every case: no open chat, a blocked contact, a replayed or racing ``client_id``, a
chat whose contact is not the visitor's, another database."""

from django.db import connection
from django.utils import timezone

from chat.models import OPEN_STATUSES, AuthorType, Conversation, Message
from contacts.models import Contact, Visitor
from helpdesk import async_db
from helpdesk.sql_rows import partial

_CHAT = Conversation._meta.db_table
_MESSAGE = Message._meta.db_table
_CONTACT = Contact._meta.db_table
# Constants of the code, written into the statement: fewer parameters to adapt per message.
_OPEN = ", ".join(f"'{status.value}'" for status in OPEN_STATUSES)
_VISITOR = f"'{AuthorType.VISITOR.value}'"

STATEMENT = f"""
WITH chat AS (
    SELECT id, status, assignee_id, team_id, contact_id FROM {_CHAT}
    WHERE visitor_id = %(visitor)s AND status IN ({_OPEN})
    LIMIT 1
    FOR UPDATE
), person AS (
    SELECT p.name FROM {_CONTACT} p JOIN chat ON p.id = chat.contact_id
    WHERE p.id = %(contact)s AND NOT p.is_blocked
), replay AS (
    SELECT 1 FROM {_MESSAGE} m JOIN {_CHAT} c ON c.id = m.conversation_id
    WHERE %(client_id)s <> '' AND m.client_id = %(client_id)s AND c.visitor_id = %(visitor)s
), stored AS (
    INSERT INTO {_MESSAGE} (conversation_id, author_type, body, internal, client_id, created_at)
    SELECT chat.id, {_VISITOR}, %(body)s, false, %(client_id)s, %(now)s
    FROM chat, person
    WHERE NOT EXISTS (SELECT 1 FROM replay)
    ON CONFLICT DO NOTHING
    RETURNING id, conversation_id
), stamped AS (
    UPDATE {_CHAT} SET last_visitor_message_at = %(now)s
    WHERE id = (SELECT conversation_id FROM stored)
)
SELECT stored.id, chat.id, chat.status, chat.assignee_id, chat.team_id, person.name
FROM stored, chat, person
"""


def _parameters(visitor: Visitor, client_id: str, body: str, now) -> dict:
    return {
        "visitor": visitor.pk,
        "contact": visitor.contact_id,
        "client_id": client_id,
        "body": body,
        "now": now,
    }


def visitor_message_insert(*, visitor: Visitor, client_id: str, body: str) -> Message | None:
    """Store a visitor's text message in their open chat, or return None (nothing stored)
    where the general path must decide. The message comes with its chat and contact
    loaded, as ``message.created`` and the audience need them."""
    if connection.vendor != "postgresql":
        return None
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, _parameters(visitor, client_id, body, now))
        row = cursor.fetchone()
    return _message(visitor, client_id, body, now, row)


async def visitor_message_insert_async(
    *, visitor: Visitor, client_id: str, body: str
) -> Message | None:
    """:func:`visitor_message_insert` on the event loop, through :mod:`helpdesk.async_db`."""
    pool = await async_db.pool()
    if pool is None:
        return None
    now = timezone.now()
    async with pool.connection() as conn:
        cursor = await conn.execute(STATEMENT, _parameters(visitor, client_id, body, now))
        row = await cursor.fetchone()
    return _message(visitor, client_id, body, now, row)


def _message(visitor: Visitor, client_id: str, body: str, now, row) -> Message | None:
    """The stored message with its chat and contact, built from the row: only the fields
    the statement knows are loaded, so that code reaching for another one queries for it
    rather than reading a wrong default (and building whole instances cost a tenth of a
    message's CPU)."""
    if row is None:
        return None
    message_id, chat_id, status, assignee_id, team_id, name = row
    contact = visitor.contact
    contact.name, contact.is_blocked = name, False
    conversation = partial(
        Conversation,
        connection.alias,
        id=chat_id,
        status=status,
        assignee_id=assignee_id,
        team_id=team_id,
        widget_id=visitor.widget_id,
        visitor_id=visitor.pk,
        contact_id=contact.pk,
        last_visitor_message_at=now,
    )
    conversation.visitor, conversation.contact = visitor, contact
    message = partial(
        Message,
        connection.alias,
        id=message_id,
        conversation_id=chat_id,
        author_type=AuthorType.VISITOR.value,
        author_id=None,
        body=body,
        internal=False,
        client_id=client_id,
        created_at=now,
    )
    message.conversation = conversation
    return message
