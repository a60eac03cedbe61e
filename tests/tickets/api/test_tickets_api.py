"""``/api/v1/tickets/…`` and ``/api/v1/conversations/{id}/ticket/`` (CONTRACT.md)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from chat.models import AuthorType, ConversationStatus
from tests.accounts.factories import TeamFactory
from tests.tickets.factories import chat_with_messages
from tickets import events
from tickets.api import serializers
from tickets.models import Ticket, TicketState
from tickets.services import ticket_comment, ticket_mark_spam, ticket_update

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["results"]]


# --- credentials and access -------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/tickets/"),
    ("post", "/api/v1/tickets/"),
    ("get", "/api/v1/tickets/{id}/"),
    ("patch", "/api/v1/tickets/{id}/"),
    ("post", "/api/v1/tickets/{id}/replies/"),
    ("post", "/api/v1/tickets/{id}/comments/"),
    ("get", "/api/v1/tickets/{id}/events/"),
    ("post", "/api/v1/tickets/{id}/attachments/"),
    ("post", "/api/v1/conversations/{id}/ticket/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_credentials_is_401(api_client, ticket, method, path):
    response = getattr(api_client, method)(path.format(id=ticket.pk), {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_users_who_are_not_agents_get_403(django_user_model, ticket, method, path):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("customer"))
    response = getattr(client, method)(path.format(id=ticket.pk), {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_an_agent"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS[2:8])
def test_tickets_of_other_teams_and_unknown_ids_are_404(
    agent_client, make_ticket, supervisor, method, path
):
    hidden = make_ticket(actor=supervisor, team_id=TeamFactory().pk)
    for ticket_id in (hidden.pk, 999_999):
        response = getattr(agent_client, method)(path.format(id=ticket_id), {}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "ticket_not_found"


# --- list --------------------------------------------------------------------------------------


@pytest.fixture
def several(make_ticket, agent, other_agent, team, supervisor):
    other_team = TeamFactory()
    return {
        "mine": make_ticket(title="Printer jam", assignee_id=agent.pk, team_id=team.pk),
        "theirs": make_ticket(
            title="Refund", assignee_id=other_agent.pk, team_id=team.pk, tags=["billing"]
        ),
        "pool": make_ticket(title="Unclaimed question"),
        "other_team": make_ticket(actor=supervisor, title="Elsewhere", team_id=other_team.pk),
        "pending": ticket_update(
            ticket=make_ticket(title="Waiting", team_id=team.pk),
            actor=agent,
            state=TicketState.PENDING,
        ),
    }


def test_agents_list_their_view_and_supervisors_everything(
    agent_client, supervisor_client, several
):
    agent_sees = set(ids(agent_client.get("/api/v1/tickets/")))
    assert agent_sees == {several[k].pk for k in ("mine", "theirs", "pool", "pending")}
    assert set(ids(supervisor_client.get("/api/v1/tickets/"))) == {t.pk for t in several.values()}


def test_filters(agent_client, several, agent, other_agent, team):
    get = agent_client.get
    assert ids(get("/api/v1/tickets/", {"state": "pending"})) == [several["pending"].pk]
    assert ids(get("/api/v1/tickets/", {"assignee": "me"})) == [several["mine"].pk]
    assert ids(get("/api/v1/tickets/", {"assignee": other_agent.pk})) == [several["theirs"].pk]
    assert set(ids(get("/api/v1/tickets/", {"assignee": "none"}))) == {
        several["pool"].pk,
        several["pending"].pk,
    }
    assert set(ids(get("/api/v1/tickets/", {"team": team.pk}))) == {
        several[k].pk for k in ("mine", "theirs", "pending")
    }
    assert ids(get("/api/v1/tickets/", {"tag": "Billing"})) == [several["theirs"].pk]


def test_full_text_search_covers_titles_and_messages(agent_client, several, agent):
    ticket_comment(ticket=several["pool"], actor=agent, body="The toner cartridge leaks")
    assert ids(agent_client.get("/api/v1/tickets/", {"q": "printer"})) == [several["mine"].pk]
    assert ids(agent_client.get("/api/v1/tickets/", {"q": "cartridge"})) == [several["pool"].pk]
    assert ids(agent_client.get("/api/v1/tickets/", {"q": "toner leaks"})) == [several["pool"].pk]
    assert ids(agent_client.get("/api/v1/tickets/", {"q": "nowhere-to-be-found"})) == []
    # Another team's ticket stays hidden, whatever it says.
    assert ids(agent_client.get("/api/v1/tickets/", {"q": "elsewhere"})) == []


def test_spam_is_hidden_unless_asked_for(agent_client, several, agent):
    ticket_mark_spam(ticket=several["mine"], actor=agent)
    assert several["mine"].pk not in ids(agent_client.get("/api/v1/tickets/"))
    assert ids(agent_client.get("/api/v1/tickets/", {"state": "spam"})) == [several["mine"].pk]


@pytest.mark.parametrize(
    "query", [{"state": "closed"}, {"assignee": "someone"}, {"team": "x"}, {"ordering": "title"}]
)
def test_bad_filters_are_400(agent_client, query):
    response = agent_client.get("/api/v1/tickets/", query)
    assert response.status_code == 400
    assert "code" in response.json()


def test_list_pages_with_a_cursor_and_sorts(agent_client, make_ticket):
    made = [make_ticket(title=f"T{n}") for n in range(5)]
    first = agent_client.get("/api/v1/tickets/", {"page_size": 2}).json()
    assert [t["id"] for t in first["results"]] == [made[4].pk, made[3].pk]
    second = agent_client.get(first["next"]).json()
    assert [t["id"] for t in second["results"]] == [made[2].pk, made[1].pk]
    oldest = agent_client.get("/api/v1/tickets/", {"ordering": "created_at", "page_size": 1})
    assert ids(oldest) == [made[0].pk]


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/tickets/", {"page_size": 50}).status_code == 200
    return len(queries)


def test_list_costs_the_same_queries_for_any_page_size(agent_client, make_ticket, agent, team):
    for n in range(3):
        make_ticket(title=f"A{n}", assignee_id=agent.pk, tags=["x", f"t{n}"])
    few = list_queries(agent_client)
    for n in range(20):
        make_ticket(title=f"B{n}", assignee_id=agent.pk, team_id=team.pk, tags=[f"u{n}"])
    assert list_queries(agent_client) == few
    # The page of tickets with requester and assignee (the agent's teams are a subquery),
    # and their tags.
    assert few == 2


def test_timeline_costs_the_same_queries_for_any_length(agent_client, ticket, agent):
    def timeline_queries():
        with CaptureQueriesContext(connection) as queries:
            agent_client.get(f"/api/v1/tickets/{ticket.pk}/events/")
        return len(queries)

    ticket_comment(ticket=ticket, actor=agent, body="one")
    few = timeline_queries()
    for n in range(10):
        ticket_comment(ticket=ticket, actor=agent, body=f"more {n}")
    assert timeline_queries() == few


# --- create, read, change -----------------------------------------------------------------------


def test_create_read_and_patch(agent_client, requester, other_agent, team):
    created = agent_client.post(
        "/api/v1/tickets/",
        {"title": "Broken", "body": "Screen cracked", "requester": requester.pk, "tags": ["hw"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    ticket = created.json()
    assert (ticket["state"], ticket["source"], ticket["tags"]) == ("open", "api", ["hw"])
    assert ticket["requester"]["email"] == "jane@example.com"
    url = f"/api/v1/tickets/{ticket['id']}/"
    assert agent_client.get(url).json() == ticket
    patched = agent_client.patch(
        url,
        {
            "title": "Broken screen",
            "priority": 3,
            "assignee": other_agent.pk,
            "team": team.pk,
            "tags": ["hw", "urgent"],
            "state": "pending",
        },
        format="json",
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert (body["title"], body["priority"], body["state"], body["team"]) == (
        "Broken screen",
        3,
        "pending",
        team.pk,
    )
    assert body["assignee"] == {"id": other_agent.pk, "name": "Other Agent"}
    assert body["tags"] == ["hw", "urgent"]


def test_create_by_email_and_refusals(agent_client):
    ok = agent_client.post(
        "/api/v1/tickets/", {"title": "Hi", "requester_email": "new@example.com"}, format="json"
    )
    assert ok.status_code == 201
    assert ok.json()["requester"]["email"] == "new@example.com"
    neither = agent_client.post("/api/v1/tickets/", {"title": "Hi"}, format="json")
    assert neither.status_code == 400
    unknown = agent_client.post(
        "/api/v1/tickets/", {"title": "Hi", "requester": 999_999}, format="json"
    )
    assert unknown.status_code == 404


def test_invalid_transition_is_a_400_with_a_clear_message(agent_client, ticket, agent):
    ticket_update(ticket=ticket, actor=agent, state="solved")
    response = agent_client.patch(
        f"/api/v1/tickets/{ticket.pk}/", {"state": "pending"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_transition",
        "detail": "A ticket cannot go from “solved” to “pending”; "
        "from “solved” it can go to: open, spam.",
    }


def test_patch_refusals_are_400(agent_client, ticket):
    url = f"/api/v1/tickets/{ticket.pk}/"
    assert agent_client.patch(url, {"priority": 9}, format="json").status_code == 400
    assert agent_client.patch(url, {"tags": ["a b"]}, format="json").json()["code"] == "invalid_tag"
    assert agent_client.patch(url, {"assignee": 999}, format="json").status_code == 404


def test_reply_comment_and_timeline(
    agent_client, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = agent_client.post(
            f"/api/v1/tickets/{ticket.pk}/replies/",
            {"body": "Which model?", "ask_for_information": True},
            format="json",
        )
    assert reply.status_code == 201, reply.content
    assert reply.json()["kind"] == "reply"
    assert len(mailoutbox) == 1
    comment = agent_client.post(
        f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "VIP"}, format="json"
    )
    assert comment.status_code == 201
    timeline = agent_client.get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]
    assert [(e["kind"], e["public"]) for e in timeline] == [
        ("created", True),
        ("reply", True),
        ("state_changed", True),
        ("comment", False),
    ]
    assert timeline[1]["data"]["email"] == "sent"
    assert Ticket.objects.get().state == TicketState.PENDING
    empty = agent_client.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": ""}, format="json")
    assert empty.status_code == 400


def test_upload_then_download_an_attachment(agent_client, ticket):
    upload = agent_client.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": [SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")]},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    [attachment] = upload.json()["attachments"]
    download = agent_client.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"hello"
    assert download["Content-Disposition"].startswith("attachment;")
    refused = agent_client.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": [SimpleUploadedFile("x.html", b"<script>", content_type="text/html")]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "attachment_type_not_allowed"
    missing = agent_client.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {}, format="multipart")
    assert missing.json()["code"] == "attachment_missing"


def test_conversation_becomes_a_ticket_with_its_transcript(agent_client, widget, agent):
    chat = chat_with_messages(
        widget,
        agent,
        status=ConversationStatus.ACTIVE,
        lines=[(AuthorType.VISITOR, "Hello <b>there</b>"), (AuthorType.AGENT, "Hi!")],
    )
    response = agent_client.post(f"/api/v1/conversations/{chat.pk}/ticket/", {}, format="json")
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert (ticket["source"], ticket["conversation"]) == ("chat", chat.pk)
    [created] = agent_client.get(f"/api/v1/tickets/{ticket['id']}/events/").json()["results"]
    assert "Jane: Hello <b>there</b>" in created["body"]
    again = agent_client.post(f"/api/v1/conversations/{chat.pk}/ticket/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "ticket_exists"


def test_conversation_of_someone_else_is_404(agent_client, widget, other_agent):
    chat = chat_with_messages(widget, other_agent, status=ConversationStatus.ACTIVE)
    response = agent_client.post(f"/api/v1/conversations/{chat.pk}/ticket/", {}, format="json")
    assert response.status_code == 404


# --- the schema describes the payloads -----------------------------------------------------------


def test_payloads_have_exactly_the_documented_fields(ticket, agent):
    comment = ticket_comment(ticket=ticket, actor=agent, body="x")
    ticket = Ticket.objects.select_related("requester", "assignee").get(pk=ticket.pk)
    assert set(events.ticket_payload(ticket)) == set(serializers.TicketSerializer().fields)
    assert set(events.ticket_event_payload(comment)) == set(
        serializers.TicketEventSerializer().fields
    )


def test_schema_lists_the_ticket_paths(supervisor_client):
    schema = supervisor_client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/tickets/",
        "/api/v1/tickets/{id}/",
        "/api/v1/tickets/{id}/replies/",
        "/api/v1/tickets/{id}/comments/",
        "/api/v1/tickets/{id}/events/",
        "/api/v1/conversations/{id}/ticket/",
    ):
        assert path in schema["paths"], path
