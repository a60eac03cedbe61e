"""The agent dashboard's pages and partials: access rules, what each role sees, the writes
they make through the services, and the Content-Security-Policy they are served with."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import AgentStatus, Role
from chat.dashboard.pseudonyms import visitor_pseudonym
from chat.models import ConversationStatus, Message, Widget
from chat.services import messages, sessions
from contacts.models import BlockRecord, ContactNote
from tests.chat.conftest import make_agent

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def desk(support):
    support.amber_after_s = 5
    support.red_after_s = 9
    support.save()
    widget = Widget.objects.create(public_key="w-dash", name="Shop", team=support)
    alice = make_agent(support, "alice")
    return {"team": support, "widget": widget, "alice": alice}


def open_chat(widget, body="Hello", *, name=""):
    session = sessions.visitor_session_start(widget_key=widget.public_key)
    if name:
        contact = session.visitor.contact
        contact.name = name
        contact.save(update_fields=["name"])
    message, _ = messages.visitor_message_send(
        visitor=session.visitor, client_id="c1", body=body, page={"url": "https://x.example/"}
    )
    conversation = message.conversation
    conversation.refresh_from_db()
    return conversation


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, handlers, style attributes."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name == "style":
                self.problems.append(f"{tag} style=")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"{tag} {name}=javascript:")


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


# --- access ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/dashboard/state/").status_code == 302


@pytest.mark.django_db
def test_users_who_are_not_agents_are_refused():
    user = get_user_model().objects.create_user(username="customer", password="pw")
    assert client_for(user).get("/").status_code == 403
    assert client_for(user).get("/dashboard/state/").status_code == 403


@pytest.mark.django_db
def test_login_page_logs_an_agent_in(desk):
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b'id="status-toggle"' in page.content


# --- what each role sees -----------------------------------------------------------------


@pytest.mark.django_db
def test_agents_see_their_chats_and_their_teams_queue_but_not_colleagues_chats(desk, support):
    bob = make_agent(support, "bob", status=AgentStatus.NOT_ACCEPTING)
    mine = open_chat(desk["widget"], "first")
    assert mine.assignee_id == desk["alice"].user_id
    desk["alice"].status = AgentStatus.NOT_ACCEPTING
    desk["alice"].save()
    queued = open_chat(desk["widget"], "second")
    assert queued.status == ConversationStatus.QUEUED

    state = client_for(bob.user).get("/dashboard/state/").json()
    assert [(c["id"], c["section"]) for c in state["conversations"]] == [(queued.pk, "queue")]

    state = client_for(desk["alice"].user).get("/dashboard/state/").json()
    sections = {c["id"]: c["section"] for c in state["conversations"]}
    assert sections == {mine.pk: "mine", queued.pk: "queue"}
    assert client_for(bob.user).get(f"/dashboard/conversations/{mine.pk}/panel/").status_code == 404


@pytest.mark.django_db
def test_supervisors_see_every_agents_chats(desk, support):
    chat = open_chat(desk["widget"])
    supervisor = make_agent(support, "sue", role=Role.SUPERVISOR, status=AgentStatus.NOT_ACCEPTING)
    state = client_for(supervisor.user).get("/dashboard/state/").json()
    assert state["me"]["supervisor"] is True
    [summary] = state["conversations"]
    assert summary["id"] == chat.pk
    assert summary["section"] == "others"
    assert summary["assignee"]["name"] == "Alice"
    page = client_for(supervisor.user).get("/")
    assert b'id="list-others"' in page.content


@pytest.mark.django_db
def test_waiting_time_counts_from_the_oldest_unanswered_visitor_message(desk):
    chat = open_chat(desk["widget"], "one")
    first = chat.messages.get(author_type="visitor")
    messages.visitor_message_send(visitor=chat.visitor, client_id="c2", body="two")
    summary = client_for(desk["alice"].user).get("/dashboard/state/").json()["conversations"][0]
    assert summary["waiting_since"] == first.created_at.isoformat()
    assert len(summary["pending_ids"]) == 2
    assert summary["team"] == {
        "id": desk["team"].pk,
        "name": "Support",
        "amber_after_s": 5,
        "red_after_s": 9,
    }
    assert summary["name"] == visitor_pseudonym(chat.visitor_id)

    messages.agent_message_send(agent=desk["alice"].user, conversation=chat, body="Hi")
    messages.agent_message_send(
        agent=desk["alice"].user, conversation=chat, body="note", internal=True
    )
    summary = client_for(desk["alice"].user).get("/dashboard/state/").json()["conversations"][0]
    assert summary["waiting_since"] is None
    assert summary["pending_ids"] == []


@pytest.mark.django_db
def test_the_state_costs_the_same_queries_for_many_chats(desk, django_assert_max_num_queries):
    desk["alice"].slots = 10
    desk["alice"].save()
    for n in range(6):
        open_chat(desk["widget"], f"chat {n}")
    client = client_for(desk["alice"].user)
    with django_assert_max_num_queries(12):
        state = client.get("/dashboard/state/").json()
    assert len(state["conversations"]) == 6


@pytest.mark.django_db
def test_history_pages_go_back_from_the_newest(desk):
    chat = open_chat(desk["widget"], "m0")
    for n in range(1, 60):
        messages.visitor_message_send(visitor=chat.visitor, client_id=f"c{n + 1}", body=f"m{n}")
    client = client_for(desk["alice"].user)
    newest = client.get(f"/dashboard/conversations/{chat.pk}/history/").json()
    assert [m["body"] for m in newest["messages"]][-1] == "m59"
    assert len(newest["messages"]) == 50 and newest["complete"] is False
    oldest_id = newest["messages"][0]["id"]
    older = client.get(f"/dashboard/conversations/{chat.pk}/history/?before={oldest_id}").json()
    assert older["complete"] is True
    assert [m["body"] for m in older["messages"]] == [f"m{n}" for n in range(10)]


# --- the panel and its writes --------------------------------------------------------------


@pytest.mark.django_db
def test_the_panel_renders_visitor_text_inert(desk):
    chat = open_chat(desk["widget"], XSS, name=XSS)
    chat.page = {"url": "javascript:alert(3)", "title": XSS, "referrer": XSS}
    chat.metadata = {**chat.metadata, "prechat": {"name": XSS, "fields": {"order": XSS}}}
    chat.save()
    response = client_for(desk["alice"].user).get(f"/dashboard/conversations/{chat.pk}/panel/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert inline_problems(html) == []
    transcript = client_for(desk["alice"].user).get(f"/dashboard/conversations/{chat.pk}/")
    assert "&lt;script&gt;alert(1)" in transcript.content.decode()
    assert inline_problems(transcript.content.decode()) == []


@pytest.mark.django_db
def test_notes_are_added_and_edited_through_the_views(desk, support):
    chat = open_chat(desk["widget"])
    contact_id = chat.contact_id
    client = client_for(desk["alice"].user)
    response = client.post(f"/dashboard/contacts/{contact_id}/notes/", {"body": "Likes tea"})
    assert response.status_code == 200 and b"Likes tea" in response.content
    note = ContactNote.objects.get(contact_id=contact_id)
    assert note.author == desk["alice"].user

    url = f"/dashboard/contacts/{contact_id}/notes/{note.pk}/"
    assert client.post(url, {"body": "Likes green tea"}).status_code == 200
    note.refresh_from_db()
    assert note.body == "Likes green tea"

    bob = make_agent(support, "bob")
    assert client_for(bob.user).post(url, {"body": "hijack"}).status_code == 404
    empty = client.post(f"/dashboard/contacts/{contact_id}/notes/", {"body": "  "})
    assert empty.status_code == 400


@pytest.mark.django_db
def test_block_and_unblock_go_through_the_contact_services(desk):
    chat = open_chat(desk["widget"])
    client = client_for(desk["alice"].user)
    response = client.post(f"/dashboard/contacts/{chat.contact_id}/block/", {"reason": "abuse"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "contact-changed"
    chat.contact.refresh_from_db()
    assert chat.contact.is_blocked and chat.contact.blocked_reason == "abuse"
    again = client.post(f"/dashboard/contacts/{chat.contact_id}/block/", {"reason": "x"})
    assert again.status_code == 409 and b"already blocked" in again.content

    assert client.post(f"/dashboard/contacts/{chat.contact_id}/unblock/").status_code == 200
    chat.contact.refresh_from_db()
    assert not chat.contact.is_blocked
    assert list(BlockRecord.objects.values_list("action", flat=True).order_by("pk")) == [
        "block",
        "unblock",
    ]


@pytest.mark.django_db
def test_title_transfer_and_close_through_the_views(desk, support):
    chat = open_chat(desk["widget"])
    bob = make_agent(support, "bob")
    client = client_for(desk["alice"].user)

    assert (
        client.post(f"/dashboard/conversations/{chat.pk}/title/", {"title": "Refund"}).status_code
        == 200
    )
    chat.refresh_from_db()
    assert chat.title == "Refund"

    form = client.get(f"/dashboard/conversations/{chat.pk}/transfer/").content.decode()
    assert f'value="agent:{bob.user_id}"' in form and "3 free slots" in form
    response = client.post(
        f"/dashboard/conversations/{chat.pk}/transfer/",
        {"target": f"agent:{bob.user_id}", "note": "VIP"},
    )
    assert response.status_code == 200
    chat.refresh_from_db()
    assert chat.assignee_id == bob.user_id
    assert Message.objects.filter(conversation=chat, internal=True, body__contains="VIP").exists()
    # Alice no longer sees it; Bob closes it.
    assert client.post(f"/dashboard/conversations/{chat.pk}/close/").status_code == 404
    assert (
        client_for(bob.user).post(f"/dashboard/conversations/{chat.pk}/close/").status_code == 200
    )
    chat.refresh_from_db()
    assert chat.status == ConversationStatus.CLOSED


@pytest.mark.django_db
def test_transfer_to_an_agent_who_does_not_accept_is_refused_with_a_message(desk, support):
    chat = open_chat(desk["widget"])
    bob = make_agent(support, "bob", status=AgentStatus.NOT_ACCEPTING)
    response = client_for(desk["alice"].user).post(
        f"/dashboard/conversations/{chat.pk}/transfer/", {"target": f"agent:{bob.user_id}"}
    )
    assert response.status_code == 409
    assert b'data-code="agent_unavailable"' in response.content


@pytest.mark.django_db
def test_an_agent_takes_a_queued_chat_of_their_team(desk, support):
    desk["alice"].status = AgentStatus.NOT_ACCEPTING
    desk["alice"].save()
    chat = open_chat(desk["widget"])
    assert chat.status == ConversationStatus.QUEUED
    bob = make_agent(support, "bob")
    # Bob became available after the chat was queued; he takes it.
    response = client_for(bob.user).post(f"/dashboard/conversations/{chat.pk}/take/")
    assert response.status_code == 200
    chat.refresh_from_db()
    assert chat.assignee_id == bob.user_id and chat.status == ConversationStatus.ACTIVE


@pytest.mark.django_db
def test_an_agent_uploads_a_file_then_sends_it(desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    chat = open_chat(desk["widget"])
    client = client_for(desk["alice"].user)
    upload = SimpleUploadedFile("note.txt", b"plain words", content_type="text/plain")
    response = client.post(
        f"/dashboard/conversations/{chat.pk}/attachments/",
        {"file": upload},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    attachment = response.json()
    message, _ = messages.agent_message_send(
        agent=desk["alice"].user, conversation=chat, body="", attachment_ids=[attachment["id"]]
    )
    assert [a.name for a in message.attachments.all()] == ["note.txt"]

    fake = SimpleUploadedFile("x.png", b"not a png", content_type="image/png")
    refused = client.post(
        f"/dashboard/conversations/{chat.pk}/attachments/",
        {"file": fake},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"]


# --- security headers --------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_no_inline_code(desk, admin_client):
    chat = open_chat(desk["widget"])
    client = client_for(desk["alice"].user)
    for url in ("/", "/tickets/", f"/dashboard/conversations/{chat.pk}/panel/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "style-src 'self';" in policy
        assert "unsafe-inline" not in policy and "connect-src 'self' ws: wss:" in policy
        assert inline_problems(response.content.decode()) == [], url
    login = Client().get("/login/")
    assert "unsafe-inline" not in login["Content-Security-Policy"]
    assert inline_problems(login.content.decode()) == []
    admin = admin_client.get("/admin/")
    assert admin.status_code == 200 and "unsafe-inline" not in admin["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_api_docs_page_alone_may_run_its_inline_set_up(admin_client):
    response = admin_client.get("/api/docs/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_javascript_catalog_is_served(client):
    response = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert b"gettext" in response.content
