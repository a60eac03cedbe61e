"""Writes of outbound webhooks (I2): subscriptions, deliveries and their attempts.

A delivery is a row first, then a task (``integrations.tasks.deliver_webhook``) enqueued
once the row is committed. Each attempt POSTs the signed envelope
``{"id", "type", "created_at", "data"}``; a 2xx marks it delivered, anything else schedules
the next attempt with exponential backoff (deferred with ``run_after`` where the task
backend supports it, at once otherwise) until ``WEBHOOK_MAX_ATTEMPTS``, then it is failed.

Saving or deleting a subscription drops the dispatch cache of this process
(``integrations.apps`` connects that to the model's signals, so admin edits count too).
"""

import json
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from integrations import sender, signing
from integrations.catalogue import CATALOGUE, PING
from integrations.errors import ErrorCode
from integrations.models import WebhookDelivery, WebhookSubscription, new_webhook_secret

MAX_URL_CHARS = 500
USER_AGENT = "Comptoir-Webhooks/1"
DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_RETRY_BASE_S = 30
MAX_RETRY_DELAY_S = 6 * 3600
DEFAULT_TIMEOUT_S = 5.0

_url_validator = URLValidator(schemes=["http", "https"])


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def retry_delay_s(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: 30 s, 90 s, 4.5 min,
    13.5 min… (×3 each time), at most 6 hours. With the defaults the last of 10 attempts
    comes about 21 hours after the first."""
    base = int(getattr(settings, "WEBHOOK_RETRY_BASE_S", DEFAULT_RETRY_BASE_S))
    return min(base * 3 ** max(attempts - 1, 0), MAX_RETRY_DELAY_S)


# --- subscriptions ----------------------------------------------------------------------


def _clean_url(url) -> str:
    if not isinstance(url, str) or len(url.strip()) > MAX_URL_CHARS:
        raise DomainError(
            ErrorCode.INVALID_URL,
            _("Enter an http:// or https:// URL of %(max)d characters at most.")
            % {"max": MAX_URL_CHARS},
        )
    url = url.strip()
    try:
        _url_validator(url)
    except ValidationError as error:
        raise DomainError(
            ErrorCode.INVALID_URL, _("Enter a valid http:// or https:// URL.")
        ) from error
    if urlsplit(url).username is not None:
        raise DomainError(
            ErrorCode.INVALID_URL,
            _("A webhook URL cannot hold credentials: check the signature instead."),
        )
    return url


def _clean_events(events) -> list[str]:
    if events is None:
        return []
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise DomainError(ErrorCode.INVALID_EVENTS, _("Events are a list of event types."))
    unknown = sorted(set(events) - set(CATALOGUE))
    if unknown:
        raise DomainError(
            ErrorCode.UNKNOWN_EVENT,
            _("Unknown event types: %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(CATALOGUE)},
        )
    return list(dict.fromkeys(events))


@transaction.atomic
def webhook_create(
    *, actor, url: str, events: list[str] | None = None, is_active: bool = True
) -> WebhookSubscription:
    """Subscribe ``url`` to ``events`` (empty or None: every event of the catalogue), with
    a new random signing secret. Raises DomainError on a bad URL or an unknown event."""
    return WebhookSubscription.objects.create(
        url=_clean_url(url),
        events=_clean_events(events),
        is_active=bool(is_active),
        created_by=actor,
    )


@transaction.atomic
def webhook_update(
    *,
    webhook: WebhookSubscription,
    url: str | None = None,
    events: list[str] | None = None,
    is_active: bool | None = None,
    rotate_secret: bool = False,
) -> WebhookSubscription:
    """Change what is given (None: unchanged). ``rotate_secret`` replaces the signing
    secret at once: deliveries still pending are signed with the new one."""
    fields = []
    if url is not None:
        webhook.url = _clean_url(url)
        fields.append("url")
    if events is not None:
        webhook.events = _clean_events(events)
        fields.append("events")
    if is_active is not None:
        webhook.is_active = bool(is_active)
        fields.append("is_active")
    if rotate_secret:
        webhook.secret = new_webhook_secret()
        fields.append("secret")
    if fields:
        webhook.save(update_fields=fields)
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: WebhookSubscription) -> None:
    """Delete the subscription and its delivery log; pending deliveries are dropped."""
    webhook.delete()


# --- deliveries -------------------------------------------------------------------------


def _wants(events, event_type: str) -> bool:
    """An empty list wants everything. (``events`` is a list unless the back office's raw
    JSON field was given something else, which then wants nothing.)"""
    return isinstance(events, list) and (not events or event_type in events)


def _enqueue(delivery_id: int, *, delay_s: int = 0) -> None:
    from integrations.tasks import deliver_webhook

    task = deliver_webhook
    if delay_s and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_s))
    task.enqueue(delivery_id)


def _enqueue_on_commit(delivery_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(delivery_id))


@transaction.atomic
def webhook_deliveries_create(*, event_type: str, data: dict) -> list[WebhookDelivery]:
    """One pending delivery of ``data`` per active subscription wanting ``event_type``;
    each is enqueued for sending once committed. Returns the deliveries."""
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(is_active=True).only("events")
        if _wants(subscription.events, event_type)
    ]
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription=subscription, event=event_type, payload=data)
        for subscription in subscriptions
    )
    for delivery in deliveries:
        _enqueue_on_commit(delivery.pk)
    return deliveries


@transaction.atomic
def webhook_ping(*, webhook: WebhookSubscription) -> WebhookDelivery:
    """Send a ``webhook.ping`` event to this subscription alone, active or not, so that
    an integrator can check the endpoint and the signature."""
    delivery = WebhookDelivery.objects.create(
        subscription=webhook,
        event=PING,
        payload={
            "type": PING,
            "webhook": {"id": webhook.pk, "url": webhook.url, "events": webhook.events},
        },
    )
    _enqueue_on_commit(delivery.pk)
    return delivery


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again from its first attempt, whatever its status (an endpoint
    that was down, a receiver that lost it). Same id, so receivers can deduplicate."""
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.response_status = None
    delivery.error = ""
    delivery.delivered_at = None
    delivery.save(update_fields=["status", "attempts", "response_status", "error", "delivered_at"])
    _enqueue_on_commit(delivery.pk)
    return delivery


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The bytes POSTed (and signed): the same on every attempt."""
    envelope = {
        "id": delivery.pk,
        "type": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def delivery_headers(delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Comptoir-Event": delivery.event,
        "X-Comptoir-Delivery": str(delivery.pk),
        "X-Comptoir-Timestamp": str(timestamp),
        "X-Comptoir-Signature": signing.signature_header(
            delivery.subscription.secret, timestamp, body
        ),
    }


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """POST a pending delivery once and record the outcome (attempts, response status,
    error). On failure, enqueues the next attempt after :func:`retry_delay_s`, or marks it
    failed after the last. A delivery of an inactive subscription fails without a request
    (pings excepted). No-op for a delivery that is gone or not pending. Returns it."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    if not delivery.subscription.is_active and delivery.event != PING:
        return _record(
            delivery,
            status=WebhookDelivery.Status.FAILED,
            error=_("The webhook was deactivated."),
        )
    body = delivery_body(delivery)
    timestamp = int(time.time())
    # No transaction or lock is held during the request: it may take seconds.
    result = sender.post(
        delivery.subscription.url,
        body,
        delivery_headers(delivery, body, timestamp),
        timeout=float(getattr(settings, "WEBHOOK_TIMEOUT_S", DEFAULT_TIMEOUT_S)),
    )
    attempts = delivery.attempts + 1
    if result.ok:
        return _record(
            delivery,
            status=WebhookDelivery.Status.DELIVERED,
            attempts=attempts,
            response_status=result.status,
            error="",
            delivered_at=timezone.now(),
        )
    final = attempts >= max_attempts()
    _record(
        delivery,
        status=WebhookDelivery.Status.FAILED if final else WebhookDelivery.Status.PENDING,
        attempts=attempts,
        response_status=result.status,
        error=result.error,
    )
    if not final:
        _enqueue(delivery.pk, delay_s=retry_delay_s(attempts))
    return delivery


def _record(delivery: WebhookDelivery, **fields) -> WebhookDelivery:
    # update(), not save(): the subscription (and with it this row) may have been deleted
    # while the request was out, and the outcome of an attempt nobody can see is moot.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)
    return delivery
