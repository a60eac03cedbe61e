"""``/api/v1/conversations/…`` and ``/api/widget/v1/session``."""

import pytest
from rest_framework.test import APIClient

from chat.models import ConversationStatus
from chat.services import messages
from tests.chat.conftest import events_of, make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    def build(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


def open_chat(start_session, body="Hello"):
    session = start_session()
    message, _ = messages.visitor_message_send(visitor=session.visitor, client_id="c1", body=body)
    return session, message.conversation


def test_api_requires_credentials():
    response = APIClient().get("/api/v1/conversations/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_list_filters_by_status_and_shows_only_what_the_role_allows(
    support, start_session, client_for
):
    alice = make_agent(support, "alice", slots=1)
    supervisor = make_agent(support, "sue", role="supervisor", status="not_accepting")
    _, active = open_chat(start_session)
    _, queued = open_chat(start_session)
    mine = client_for(alice.user).get("/api/v1/conversations/", {"status": "active"}).json()
    assert [c["id"] for c in mine["results"]] == [active.pk]
    assert mine["next"] is None
    everything = client_for(supervisor.user).get("/api/v1/conversations/").json()
    assert {c["id"] for c in everything["results"]} == {active.pk, queued.pk}
    bad = client_for(alice.user).get("/api/v1/conversations/", {"status": "nonsense"})
    assert bad.status_code == 400


def test_message_posted_through_api_reaches_sockets_like_a_socket_message(
    support, start_session, client_for, capture_events, django_capture_on_commit_callbacks
):
    alice = make_agent(support, "alice")
    _, chat = open_chat(start_session)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice.user).post(
            f"/api/v1/conversations/{chat.pk}/messages/", {"body": "From the API"}, format="json"
        )
    assert response.status_code == 201
    delivered = events_of(capture_events, "message.created", f"visitor.{chat.visitor_id}")
    assert delivered[-1]["message"]["body"] == "From the API"
    listed = client_for(alice.user).get(f"/api/v1/conversations/{chat.pk}/messages/").json()
    assert [m["body"] for m in listed["results"]] == ["Hello there!", "Hello", "From the API"]


def test_title_close_and_transfer(support, start_session, client_for):
    alice = make_agent(support, "alice")
    _, chat = open_chat(start_session)
    api = client_for(alice.user)
    assert (
        api.patch(f"/api/v1/conversations/{chat.pk}/", {"title": "Refund"}, format="json").json()[
            "title"
        ]
        == "Refund"
    )
    bad = api.post(f"/api/v1/conversations/{chat.pk}/transfer/", {}, format="json")
    assert bad.status_code == 400
    missing = api.post(f"/api/v1/conversations/{chat.pk}/transfer/", {"agent": 999}, format="json")
    assert missing.status_code == 404 and missing.json()["code"] == "agent_not_found"
    closed = api.post(f"/api/v1/conversations/{chat.pk}/close/")
    assert closed.json()["status"] == ConversationStatus.CLOSED
    again = api.post(
        f"/api/v1/conversations/{chat.pk}/transfer/", {"team": support.pk}, format="json"
    )
    assert again.status_code == 409
    assert api.get("/api/v1/conversations/999999/").status_code == 404


def test_widget_session_issues_token_and_resumes(alice, chat_widget):
    client = APIClient()
    first = client.post("/api/widget/v1/session", {"widget": "w1"}, format="json")
    assert first.status_code == 200
    body = first.json()
    assert body["available"] is True and body["conversation"] is None
    assert body["config"]["welcome_message"] == "Hello there!"
    again = client.post(
        "/api/widget/v1/session",
        {
            "widget": "w1",
            "visitor_token": body["visitor_token"],
            "page": {"url": "https://a.example/"},
        },
        format="json",
    ).json()
    assert again["visitor_id"] == body["visitor_id"]
    forged = client.post(
        "/api/widget/v1/session", {"widget": "w1", "visitor_token": "x"}, format="json"
    )
    assert forged.status_code == 401
    unknown = client.post("/api/widget/v1/session", {"widget": "nope"}, format="json")
    assert unknown.status_code == 404
    assert (
        client.post("/api/widget/v1/session", "[]", content_type="application/json").status_code
        == 400
    )


def test_widget_is_unavailable_with_nobody_accepting(support, chat_widget):
    make_agent(support, "alice", status="not_accepting")
    body = APIClient().post("/api/widget/v1/session", {"widget": "w1"}, format="json").json()
    assert body["available"] is False
    assert body["config"]["offline_reason"] == "nobody_accepting"


def test_widget_api_answers_cors(chat_widget):
    response = APIClient().options(
        "/api/widget/v1/session",
        HTTP_ORIGIN="https://shop.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response["Access-Control-Allow-Origin"] in ("*", "https://shop.example")
