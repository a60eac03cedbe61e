"""Live visitors (A10): the page a visitor is on, the list of who is online now, and the
agent's invitation to chat."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import AgentStatus, Role, Team
from chat import live, visitor_presence
from chat.models import AuthorType, Conversation, ConversationStatus, Widget
from chat.services import messages, presence, sessions
from chat.services.invitations import visitor_invite
from contacts.models import Visitor
from helpdesk.errors import DomainError
from helpdesk.events import agent_group, visitor_group
from tests.chat.conftest import events_of, make_agent


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def online_visitor(widget, url="https://shop.example/a", title="A"):
    session = sessions.visitor_session_start(widget_key=widget.public_key)
    presence.visitor_page_record(
        visitor=session.visitor, page={"url": url, "title": title, "referrer": ""}
    )
    visitor_presence.visitor_connected(session.visitor.pk)
    return Visitor.objects.select_related("contact", "widget").get(pk=session.visitor.pk)


# --- The page on the visitor ------------------------------------------------------------


def test_page_is_recorded_without_a_chat_and_keeps_its_time_while_the_url_stays(chat_widget):
    visitor = sessions.visitor_session_start(widget_key=chat_widget.public_key).visitor
    assert visitor.visit_started_at is not None
    first = presence.visitor_page_record(visitor=visitor, page={"url": "https://s/a", "title": "A"})
    again = presence.visitor_page_record(
        visitor=visitor, page={"url": "https://s/a", "title": "A2"}
    )
    assert again["at"] == first["at"] and again["title"] == "A2"
    other = presence.visitor_page_record(visitor=visitor, page={"url": "https://s/b"})
    assert other["at"] >= first["at"] and other["url"] == "https://s/b"
    visitor.refresh_from_db()
    assert visitor.page["url"] == "https://s/b"
    assert not visitor.conversations.exists()


def test_session_endpoint_stores_the_page(chat_widget):
    response = Client().post(
        "/api/widget/v1/session",
        {"widget": chat_widget.public_key, "page": {"url": "https://s/x", "title": "X"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    visitor = Visitor.objects.get(pk=response.json()["visitor_id"])
    assert visitor.page["url"] == "https://s/x" and visitor.page["title"] == "X"


def test_a_new_visit_starts_after_a_long_absence(chat_widget, start_session):
    session = start_session()
    long_ago = timezone.now() - timedelta(hours=2)
    Visitor.objects.filter(pk=session.visitor.pk).update(
        last_seen_at=long_ago, visit_started_at=long_ago
    )
    again = start_session(session.token).visitor
    assert again.visit_started_at > long_ago
    soon = start_session(session.token).visitor
    assert soon.visit_started_at == again.visit_started_at


# --- The list -----------------------------------------------------------------------------


def test_only_online_recent_visitors_of_the_users_teams(
    support, alice, chat_widget, django_assert_max_num_queries
):
    online = online_visitor(chat_widget)
    chatting = online_visitor(chat_widget, url="https://shop.example/b")
    messages.visitor_message_send(visitor=chatting, client_id="c1", body="Hi")
    offline = sessions.visitor_session_start(widget_key=chat_widget.public_key).visitor
    stale = online_visitor(chat_widget)
    Visitor.objects.filter(pk=stale.pk).update(last_seen_at=timezone.now() - timedelta(hours=1))
    other_team = Team.objects.create(name="Sales")
    other_widget = Widget.objects.create(public_key="w2", name="Sales", team=other_team)
    foreign = online_visitor(other_widget)

    with django_assert_max_num_queries(3):
        found = live.live_visitors_for(alice.user)
    by_id = {v.visitor.pk: v for v in found}
    assert set(by_id) == {online.pk, chatting.pk}
    assert offline.pk not in by_id and stale.pk not in by_id and foreign.pk not in by_id
    assert not by_id[online.pk].chatting and by_id[online.pk].url == "https://shop.example/a"
    assert by_id[online.pk].on_page_since is not None and by_id[online.pk].on_site_since
    assert by_id[chatting.pk].chatting

    boss = make_agent(support, "boss", role=Role.SUPERVISOR)
    boss.teams.clear()
    assert {v.visitor.pk for v in live.live_visitors_for(boss.user)} == {
        online.pk,
        chatting.pk,
        foreign.pk,
    }
    visitor_presence.visitor_disconnected(online.pk)
    assert {v.visitor.pk for v in live.live_visitors_for(alice.user)} == {chatting.pk}


def test_query_count_does_not_grow_with_visitors(alice, chat_widget, django_assert_max_num_queries):
    for _ in range(8):
        online_visitor(chat_widget)
    with django_assert_max_num_queries(3):
        assert len(live.live_visitors_for(alice.user)) == 8


# --- The invitation -------------------------------------------------------------------------


def test_invite_opens_an_assigned_chat_with_the_agents_message(
    alice, chat_widget, capture_events, django_capture_on_commit_callbacks
):
    visitor = online_visitor(chat_widget)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = visitor_invite(agent=alice.user, visitor=visitor, body="Need help?")
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE
    assert conversation.assignee_id == alice.user_id and conversation.assigned_at
    assert conversation.first_response_at is None
    assert conversation.metadata["invited_by"] == alice.user_id
    assert conversation.page["url"] == "https://shop.example/a"
    (message,) = conversation.messages.all()
    assert message.author_type == AuthorType.AGENT and message.body == "Need help?"

    assert events_of(capture_events, "conversation.assigned", agent_group(alice.user_id))
    assert events_of(capture_events, "conversation.assigned", visitor_group(visitor.pk))
    (to_visitor,) = events_of(capture_events, "message.created", visitor_group(visitor.pk))
    assert to_visitor["message"]["body"] == "Need help?"
    assert events_of(capture_events, "message.created", agent_group(alice.user_id))


def test_invite_works_while_not_accepting_but_needs_a_free_slot(support, chat_widget):
    carol = make_agent(support, "carol", status=AgentStatus.NOT_ACCEPTING, slots=1)
    visitor_invite(agent=carol.user, visitor=online_visitor(chat_widget), body="Hi")
    with pytest.raises(DomainError) as refused:
        visitor_invite(agent=carol.user, visitor=online_visitor(chat_widget), body="Hi")
    assert refused.value.code == "no_free_slot"


def test_invite_refusals(support, alice, chat_widget):
    def code_of(visitor, agent=alice.user, body="Hi"):
        with pytest.raises(DomainError) as refused:
            visitor_invite(agent=agent, visitor=visitor, body=body)
        return refused.value.code

    blocked = online_visitor(chat_widget)
    blocked.contact.is_blocked = True
    blocked.contact.blocked_at = timezone.now()
    blocked.contact.save()
    assert code_of(blocked) == "visitor_blocked"

    chatting = online_visitor(chat_widget)
    messages.visitor_message_send(visitor=chatting, client_id="c1", body="Hi")
    assert code_of(chatting) == "already_chatting"

    gone = sessions.visitor_session_start(widget_key=chat_widget.public_key).visitor
    assert code_of(gone) == "visitor_offline"

    assert code_of(online_visitor(chat_widget), body="  ") == "empty_message"
    offline = make_agent(support, "olaf", status=AgentStatus.OFFLINE)
    assert code_of(online_visitor(chat_widget), agent=offline.user) == "agent_offline"
    assert Conversation.objects.filter(metadata__invited_by__isnull=False).count() == 0


# --- The pages --------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_lists_visitors_and_invite_posts(support, alice, chat_widget):
    visitor = online_visitor(chat_widget, title="Pricing <b>")
    client = client_for(alice.user)
    page = client.get("/visitors/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pricing &lt;b&gt;" in html and f"/visitors/{visitor.pk}/invite/" in html
    assert client.get("/visitors/list/").status_code == 200

    form = client.get(f"/visitors/{visitor.pk}/invite/")
    assert form.status_code == 200 and "<textarea" in form.content.decode()
    sent = client.post(f"/visitors/{visitor.pk}/invite/", {"body": "Can I help?"})
    assert sent.status_code == 200
    conversation = Conversation.objects.get(visitor=visitor)
    assert conversation.assignee_id == alice.user_id

    again = client.post(f"/visitors/{visitor.pk}/invite/", {"body": "Can I help?"})
    assert again.status_code == 409 and b"already_chatting" in again.content


def test_invite_of_another_teams_visitor_is_not_found(support, alice, chat_widget):
    other_widget = Widget.objects.create(
        public_key="w2", name="Sales", team=Team.objects.create(name="Sales")
    )
    visitor = online_visitor(other_widget)
    client = client_for(alice.user)
    assert client.get(f"/visitors/{visitor.pk}/invite/").status_code == 404
    assert client.post(f"/visitors/{visitor.pk}/invite/", {"body": "Hi"}).status_code == 404
    assert b"Sales" not in client.get("/visitors/list/").content


def test_pages_need_an_agent(chat_widget, django_user_model):
    assert Client().get("/visitors/").status_code == 302
    user = django_user_model.objects.create_user(username="nobody", password="pw")
    assert client_for(user).get("/visitors/").status_code == 403
