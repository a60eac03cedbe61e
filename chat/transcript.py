"""The transcript email's content: plain text, and HTML in which every message is escaped."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from chat.events import author_payload
from chat.models import Conversation


def transcript_lines(conversation: Conversation) -> list[dict]:
    messages = conversation.messages.filter(internal=False).select_related(
        "conversation__contact", "author__agent_profile"
    )
    return [
        {
            "at": message.created_at,
            "author": author_payload(message)["name"] or _("Visitor"),
            "body": message.body,
        }
        for message in messages.order_by("id")
    ]


def render_transcript(conversation: Conversation, language: str = "en") -> tuple[str, str, str]:
    """(subject, text, html) in the visitor's language."""
    with translation.override(language or "en"):
        context = {"conversation": conversation, "lines": transcript_lines(conversation)}
        subject = _("Your chat transcript")
        text = render_to_string("chat/email/transcript.txt", context)
        html = render_to_string("chat/email/transcript.html", context)
    return subject, text, html
