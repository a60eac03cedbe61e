"""Background work of the chat domain. Tasks take ids and call services."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task

from chat.models import Conversation
from chat.services import presence
from chat.transcript import render_transcript


@task
def send_transcript(conversation_id: int, email: str) -> None:
    """Email a chat's transcript. A failure raises, so the worker records it."""
    conversation = Conversation.objects.select_related("contact").get(pk=conversation_id)
    subject, text, html = render_transcript(conversation, conversation.contact.language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
    message.attach_alternative(html, "text/html")
    message.send()


@task
def check_agent_presence(user_id: int) -> None:
    """Run a grace period after an agent's socket closed: offline if not back."""
    presence.agent_presence_check(user_id=user_id)
