"""Pure builders of chat events, the frames of CONTRACT.md. No I/O beyond attributes
already loaded by the caller."""

from chat.models import AuthorType, Conversation, Message


def _iso(value):
    return value.isoformat() if value else None


def agent_card(user) -> dict:
    """What a visitor may know of an agent: a name and a photo."""
    profile = getattr(user, "agent_profile", None)
    name = profile.display_name if profile else user.get_username()
    avatar = profile.photo.url if profile and profile.photo else None
    return {"name": name, "avatar_url": avatar}


def author_payload(message: Message) -> dict:
    if message.author_type == AuthorType.AGENT and message.author is not None:
        return {"type": "agent", "id": message.author_id, **agent_card(message.author)}
    if message.author_type == AuthorType.VISITOR:
        conversation = message.conversation
        return {
            "type": "visitor",
            "id": str(conversation.visitor_id),
            "name": conversation.contact.name,
            "avatar_url": None,
        }
    return {"type": message.author_type, "id": None, "name": "", "avatar_url": None}


def attachment_payload(attachment) -> dict:
    return {
        "id": attachment.pk,
        "url": f"/api/widget/v1/attachments/{attachment.pk}",
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
    }


def message_payload(message: Message, attachments=None) -> dict:
    """``attachments`` may be passed by a caller that already holds them (no query)."""
    if attachments is None:
        attachments = message.attachments.all() if message.pk else []
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "author": author_payload(message),
        "body": message.body,
        "internal": message.internal,
        "client_id": message.client_id,
        "attachments": [attachment_payload(a) for a in attachments],
        "created_at": _iso(message.created_at),
    }


def conversation_payload(conversation: Conversation) -> dict:
    """The agents' view of a chat; the title never goes to the visitor."""
    contact = conversation.contact
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "title": conversation.title,
        "widget": conversation.widget_id,
        "team": conversation.team_id,
        "assignee": conversation.assignee_id,
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "is_blocked": contact.is_blocked,
        },
        "visitor": str(conversation.visitor_id),
        "page": conversation.page,
        "metadata": conversation.metadata,
        "missed": conversation.missed,
        "created_at": _iso(conversation.created_at),
        "queued_at": _iso(conversation.queued_at),
        "assigned_at": _iso(conversation.assigned_at),
        "first_response_at": _iso(conversation.first_response_at),
        "last_visitor_message_at": _iso(conversation.last_visitor_message_at),
        "last_agent_message_at": _iso(conversation.last_agent_message_at),
        "closed_at": _iso(conversation.closed_at),
    }


def visitor_conversation_payload(conversation: Conversation) -> dict:
    """The visitor's view: no title, no internal data."""
    agent = agent_card(conversation.assignee) if conversation.assignee_id else None
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "agent": agent,
        "created_at": _iso(conversation.created_at),
        "closed_at": _iso(conversation.closed_at),
    }


def message_created(message: Message, attachments=None) -> dict:
    return {"type": "message.created", "message": message_payload(message, attachments)}


def conversation_event(kind: str, conversation: Conversation, **extra) -> dict:
    return {"type": kind, "conversation": conversation_payload(conversation), **extra}


def conversation_assigned_for_visitor(conversation: Conversation) -> dict:
    return {"type": "conversation.assigned", "agent": agent_card(conversation.assignee)}


def conversation_closed_for_visitor(conversation: Conversation) -> dict:
    return {"type": "conversation.closed", "conversation": conversation.pk}


def queue_position(position: int, estimated_wait_s: int) -> dict:
    return {"type": "queue.position", "position": position, "estimated_wait_s": estimated_wait_s}


def visitor_typing(conversation_id: int, preview, typing: bool) -> dict:
    return {
        "type": "visitor.typing",
        "conversation": conversation_id,
        "preview": preview,
        "typing": typing,
    }


def agent_typing(typing: bool) -> dict:
    return {"type": "agent.typing", "typing": typing}


def visitor_page(conversation_id: int, page: dict) -> dict:
    return {"type": "visitor.page", "conversation": conversation_id, "page": page}


def agent_status(profile) -> dict:
    return {
        "type": "agent.status",
        "agent": profile.user_id,
        "status": profile.status,
        "slots": profile.slots,
    }
