"""The widget's public endpoints besides the session: config for the loader, availability,
the offline form; and the pages: ``/widget.js`` and the chat frame."""

import re

import pytest
from rest_framework.test import APIClient

from accounts.models import AgentStatus
from contacts.models import Visitor
from tests.chat.conftest import make_agent
from tickets.models import Source, Ticket, TicketState

pytestmark = pytest.mark.django_db


def test_config_gives_the_loader_its_look_targets_and_labels(chat_widget):
    chat_widget.target_patterns = ["/shop/*"]
    chat_widget.color = "#112233"
    chat_widget.save()
    response = APIClient().get("/api/widget/v1/config", {"widget": "w1", "language": "en-GB"})
    assert response.status_code == 200
    body = response.json()
    assert body["target_patterns"] == ["/shop/*"]
    assert (body["color"], body["position"], body["language"]) == ("#112233", "right", "en")
    assert body["strings"]["open"] == "Open the chat"
    assert "max-age=60" in response["Cache-Control"]
    assert APIClient().get("/api/widget/v1/config", {"widget": "nope"}).status_code == 404
    assert APIClient().get("/api/widget/v1/config").status_code == 400


def test_config_language_follows_the_browser_unless_the_widget_forces_one(chat_widget):
    def language(browser):
        return (
            APIClient()
            .get("/api/widget/v1/config", {"widget": "w1", "language": browser})
            .json()["language"]
        )

    assert language("fr-CA") == "fr"
    assert language("de-DE") == "en"
    chat_widget.language = "fr"
    chat_widget.save()
    assert language("en-US") == "fr"


def test_availability_follows_the_agents(support, chat_widget):
    alice = make_agent(support, "alice", status=AgentStatus.NOT_ACCEPTING)
    body = APIClient().get("/api/widget/v1/availability", {"widget": "w1"}).json()
    assert body == {"available": False, "reason": "nobody_accepting"}
    alice.status = AgentStatus.ACCEPTING
    alice.save()
    response = APIClient().get("/api/widget/v1/availability", {"widget": "w1"})
    assert response.json() == {"available": True, "reason": None}
    assert "no-cache" in response["Cache-Control"]


def test_session_tells_whether_the_prechat_form_was_filled(alice, chat_widget, start_session):
    session = start_session()
    client = APIClient()
    body = client.post(
        "/api/widget/v1/session", {"widget": "w1", "visitor_token": session.token}, format="json"
    ).json()
    assert body["prechat_done"] is False and body["prechat"] is None
    session.visitor.prechat = {"name": "Jo", "email": "jo@example.com", "fields": {}}
    session.visitor.save()
    body = client.post(
        "/api/widget/v1/session", {"widget": "w1", "visitor_token": session.token}, format="json"
    ).json()
    assert body["prechat_done"] is True and body["prechat"]["email"] == "jo@example.com"


def test_offline_form_opens_a_ticket_on_the_visitors_contact(support, chat_widget, start_session):
    make_agent(support, "alice", status=AgentStatus.NOT_ACCEPTING)
    session = start_session()
    response = APIClient().post(
        "/api/widget/v1/offline",
        {
            "widget": "w1",
            "visitor_token": session.token,
            "name": "Jane",
            "email": "jane@example.com",
            "message": "Call me back <b>please</b>",
        },
        format="json",
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["ticket"])
    assert (ticket.state, ticket.source, ticket.team) == (TicketState.OPEN, Source.OFFLINE, support)
    assert ticket.requester == session.visitor.contact
    assert ticket.requester.email == "jane@example.com"
    assert response.json()["visitor_token"]


def test_offline_form_without_a_token_starts_a_visitor(chat_widget):
    response = APIClient().post(
        "/api/widget/v1/offline",
        {"widget": "w1", "email": "a@example.com", "message": "Hello"},
        format="json",
    )
    assert response.status_code == 201
    assert Visitor.objects.filter(widget=chat_widget).count() == 1


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"email": "nope"}, 400, "email"),
        ({"email": ""}, 400, "email"),
        ({"message": ""}, 400, "message"),
        ({"widget": "unknown"}, 404, None),
        ({"visitor_token": "forged"}, 401, None),
    ],
)
def test_offline_form_refuses_bad_input_with_json(chat_widget, fields, status, field):
    body = {"widget": "w1", "name": "J", "email": "j@example.com", "message": "Hi"} | fields
    response = APIClient().post("/api/widget/v1/offline", body, format="json")
    assert response.status_code == status
    assert "code" in response.json()
    if field:
        assert field in response.json()
    assert not Ticket.objects.exists()


def test_offline_form_of_another_widgets_visitor_is_refused(support, chat_widget, start_session):
    from chat.models import Widget

    Widget.objects.create(public_key="w2", name="Other", team=support)
    response = APIClient().post(
        "/api/widget/v1/offline",
        {"widget": "w2", "visitor_token": start_session().token, "email": "a@b.co", "message": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_widget_js_is_the_loader(client):
    response = client.get("/widget.js", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=300" in response["Cache-Control"]
    plain = client.get("/widget.js").content.decode()
    assert "data-widget" in plain and "/widget/frame/" in plain


def test_frame_may_be_embedded_anywhere_unless_origins_are_listed(client, chat_widget):
    response = client.get("/widget/frame/", {"widget": "w1", "origin": "https://shop.example"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert b'"origin": "https://shop.example"' in response.content

    chat_widget.allowed_origins = ["https://shop.example"]
    chat_widget.save()
    response = client.get("/widget/frame/", {"widget": "w1", "origin": "https://evil.example"})
    assert "frame-ancestors 'self' https://shop.example" in response["Content-Security-Policy"]
    # The frame never talks to an origin the widget does not list.
    assert b'"origin": ""' in response.content


def test_frame_has_no_inline_script_or_handler(client, chat_widget):
    html = client.get("/widget/frame/", {"widget": "w1"}).content.decode()
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "<script>" not in html and "style=" not in html
    assert '<script type="module"' in html and 'type="application/json"' in html


def test_frame_renders_the_prechat_questions_and_welcome_as_text(client, chat_widget):
    chat_widget.prechat_mode = "required"
    chat_widget.prechat_fields = [
        {"name": "order", "label": "Order <b>number</b>", "required": True},
        {"label": "no name: dropped"},
    ]
    chat_widget.welcome_message = "<img src=x onerror=alert(1)>"
    chat_widget.save()
    html = client.get("/widget/frame/", {"widget": "w1"}).content.decode()
    assert 'data-question="order"' in html and "Order &lt;b&gt;number&lt;/b&gt;" in html
    assert "dropped" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'id="prechat-email" name="email" type="email"' in html


def test_frame_of_an_unknown_widget_is_404(client, db):
    assert client.get("/widget/frame/", {"widget": "nope"}).status_code == 404
