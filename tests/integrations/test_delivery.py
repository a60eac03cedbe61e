"""Webhook deliveries end to end: a committed domain event is POSTed, signed, to a real HTTP
endpoint on 127.0.0.1, retried with backoff and logged."""

import socket
from datetime import timedelta

import pytest
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from contacts.models import Contact
from contacts.services import contact_block, contact_unblock
from integrations import services
from integrations.models import WebhookDelivery

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def contact(db):
    return Contact.objects.create(name="Jane", email="jane@example.com")


def block(contact, supervisor, capture):
    with capture(execute=True):
        contact_block(contact=contact, actor=supervisor, reason="spam")


def test_event_is_posted_signed_with_the_subscription_secret(
    subscribe, receiver, contact, supervisor, django_capture_on_commit_callbacks
):
    webhook = subscribe()

    block(contact, supervisor, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hook/"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Comptoir-Event"] == "contact.blocked"
    assert request.headers["X-Comptoir-Delivery"] == str(delivery.pk)
    assert request.headers["X-Comptoir-Signature"].startswith("sha256=")
    assert request.signed_by(webhook.secret)
    assert not request.signed_by("another secret")
    body = request.json
    assert body["id"] == delivery.pk
    assert body["type"] == "contact.blocked"
    assert body["created_at"] == delivery.created_at.isoformat()
    assert body["data"]["type"] == "contact.blocked"
    assert body["data"]["contact"]["id"] == contact.pk
    assert body["data"]["contact"]["is_blocked"] is True
    assert body["data"]["contact"]["blocked_reason"] == "spam"
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.response_status == 200
    assert delivery.error == ""
    assert delivery.delivered_at is not None
    assert delivery.payload == body["data"]


def test_failed_attempts_are_retried_until_one_succeeds(
    subscribe, receiver, contact, supervisor, django_capture_on_commit_callbacks
):
    webhook = subscribe()
    receiver.statuses = [500, 503]

    block(contact, supervisor, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 3
    assert delivery.response_status == 200
    assert delivery.error == ""
    assert len(receiver.requests) == 3
    # Every attempt is the same delivery with the same body, each freshly signed.
    assert {r.headers["X-Comptoir-Delivery"] for r in receiver.requests} == {str(delivery.pk)}
    assert len({r.body for r in receiver.requests}) == 1
    assert all(r.signed_by(webhook.secret) for r in receiver.requests)


def test_delivery_fails_after_the_last_attempt(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    subscribe()
    receiver.statuses = [500] * 10

    block(contact, supervisor, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 3
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert delivery.response_status == 500
    assert delivery.error == "HTTP 500: nope"
    assert delivery.delivered_at is None


def test_retry_is_deferred_with_exponential_backoff_where_the_backend_can(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    subscribe()
    receiver.statuses = [500, 500]

    block(contact, supervisor, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    [first] = default_task_backend.results
    assert first.task.name == "deliver_webhook"
    assert list(first.args) == [delivery.pk]
    assert first.task.run_after is None
    assert receiver.requests == []

    for attempt, delay_s in ((1, 30), (2, 90)):
        started = timezone.now()
        services.webhook_delivery_attempt(delivery_id=delivery.pk)
        retry = default_task_backend.results[-1]
        assert len(default_task_backend.results) == attempt + 1
        expected = started + timedelta(seconds=delay_s)
        assert expected <= retry.task.run_after <= expected + timedelta(seconds=5)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PENDING, 2)

    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 3)
    assert len(default_task_backend.results) == 3


def test_backoff_grows_threefold_and_is_capped():
    delays = [services.retry_delay_s(n) for n in range(1, 10)]
    assert delays[:5] == [30, 90, 270, 810, 2430]
    assert delays[-1] == 6 * 3600


def test_a_redirect_is_not_followed(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscribe()
    receiver.statuses = [302]

    block(contact, supervisor, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert [r.path for r in receiver.requests] == ["/hook/"]
    assert (delivery.status, delivery.response_status) == (WebhookDelivery.Status.FAILED, 302)


def test_an_unreachable_endpoint_is_logged(
    subscribe, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscribe(url=f"http://127.0.0.1:{port}/closed")

    block(contact, supervisor, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 2
    assert delivery.response_status is None
    assert "refused" in delivery.error.lower()


def test_a_slow_endpoint_times_out(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_TIMEOUT_S = 0.2
    receiver.delay_s = 1
    subscribe()

    block(contact, supervisor, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == (WebhookDelivery.Status.FAILED, None)
    assert delivery.error == "timed out"


def test_inactive_and_unsubscribed_webhooks_get_nothing(
    subscribe, receiver, contact, supervisor, django_capture_on_commit_callbacks
):
    subscribe(is_active=False)
    subscribe(events=["ticket.created", "contact.unblocked"])

    block(contact, supervisor, django_capture_on_commit_callbacks)

    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_each_subscription_gets_only_what_it_asked_for(
    subscribe, receiver, contact, supervisor, django_capture_on_commit_callbacks
):
    everything = subscribe()
    unblocks = subscribe(events=["contact.unblocked"])

    with django_capture_on_commit_callbacks(execute=True):
        contact_block(contact=contact, actor=supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        contact_unblock(contact=contact, actor=supervisor)

    logged = sorted(WebhookDelivery.objects.values_list("subscription_id", "event"))
    assert logged == sorted(
        [
            (everything.pk, "contact.blocked"),
            (everything.pk, "contact.unblocked"),
            (unblocks.pk, "contact.unblocked"),
        ]
    )
    assert len(receiver.requests) == 3


def test_a_rolled_back_write_delivers_nothing(
    subscribe, receiver, contact, supervisor, django_capture_on_commit_callbacks
):
    subscribe()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        contact_block(contact=contact, actor=supervisor)
        raise RuntimeError("rolled back")
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_a_deactivated_webhook_fails_its_pending_deliveries_without_a_request(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    webhook = subscribe()
    block(contact, supervisor, django_capture_on_commit_callbacks)
    services.webhook_update(webhook=webhook, is_active=False)

    delivery = services.webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 0
    assert delivery.error
    assert receiver.requests == []


def test_a_rotated_secret_signs_the_next_attempts(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    webhook = subscribe()
    old_secret = webhook.secret
    block(contact, supervisor, django_capture_on_commit_callbacks)
    services.webhook_update(webhook=webhook, rotate_secret=True)

    services.webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)

    assert webhook.secret != old_secret
    assert receiver.requests[0].signed_by(webhook.secret)
    assert not receiver.requests[0].signed_by(old_secret)


def test_redeliver_sends_a_failed_delivery_again_under_the_same_id(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscribe()
    receiver.statuses = [500]
    block(contact, supervisor, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_delivery_redeliver(delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert (delivery.attempts, delivery.response_status, delivery.error) == (1, 200, "")
    assert [r.headers["X-Comptoir-Delivery"] for r in receiver.requests] == [str(delivery.pk)] * 2


def test_ping_reaches_even_an_inactive_webhook(
    subscribe, receiver, django_capture_on_commit_callbacks
):
    webhook = subscribe(is_active=False, events=["ticket.created"])

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_ping(webhook=webhook)

    [request] = receiver.requests
    assert request.headers["X-Comptoir-Event"] == "webhook.ping"
    assert request.json["data"]["webhook"] == {
        "id": webhook.pk,
        "url": webhook.url,
        "events": ["ticket.created"],
    }
    assert request.signed_by(webhook.secret)
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


def test_deleting_a_webhook_during_a_request_is_harmless(
    subscribe,
    receiver,
    contact,
    supervisor,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = DUMMY_TASKS
    webhook = subscribe()
    block(contact, supervisor, django_capture_on_commit_callbacks)
    delivery_id = WebhookDelivery.objects.get().pk
    original_post = services.sender.post

    def post_then_delete(*args, **kwargs):
        result = original_post(*args, **kwargs)
        services.webhook_delete(webhook=webhook)
        return result

    monkeypatch.setattr(services.sender, "post", post_then_delete)
    services.webhook_delivery_attempt(delivery_id=delivery_id)

    assert len(receiver.requests) == 1
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_task_backend_defers_each_retry(
    subscribe, receiver, contact, supervisor, settings, django_capture_on_commit_callbacks
):
    """The production path: django-tasks-db and its worker (``manage.py db_worker``)."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    subscribe()
    receiver.statuses = [500]
    block(contact, supervisor, django_capture_on_commit_callbacks)

    def work():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    work()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("pending", 1, 1)
    deferred = DBTaskResult.objects.ready().count(), DBTaskResult.objects.count()
    assert deferred == (0, 2)  # the retry waits 30 s: nothing for the worker yet
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry.run_after > timezone.now() + timedelta(seconds=25)

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    work()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("delivered", 2, 2)
