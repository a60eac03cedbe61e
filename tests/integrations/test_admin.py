"""The back office's "Send again" action on the delivery log."""

import pytest
from django.test import Client
from django.urls import reverse

from integrations.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:integrations_webhookdelivery_changelist")


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_send_again_redelivers_through_the_service(
    supervisor, receiver, django_capture_on_commit_callbacks
):
    webhook = WebhookSubscription.objects.create(url=receiver.url, created_by=supervisor)
    failed = WebhookDelivery.objects.create(
        subscription=webhook,
        event="contact.blocked",
        payload={"type": "contact.blocked"},
        status=WebhookDelivery.Status.FAILED,
        attempts=10,
        error="HTTP 500",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = web(supervisor).post(
            CHANGELIST, {"action": "redeliver", "_selected_action": [failed.pk], "index": 0}
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("delivered", 1, "")
    assert receiver.requests[0].signed_by(webhook.secret)


def test_agents_cannot_see_the_delivery_log(agent):
    assert web(agent).get(CHANGELIST).status_code == 403
