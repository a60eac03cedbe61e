"""``/api/v1/webhooks/…``: CRUD for supervisors, the secret shown once, the delivery log."""

import re

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from integrations.catalogue import CATALOGUE
from integrations.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


def detail(webhook, action=""):
    return f"{URL}{webhook.pk}/{action + '/' if action else ''}"


def create(client, **body):
    body.setdefault("url", "https://crm.example/hooks")
    return client.post(URL, body, format="json")


# --- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}events/"),
        ("get", f"{URL}1/"),
        ("patch", f"{URL}1/"),
        ("delete", f"{URL}1/"),
        ("get", f"{URL}1/deliveries/"),
        ("post", f"{URL}1/ping/"),
        ("post", f"{URL}1/deliveries/1/redeliver/"),
    ],
)
def test_without_credentials_is_401(api_client, method, path):
    response = getattr(api_client, method)(path, {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}events/"),
        ("get", "{webhook}"),
        ("patch", "{webhook}"),
        ("delete", "{webhook}"),
        ("get", "{webhook}deliveries/"),
        ("post", "{webhook}ping/"),
    ],
)
def test_agents_are_refused(agent_client, supervisor, method, path):
    webhook = WebhookSubscription.objects.create(url="https://crm.example/h", created_by=supervisor)
    path = path.format(webhook=detail(webhook))
    response = getattr(agent_client, method)(path, {"url": "https://x.example"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "supervisor_required"
    assert WebhookSubscription.objects.get() == webhook


def test_administrators_and_tokens_may(admin_user, supervisor):
    _token, key = api_token_create(user=supervisor, name="ops")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert create(client).status_code == 201
    admin = APIClient()
    admin.force_authenticate(admin_user)
    assert len(admin.get(URL).json()["results"]) == 1


# --- create, read, update, delete -------------------------------------------------------


def test_create_shows_the_generated_secret_once(supervisor_client, supervisor):
    response = create(supervisor_client, events=["ticket.created", "message.created"])

    assert response.status_code == 201
    body = response.json()
    webhook = WebhookSubscription.objects.get()
    assert body["id"] == webhook.pk
    assert body["url"] == "https://crm.example/hooks"
    assert body["events"] == ["ticket.created", "message.created"]
    assert body["is_active"] is True
    assert body["created_by"] == supervisor.pk
    assert re.fullmatch(r"[0-9a-f]{64}", body["secret"])
    assert body["secret"] == webhook.secret
    assert "secret" not in supervisor_client.get(detail(webhook)).json()
    assert "secret" not in supervisor_client.get(URL).json()["results"][0]


def test_no_events_means_every_event(supervisor_client):
    body = create(supervisor_client).json()
    assert body["events"] == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"url": "ftp://crm.example/hooks"}, "invalid_url"),
        ({"url": "javascript:alert(1)"}, "invalid_url"),
        ({"url": "not a url"}, "invalid_url"),
        ({"url": "https://user:pw@crm.example/hooks"}, "invalid_url"),
        ({"url": "https://crm.example/" + "a" * 500}, "invalid_url"),
        ({"events": ["ticket.created", "ticket.exploded"]}, "unknown_event"),
        ({"events": "ticket.created"}, "invalid"),
        ({"events": [1]}, "unknown_event"),
        ({"is_active": "perhaps"}, "invalid"),
    ],
)
def test_bad_input_is_400(supervisor_client, fields, code):
    response = create(supervisor_client, **fields)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not WebhookSubscription.objects.exists()


def test_a_missing_url_is_400(supervisor_client):
    response = supervisor_client.post(URL, {"events": []}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()


def test_unknown_event_names_the_culprit(supervisor_client):
    detail_text = create(supervisor_client, events=["ticket.exploded"]).json()["detail"]
    assert "ticket.exploded" in detail_text


def test_patch_changes_what_is_given(supervisor_client, supervisor):
    webhook = WebhookSubscription.objects.create(
        url="https://crm.example/h", events=["ticket.created"], created_by=supervisor
    )
    secret = webhook.secret

    response = supervisor_client.patch(
        detail(webhook), {"events": ["contact.blocked"], "is_active": False}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["events"] == ["contact.blocked"]
    assert "secret" not in response.json()
    webhook.refresh_from_db()
    assert (webhook.url, webhook.events, webhook.is_active) == (
        "https://crm.example/h",
        ["contact.blocked"],
        False,
    )
    assert webhook.secret == secret


def test_patch_rotate_secret_shows_the_new_secret(supervisor_client, supervisor):
    webhook = WebhookSubscription.objects.create(url="https://crm.example/h", created_by=supervisor)
    old = webhook.secret

    response = supervisor_client.patch(detail(webhook), {"rotate_secret": True}, format="json")

    webhook.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["secret"] == webhook.secret != old


def test_put_replaces_the_subscription(supervisor_client, supervisor):
    webhook = WebhookSubscription.objects.create(
        url="https://crm.example/h", events=["ticket.created"], created_by=supervisor
    )
    response = supervisor_client.put(
        detail(webhook), {"url": "http://other.example/"}, format="json"
    )
    assert response.status_code == 200
    webhook.refresh_from_db()
    assert (webhook.url, webhook.events) == ("http://other.example/", [])
    assert supervisor_client.put(detail(webhook), {}, format="json").status_code == 400


def test_patch_validates_like_create(supervisor_client, supervisor):
    webhook = WebhookSubscription.objects.create(url="https://crm.example/h", created_by=supervisor)
    response = supervisor_client.patch(detail(webhook), {"url": "gopher://x"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_url"


def test_delete_removes_it_and_its_log(supervisor_client, supervisor):
    webhook = WebhookSubscription.objects.create(url="https://crm.example/h", created_by=supervisor)
    WebhookDelivery.objects.create(subscription=webhook, event="contact.blocked", payload={})

    assert supervisor_client.delete(detail(webhook)).status_code == 204

    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert supervisor_client.get(detail(webhook)).status_code == 404


def test_unknown_ids_are_404(supervisor_client):
    response = supervisor_client.get(f"{URL}999/")
    assert response.status_code == 404
    assert response.json()["code"] == "webhook_not_found"
    assert supervisor_client.get(f"{URL}999/deliveries/").status_code == 404


def test_list_is_paginated_newest_first(supervisor_client, supervisor):
    hooks = [
        WebhookSubscription.objects.create(url=f"https://h{i}.example/", created_by=supervisor)
        for i in range(3)
    ]
    body = supervisor_client.get(URL, {"page_size": 2}).json()
    assert [h["id"] for h in body["results"]] == [hooks[2].pk, hooks[1].pk]
    rest = supervisor_client.get(body["next"]).json()
    assert [h["id"] for h in rest["results"]] == [hooks[0].pk]


def test_the_event_catalogue_is_listed(supervisor_client):
    body = supervisor_client.get(f"{URL}events/").json()
    assert [e["type"] for e in body] == list(CATALOGUE)
    assert all(e["description"] for e in body)


# --- the delivery log -------------------------------------------------------------------


def test_delivery_log_newest_first_with_a_status_filter(supervisor_client, supervisor):
    webhook = WebhookSubscription.objects.create(url="https://crm.example/h", created_by=supervisor)
    other = WebhookSubscription.objects.create(url="https://other.example/", created_by=supervisor)
    failed = WebhookDelivery.objects.create(
        subscription=webhook,
        event="contact.blocked",
        payload={"type": "contact.blocked"},
        status=WebhookDelivery.Status.FAILED,
        attempts=10,
        response_status=500,
        error="HTTP 500",
    )
    delivered = WebhookDelivery.objects.create(
        subscription=webhook,
        event="ticket.created",
        payload={},
        status=WebhookDelivery.Status.DELIVERED,
        attempts=1,
        response_status=204,
    )
    WebhookDelivery.objects.create(subscription=other, event="ticket.created", payload={})

    body = supervisor_client.get(detail(webhook, "deliveries")).json()
    assert [d["id"] for d in body["results"]] == [delivered.pk, failed.pk]
    first = body["results"][1]
    assert first == {
        "id": failed.pk,
        "webhook": webhook.pk,
        "event": "contact.blocked",
        "status": "failed",
        "attempts": 10,
        "response_status": 500,
        "error": "HTTP 500",
        "created_at": first["created_at"],
        "delivered_at": None,
        "payload": {"type": "contact.blocked"},
    }
    only_failed = supervisor_client.get(detail(webhook, "deliveries"), {"status": "failed"})
    assert [d["id"] for d in only_failed.json()["results"]] == [failed.pk]
    bad = supervisor_client.get(detail(webhook, "deliveries"), {"status": "lost"})
    assert bad.status_code == 400


def test_ping_and_redeliver_through_the_api(
    supervisor_client, supervisor, receiver, django_capture_on_commit_callbacks
):
    webhook = WebhookSubscription.objects.create(url=receiver.url, created_by=supervisor)

    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(detail(webhook, "ping"))
    assert response.status_code == 202
    ping = response.json()
    assert ping["event"] == "webhook.ping"
    assert receiver.requests[0].signed_by(webhook.secret)

    path = f"{detail(webhook)}deliveries/{ping['id']}/redeliver/"
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(path)
    assert response.status_code == 202
    assert len(receiver.requests) == 2
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    other = WebhookSubscription.objects.create(url=receiver.url, created_by=supervisor)
    wrong = supervisor_client.post(f"{detail(other)}deliveries/{ping['id']}/redeliver/")
    assert wrong.status_code == 404
    assert wrong.json()["code"] == "delivery_not_found"
