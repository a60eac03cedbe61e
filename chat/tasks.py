"""Background work of the chat domain. Tasks take ids and call services."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import default_task_backend, task
from django.utils import timezone

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


def enqueue_after(seconds: int, task_, *args) -> bool:
    """Run ``task_`` once ``seconds`` have passed. Backends that cannot defer (the test
    suite's immediate one) do not schedule it; returns whether it was scheduled."""
    if not default_task_backend.supports_defer:
        return False
    task_.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(*args)
    return True


@task
def check_agent_presence(user_id: int) -> None:
    """Run a grace period after an agent's socket closed: offline if not back."""
    presence.agent_presence_check(user_id=user_id)


@task
def check_visitor_abandoned(visitor_id: str) -> None:
    """Run a grace period after a visitor's socket closed: close an unanswered chat they
    did not come back to, as missed."""
    presence.visitor_abandon_check(visitor_id=visitor_id)
