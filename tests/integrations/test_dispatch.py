"""Which events become deliveries: the catalogue, visitor-only variants, internal notes,
blocked contacts, and what it costs when nobody listens."""

import pytest

from analytics.services import chat_rating_submit
from chat.models import ConversationStatus, Widget
from chat.services import conversations, messages, sessions
from contacts.services import contact_block
from helpdesk.events import send_event_on_commit
from integrations import dispatch
from integrations.catalogue import CATALOGUE
from integrations.models import WebhookDelivery
from integrations.services import webhook_delete, webhook_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat_widget(team):
    return Widget.objects.create(public_key="w-hooks", name="Shop", team=team)


def visitor_says(widget, body, *, session=None, client_id="c1"):
    session = session or sessions.visitor_session_start(widget_key=widget.public_key)
    message, _created = messages.visitor_message_send(
        visitor=session.visitor, client_id=client_id, body=body
    )
    return session, message


def delivered(event_type=None):
    deliveries = WebhookDelivery.objects.order_by("id")
    if event_type:
        deliveries = deliveries.filter(event=event_type)
    return [d.payload for d in deliveries]


def test_the_catalogue_names_the_subject_of_every_event():
    assert {"conversation.queued", "message.created", "ticket.updated", "rating.created"} <= set(
        CATALOGUE
    )
    assert all(e.subject in e.name.split(".")[0] for e in CATALOGUE.values())


def test_a_chat_reaches_webhooks_as_it_happens(
    subscribe, receiver, chat_widget, supervisor, django_capture_on_commit_callbacks
):
    subscribe()
    with django_capture_on_commit_callbacks(execute=True):
        session, message = visitor_says(chat_widget, "Hello?")
    conversation = message.conversation
    with django_capture_on_commit_callbacks(execute=True):
        messages.agent_message_send(
            agent=supervisor, conversation=conversation, body="Answering", client_id="a1"
        )
    with django_capture_on_commit_callbacks(execute=True):
        conversations.conversation_close(conversation=conversation, actor=supervisor)

    events = list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))
    # Nobody accepts chats in this team: the chat is queued.
    assert events == [
        "conversation.queued",
        "message.created",
        "message.created",
        "conversation.closed",
    ]
    said, answered = delivered("message.created")
    assert said["message"]["body"] == "Hello?"
    assert said["message"]["author"]["type"] == "visitor"
    assert answered["message"]["body"] == "Answering"
    [closed] = delivered("conversation.closed")
    assert closed["conversation"]["id"] == conversation.pk
    assert closed["conversation"]["status"] == ConversationStatus.CLOSED
    assert [r.json["type"] for r in receiver.requests] == events


def test_internal_notes_are_never_delivered(
    subscribe, chat_widget, supervisor, django_capture_on_commit_callbacks
):
    subscribe(events=["message.created"])
    _session, message = visitor_says(chat_widget, "Hello?")

    with django_capture_on_commit_callbacks(execute=True):
        messages.agent_message_send(
            agent=supervisor, conversation=message.conversation, body="VIP", internal=True
        )

    assert delivered() == []


def test_visitor_only_variants_are_skipped(subscribe, django_capture_on_commit_callbacks):
    subscribe()
    with django_capture_on_commit_callbacks(execute=True):
        send_event_on_commit(["v"], {"type": "conversation.closed", "conversation": 7})
        send_event_on_commit(["v"], {"type": "conversation.assigned", "agent": {"name": "A"}})
        send_event_on_commit(["v"], {"type": "queue.position", "position": 1})
        send_event_on_commit(["v"], {"type": "agent.typing", "typing": True})
    assert delivered() == []


def test_a_blocked_contacts_chat_is_not_delivered(
    subscribe, chat_widget, supervisor, django_capture_on_commit_callbacks
):
    session, message = visitor_says(chat_widget, "Hello?")
    contact_block(contact=session.visitor.contact, actor=supervisor)
    subscribe(events=["message.created", "conversation.closed"])

    with django_capture_on_commit_callbacks(execute=True):
        visitor_says(chat_widget, "Still me", session=session, client_id="c2")
        conversations.conversation_close(conversation=message.conversation, actor=supervisor)

    assert delivered() == []


def test_ticket_comments_are_dropped_and_a_comment_alone_is_not_sent(
    subscribe, django_capture_on_commit_callbacks
):
    subscribe(events=["ticket.updated"])
    ticket = {"id": 3, "title": "Refund", "state": "open"}
    reply = {"id": 1, "kind": "reply", "public": True, "body": "Done"}
    comment = {"id": 2, "kind": "comment", "public": False, "body": "VIP"}

    with django_capture_on_commit_callbacks(execute=True):
        send_event_on_commit(
            ["s"],
            {"type": "ticket.updated", "ticket": ticket, "events": [comment], "changes": []},
        )
        send_event_on_commit(
            ["s"],
            {"type": "ticket.updated", "ticket": ticket, "events": [reply, comment], "changes": []},
        )

    [sent] = delivered()
    assert sent["events"] == [reply]
    assert sent["ticket"] == ticket


def test_a_rating_is_delivered_and_a_new_rating_is_an_update(
    subscribe, chat_widget, django_capture_on_commit_callbacks
):
    subscribe(events=["rating.created", "rating.updated"])
    session, message = visitor_says(chat_widget, "Hello?")

    with django_capture_on_commit_callbacks(execute=True):
        rating = chat_rating_submit(visitor=session.visitor, score=5, comment="Great")
    with django_capture_on_commit_callbacks(execute=True):
        chat_rating_submit(visitor=session.visitor, score=2)

    created, updated = delivered()
    assert created["type"] == "rating.created"
    assert created["rating"] == {
        "id": rating.pk,
        "kind": "chat",
        "conversation": message.conversation_id,
        "ticket": None,
        "score": 5,
        "comment": "Great",
        "agent": None,
        "team": chat_widget.team_id,
        "created_at": rating.created_at.isoformat(),
    }
    assert updated["type"] == "rating.updated"
    assert (updated["rating"]["id"], updated["rating"]["score"]) == (rating.pk, 2)


def test_nobody_listening_costs_no_query(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    event = {"type": "contact.blocked", "contact": {"id": 1}}
    dispatch.dispatch(event)  # reads the subscriptions once
    with django_assert_num_queries(0):
        for _ in range(100):
            dispatch.dispatch(event)


def test_an_unwanted_event_costs_no_query(subscribe, django_assert_num_queries):
    subscribe(events=["ticket.created"])
    dispatch.dispatch({"type": "contact.blocked", "contact": {"id": 1}})
    with django_assert_num_queries(0):
        dispatch.dispatch({"type": "contact.blocked", "contact": {"id": 1}})


def test_saving_or_deleting_a_subscription_refreshes_the_cache(subscribe):
    event = {"type": "contact.blocked", "contact": {"id": 1}}
    dispatch.dispatch(event)  # caches "nobody listens"

    webhook = subscribe(events=["contact.blocked"], is_active=False)
    dispatch.dispatch(event)
    assert delivered() == []

    webhook_update(webhook=webhook, is_active=True)
    dispatch.dispatch(event)
    assert len(delivered()) == 1

    webhook_delete(webhook=webhook)
    dispatch.dispatch(event)
    assert WebhookDelivery.objects.count() == 0


def test_a_failing_dispatch_never_reaches_the_caller(subscribe, monkeypatch, caplog):
    subscribe()

    def broken(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("integrations.services.webhook_deliveries_create", broken)
    dispatch.dispatch({"type": "contact.blocked", "contact": {"id": 1}})
    dispatch.dispatch("not an event")  # type: ignore[arg-type]
    assert "webhook dispatch failed for contact.blocked" in caplog.text
