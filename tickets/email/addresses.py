"""Reply addresses and Message-IDs: how an answer finds its ticket or chat again.

- A ticket's reply address is ``reply+<reply_token>@REPLY_DOMAIN``; the token is secret.
- A chat's is ``reply+c<id>.<signature>@REPLY_DOMAIN``, signed with ``SECRET_KEY`` (no
  stored token needed).
- Outgoing Message-IDs are ``<ticket-<id>-<random>@REPLY_DOMAIN>`` (stored on the reply
  entry) or ``<chat-<id>-<message id>.<signature>@REPLY_DOMAIN>``. Every email of a ticket
  also references the ticket's root id ``<ticket-<id>.<signature>@REPLY_DOMAIN>``, so mail
  clients thread them even when no email started the ticket.
"""

import re
import secrets
from email.utils import getaddresses

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "tickets.email.addresses"
SIGNATURE_CHARS = 16

_TICKET_LOCAL = re.compile(r"^reply\+([0-9a-f]{8,32})$", re.IGNORECASE)
_CHAT_LOCAL = re.compile(r"^reply\+c(\d+)\.([0-9a-f]{16})$", re.IGNORECASE)
_TICKET_ROOT = re.compile(r"^<?ticket-(\d+)\.([0-9a-f]{16})@", re.IGNORECASE)
_CHAT_ID = re.compile(r"^<?chat-(\d+)-\d+\.([0-9a-f]{16})@", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def domain() -> str:
    return settings.REPLY_DOMAIN


def _sign(kind: str, pk: int) -> str:
    return salted_hmac(SALT, f"{kind}:{pk}", algorithm="sha256").hexdigest()[:SIGNATURE_CHARS]


def _verify(kind: str, pk: str, signature: str) -> int | None:
    return int(pk) if constant_time_compare(_sign(kind, int(pk)), signature.lower()) else None


def ticket_reply_address(ticket) -> str:
    return f"reply+{ticket.reply_token}@{domain()}"


def conversation_reply_address(conversation) -> str:
    return f"reply+c{conversation.pk}.{_sign('chat', conversation.pk)}@{domain()}"


def ticket_root_message_id(ticket) -> str:
    return f"<ticket-{ticket.pk}.{_sign('ticket', ticket.pk)}@{domain()}>"


def new_message_id(ticket) -> str:
    return f"<ticket-{ticket.pk}-{secrets.token_hex(8)}@{domain()}>"


def conversation_message_id(message) -> str:
    conversation_id = message.conversation_id
    return f"<chat-{conversation_id}-{message.pk}.{_sign('chat', conversation_id)}@{domain()}>"


def parse_reply_addresses(addresses: list[str]) -> tuple[str | None, int | None]:
    """(ticket reply token, chat id) found among recipient ``addresses``, first match wins.
    The domain is not checked: mail forwarded from another domain still finds its way;
    the token or the signature is what proves it."""
    for address in addresses:
        local = address.rsplit("@", 1)[0].strip().strip("<>")
        if match := _TICKET_LOCAL.match(local):
            return match.group(1).lower(), None
        if (match := _CHAT_LOCAL.match(local)) and (pk := _verify("chat", *match.groups())):
            return None, pk
    return None, None


def referenced_ids(*headers: str | None) -> list[str]:
    """The Message-IDs in In-Reply-To / References header values, most recent first."""
    ids: list[str] = []
    for value in headers:
        for message_id in reversed(_MESSAGE_ID.findall(value or "")):
            if message_id not in ids:
                ids.append(message_id)
    return ids


def ticket_from_root_id(message_id: str) -> int | None:
    if match := _TICKET_ROOT.match(message_id):
        return _verify("ticket", *match.groups())
    return None


def conversation_from_message_id(message_id: str) -> int | None:
    if match := _CHAT_ID.match(message_id):
        return _verify("chat", *match.groups())
    return None


def split_addresses(*values: str | None) -> list[str]:
    """Bare addresses from header values such as ``"A" <a@x>, b@y``."""
    return [address for _name, address in getaddresses([v for v in values if v]) if address]
