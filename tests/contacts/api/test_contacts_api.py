"""``/api/v1/contacts/…``: CRUD, erase, block, notes and export through the REST API."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.services import api_token_create
from chat.models import Conversation, Message
from contacts.models import BlockRecord, Contact, ContactNote, Visitor
from contacts.services import contact_block

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/"


def detail(contact, action=""):
    return f"{URL}{contact.pk}/{action + '/' if action else ''}"


# --- authentication -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", URL),
        ("post", URL),
        ("get", "/api/v1/contacts/1/"),
        ("get", "/api/v1/contacts/1/export/"),
    ],
)
def test_without_credentials_is_401(api_client, method, path):
    response = getattr(api_client, method)(path, {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert api_client.get(URL).status_code == 401


def test_token_auth_works(agent, contact):
    _token, key = api_token_create(user=agent, name="crm")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(URL)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [contact.pk]


def test_user_without_agent_profile_is_403(api_client, contact):
    api_client.force_authenticate(get_user_model().objects.create_user(username="customer"))
    assert api_client.get(URL).status_code == 403
    assert api_client.get(detail(contact)).json()["code"] == "not_an_agent"


# --- list, create, read, update -------------------------------------------------------


def test_list_is_paginated_newest_activity_first(agent_client):
    contacts = [Contact.objects.create(name=f"C{i}") for i in range(3)]
    response = agent_client.get(URL, {"page_size": 2})
    body = response.json()
    assert response.status_code == 200
    assert [c["id"] for c in body["results"]] == [contacts[2].pk, contacts[1].pk]
    assert body["next"]
    rest = agent_client.get(body["next"]).json()
    assert [c["id"] for c in rest["results"]] == [contacts[0].pk]
    assert rest["next"] is None


def test_list_query_count_does_not_grow_with_contacts(
    agent_client, widget, supervisor, django_assert_max_num_queries
):
    for i in range(10):
        contact = Contact.objects.create(name=f"C{i}")
        Visitor.objects.create(contact=contact, widget=widget)
        contact_block(contact=contact, actor=supervisor)
    with django_assert_max_num_queries(3):
        response = agent_client.get(URL)
    assert len(response.json()["results"]) == 10
    assert response.json()["results"][0]["blocked_by"]["name"] == "Supervisor"


def test_list_filters(agent_client):
    jane = Contact.objects.create(name="Jane", email="jane@example.com", company="Acme")
    Contact.objects.create(name="John", email="john@example.com", company="Globex")
    blocked = Contact.objects.create(name="Troll")
    Contact.objects.filter(pk=blocked.pk).update(is_blocked=True, blocked_at="2026-01-01T00:00Z")

    def ids(**params):
        return {c["id"] for c in agent_client.get(URL, params).json()["results"]}

    assert ids(q="acme") == {jane.pk}
    assert ids(q="JANE example") == {jane.pk}
    assert ids(email="JANE@example.com") == {jane.pk}
    assert ids(blocked="true") == {blocked.pk}
    assert blocked.pk not in ids(blocked="false")


def test_create_then_read_and_patch(agent_client):
    response = agent_client.post(
        URL,
        {"name": "Jane", "email": "jane@example.com", "phone": "123", "attributes": {"vip": True}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["attributes"] == {"vip": True}
    assert created["visitors"] == [] and created["is_blocked"] is False

    path = f"{URL}{created['id']}/"
    assert agent_client.get(path).json()["email"] == "jane@example.com"
    response = agent_client.patch(path, {"company": "Acme"}, format="json")
    assert response.status_code == 200
    assert response.json()["company"] == "Acme"
    assert response.json()["name"] == "Jane"


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "nope"},
        {"attributes": [1, 2]},
        {"name": "x" * 201},
        {"phone": 5 * "0123456789" + "1"},
    ],
)
def test_create_refuses_bad_input_with_400(agent_client, payload):
    response = agent_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_unknown_contact_is_404(agent_client):
    for path in ("/api/v1/contacts/999999/", "/api/v1/contacts/999999/notes/"):
        response = agent_client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "contact_not_found"
    assert agent_client.post("/api/v1/contacts/999999/block/", {}).status_code == 404


# --- erase ----------------------------------------------------------------------------


def test_agent_cannot_erase(agent_client, contact):
    response = agent_client.delete(detail(contact))
    assert response.status_code == 403
    assert response.json()["code"] == "supervisor_required"
    contact.refresh_from_db()
    assert contact.name == "Jane Doe"


def test_supervisor_erases_personal_data_and_keeps_counts(supervisor_client, history):
    conversations = Conversation.objects.filter(contact=history.contact).count()
    messages = Message.objects.count()

    response = supervisor_client.delete(detail(history.contact))

    assert response.status_code == 204
    contact = Contact.objects.get(pk=history.contact.pk)
    assert (contact.name, contact.email, contact.phone, contact.company) == ("", "", "", "")
    assert not ContactNote.objects.filter(contact=contact).exists()
    assert Conversation.objects.filter(contact=contact).count() == conversations
    assert Message.objects.count() == messages
    assert not Message.objects.filter(body="My card is 4111").exists()


def test_erase_unknown_contact_is_404_for_supervisors(supervisor_client):
    assert supervisor_client.delete("/api/v1/contacts/999999/").status_code == 404


# --- block ----------------------------------------------------------------------------


def test_block_then_unblock(agent_client, agent, contact):
    response = agent_client.post(detail(contact, "block"), {"reason": "spam"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["is_blocked"] is True and body["blocked_reason"] == "spam"
    assert body["blocked_by"] == {"id": agent.pk, "name": "Agent"}
    record = BlockRecord.objects.get(contact=contact)
    assert (record.action, record.actor, record.reason) == ("block", agent, "spam")

    second = agent_client.post(detail(contact, "block"), {"reason": "again"}, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "already_blocked"

    response = agent_client.post(detail(contact, "unblock"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["is_blocked"] is False
    assert agent_client.post(detail(contact, "unblock"), {}).json()["code"] == "not_blocked"


def test_block_reason_too_long_is_400(agent_client, contact):
    response = agent_client.post(detail(contact, "block"), {"reason": "x" * 501}, format="json")
    assert response.status_code == 400


# --- notes ----------------------------------------------------------------------------


def test_notes_add_and_list_newest_first(agent_client, agent, contact):
    first = agent_client.post(detail(contact, "notes"), {"body": "First"}, format="json")
    assert first.status_code == 201
    assert first.json()["author"] == {"id": agent.pk, "name": "Agent"}
    agent_client.post(detail(contact, "notes"), {"body": "Second"}, format="json")

    body = agent_client.get(detail(contact, "notes")).json()
    assert [n["body"] for n in body["results"]] == ["Second", "First"]
    assert body["next"] is None


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "   "}])
def test_empty_note_is_400(agent_client, contact, payload):
    response = agent_client.post(detail(contact, "notes"), payload, format="json")
    assert response.status_code == 400
    assert not ContactNote.objects.exists()


# --- export ---------------------------------------------------------------------------


def test_agent_cannot_export(agent_client, contact):
    response = agent_client.get(detail(contact, "export"))
    assert response.status_code == 403
    assert response.json()["code"] == "supervisor_required"


def test_export_has_messages_but_no_internal_notes(supervisor_client, history):
    response = supervisor_client.get(detail(history.contact, "export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = response.json()
    assert document["contact"]["name"] == "Jane Doe"
    bodies = [m["body"] for c in document["conversations"] for m in c["messages"]]
    assert "My card is 4111" in bodies and "On it" in bodies
    assert "Looks like fraud" not in response.content.decode()
    assert "Internal: VIP" not in response.content.decode()
    assert document["tickets"][0]["events"][-1]["body"] == "Refunded"
    assert document["notes"] and document["block_records"]


def test_export_unknown_contact_is_404(supervisor_client):
    assert supervisor_client.get("/api/v1/contacts/999999/export/").status_code == 404


# --- schema ---------------------------------------------------------------------------


def test_schema_is_valid_openapi(supervisor_client):
    from openapi_spec_validator import validate

    response = supervisor_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert "/api/v1/contacts/{id}/export/" in schema["paths"]
