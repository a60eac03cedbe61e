"""Writes of the tickets domain. Every entry point (REST views, the widget's offline form,
the inbound email webhook, admin actions, tasks and commands) calls these; each writes the
ticket's timeline (T8) and emits its events once its transaction commits.

Grep-able names: ``ticket_create``, ``ticket_create_from_chat``,
``ticket_create_from_offline``, ``ticket_reply``, ``ticket_comment``, ``ticket_set_state``,
``ticket_assign``, ``ticket_update``, ``ticket_attach``, ``ticket_mark_spam``,
``ticket_autosolve_pending``, ``email_receive``, ``conversation_reply_by_email``."""

from tickets.services.attachments import ticket_attach
from tickets.services.changes import (
    ticket_assign,
    ticket_autosolve_pending,
    ticket_mark_spam,
    ticket_set_state,
    ticket_update,
)
from tickets.services.continuation import conversation_reply_by_email
from tickets.services.create import (
    ticket_create,
    ticket_create_from_chat,
    ticket_create_from_offline,
)
from tickets.services.inbound import InboundEmail, InboundFile, Received, email_receive
from tickets.services.messages import ticket_comment, ticket_reply, ticket_reply_email_retry

__all__ = [
    "InboundEmail",
    "InboundFile",
    "Received",
    "conversation_reply_by_email",
    "email_receive",
    "ticket_assign",
    "ticket_attach",
    "ticket_autosolve_pending",
    "ticket_comment",
    "ticket_create",
    "ticket_create_from_chat",
    "ticket_create_from_offline",
    "ticket_mark_spam",
    "ticket_reply",
    "ticket_reply_email_retry",
    "ticket_set_state",
    "ticket_update",
]
