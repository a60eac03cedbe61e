"""Background work of the tickets domain. Tasks take ids and call services.

Email tasks retry: a failed send is logged with its traceback, the task raises (so the
worker records the failure in its results table) and, while attempts remain, a new run
is enqueued after a growing delay (1, 2, 4, 8… minutes, ``TICKET_EMAIL_MAX_ATTEMPTS``,
default 6). A reply's ``data["email"]`` tells where it stands: queued, retrying, sent,
failed (every attempt used) or suppressed (blocked requester)."""

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from tickets import conf
from tickets.email import outbound
from tickets.services import ticket_autosolve_pending

logger = logging.getLogger(__name__)


def retry_later(task_, args: list, attempt: int) -> bool:
    """Enqueue the next attempt of ``task_`` after a delay; False when none remain or the
    backend cannot delay (the immediate backend of tests and ``make run`` without a
    worker)."""
    if attempt >= conf.email_max_attempts():
        return False
    backend = task_.get_backend()
    if not backend.supports_defer:
        return False
    delay = timedelta(minutes=2 ** (attempt - 1))
    task_.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1)
    return True


@task
def send_reply_email(event_id: int, attempt: int = 1) -> None:
    """Email a ticket's public reply (T3)."""
    try:
        outbound.reply_email_send(event_id=event_id)
    except Exception:
        logger.exception("sending the email of reply %s failed (attempt %s)", event_id, attempt)
        retrying = retry_later(send_reply_email, [event_id], attempt)
        outbound.reply_email_status_set(
            event_id=event_id, status="retrying" if retrying else "failed", attempts=attempt
        )
        raise


@task
def send_conversation_email(message_id: int, attempt: int = 1) -> None:
    """Email an agent's chat message to a visitor who left (W5)."""
    try:
        outbound.conversation_email_send(message_id=message_id)
    except Exception:
        logger.exception("emailing chat message %s failed (attempt %s)", message_id, attempt)
        retry_later(send_conversation_email, [message_id], attempt)
        raise


@task
def autosolve_pending_tickets() -> list[int]:
    """Solve tickets pending for ``TICKET_AUTO_SOLVE_DAYS`` (B4); run it daily or hourly
    (``manage.py autosolve_tickets`` does the same from cron)."""
    solved = ticket_autosolve_pending()
    if solved:
        logger.info("auto-solved %d pending tickets", len(solved))
    return solved
