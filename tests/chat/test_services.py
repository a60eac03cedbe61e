"""Chat services: the rows they write and the events they emit."""

import pytest
from django.utils import timezone

from accounts.models import AgentStatus
from chat.models import Conversation, ConversationStatus, Message
from chat.selectors import messages_after
from chat.services import conversations, messages, presence, sessions
from contacts.services import contact_block, contact_unblock
from helpdesk.errors import Conflict, DomainError, PermissionDenied
from helpdesk.events import agent_group, team_group, visitor_group
from tests.chat.conftest import events_of, make_agent

pytestmark = pytest.mark.django_db


def open_chat(start_session, body="Hello", client_id="c1"):
    session = start_session()
    message, _ = messages.visitor_message_send(
        visitor=session.visitor, client_id=client_id, body=body
    )
    return session, message.conversation


def test_new_chat_goes_to_agent_with_fewest_open_chats(
    support, start_session, django_capture_on_commit_callbacks
):
    alice = make_agent(support, "alice")
    bob = make_agent(support, "bob")
    with django_capture_on_commit_callbacks(execute=True):
        _, first = open_chat(start_session)
        _, second = open_chat(start_session)
    assert {first.assignee_id, second.assignee_id} == {alice.user_id, bob.user_id}


def test_returning_contact_gets_their_last_agent(support, start_session):
    make_agent(support, "alice")
    make_agent(support, "bob")
    session, first = open_chat(start_session)
    conversations.conversation_close(conversation=first, actor=None)
    # Bob is now idler, but the contact knows Alice.
    message, _ = messages.visitor_message_send(
        visitor=session.visitor, client_id="c2", body="Again"
    )
    assert first.assignee_id == message.conversation.assignee_id
    assert message.conversation.pk != first.pk


def test_chat_is_queued_when_every_slot_is_full_and_assigned_when_one_frees(
    support, start_session, capture_events, django_capture_on_commit_callbacks
):
    alice = make_agent(support, "alice", slots=1)
    with django_capture_on_commit_callbacks(execute=True):
        _, first = open_chat(start_session)
        waiting_session, waiting = open_chat(start_session)
    waiting.refresh_from_db()
    assert waiting.status == ConversationStatus.QUEUED
    position = events_of(capture_events, "queue.position", visitor_group(waiting.visitor_id))
    assert position[-1]["position"] == 1
    assert events_of(capture_events, "conversation.queued", team_group(support.pk))

    with django_capture_on_commit_callbacks(execute=True):
        conversations.conversation_close(conversation=first, actor=alice.user)
    waiting.refresh_from_db()
    assert waiting.status == ConversationStatus.ACTIVE
    assert waiting.assignee_id == alice.user_id
    assigned = events_of(capture_events, "conversation.assigned", visitor_group(waiting.visitor_id))
    assert assigned[-1]["agent"]["name"] == "Alice"


def test_nobody_accepting_queues_and_accepting_drains_the_queue(support, start_session):
    alice = make_agent(support, "alice", status=AgentStatus.NOT_ACCEPTING)
    _, chat = open_chat(start_session)
    chat.refresh_from_db()
    assert chat.status == ConversationStatus.QUEUED
    presence.agent_status_set(profile=alice, status=AgentStatus.ACCEPTING)
    chat.refresh_from_db()
    assert chat.assignee_id == alice.user_id


def test_not_accepting_agent_keeps_current_chats_and_gets_no_new_one(support, start_session):
    alice = make_agent(support, "alice")
    _, kept = open_chat(start_session)
    presence.agent_status_set(profile=alice, status=AgentStatus.NOT_ACCEPTING)
    _, new = open_chat(start_session)
    kept.refresh_from_db()
    new.refresh_from_db()
    assert kept.assignee_id == alice.user_id and kept.status == ConversationStatus.ACTIVE
    assert new.status == ConversationStatus.QUEUED


def test_offline_status_cannot_be_chosen_by_hand(alice):
    with pytest.raises(DomainError):
        presence.agent_status_set(profile=alice, status="offline")


def test_agent_reply_records_first_response_and_close_without_reply_is_missed(alice, start_session):
    _, answered = open_chat(start_session)
    messages.agent_message_send(agent=alice.user, conversation=answered, body="Hi!", client_id="a1")
    answered.refresh_from_db()
    assert answered.first_response_at is not None
    conversations.conversation_close(conversation=answered, actor=alice.user)
    answered.refresh_from_db()
    assert answered.missed is False

    _, unanswered = open_chat(start_session)
    conversations.conversation_close(conversation=unanswered, actor=None)
    unanswered.refresh_from_db()
    assert unanswered.missed is True


def test_internal_note_never_reaches_the_visitor(
    alice, start_session, capture_events, django_capture_on_commit_callbacks
):
    _, chat = open_chat(start_session)
    with django_capture_on_commit_callbacks(execute=True):
        note, _ = messages.agent_message_send(
            agent=alice.user, conversation=chat, body="VIP customer", internal=True
        )
    created = [
        e for e in events_of(capture_events, "message.created") if e["message"]["id"] == note.pk
    ]
    groups = [g for g, e in capture_events if e.get("message", {}).get("id") == note.pk]
    assert created and visitor_group(chat.visitor_id) not in groups
    assert agent_group(alice.user_id) in groups
    visible = messages_after(chat, None, include_internal=False)
    assert note not in visible
    chat.refresh_from_db()
    assert chat.first_response_at is None


def test_only_the_assignee_may_write(support, start_session):
    make_agent(support, "alice")
    other = make_agent(support, "zoe", status=AgentStatus.NOT_ACCEPTING)
    _, chat = open_chat(start_session)
    with pytest.raises(PermissionDenied):
        messages.agent_message_send(agent=other.user, conversation=chat, body="Hi")


def test_blocked_contact_messages_are_stored_and_reach_no_agent(
    alice, start_session, capture_events, django_capture_on_commit_callbacks
):
    session, chat = open_chat(start_session)
    contact_block(contact=session.visitor.contact, actor=alice.user, reason="abuse")
    session.visitor.contact.refresh_from_db()
    capture_events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message, created = messages.visitor_message_send(
            visitor=session.visitor, client_id="b1", body="spam"
        )
    assert created and Message.objects.filter(pk=message.pk).exists()
    groups = [g for g, _ in capture_events]
    assert groups == [visitor_group(session.visitor.pk)]

    conversations.conversation_close(conversation=chat, actor=alice.user)
    later, _ = messages.visitor_message_send(visitor=session.visitor, client_id="b2", body="more")
    assert Conversation.objects.filter(visitor=session.visitor).count() == 1
    later.conversation.refresh_from_db()
    assert later.conversation.status == ConversationStatus.CLOSED

    contact_unblock(contact=session.visitor.contact, actor=alice.user)
    session.visitor.contact.refresh_from_db()
    fresh, _ = messages.visitor_message_send(visitor=session.visitor, client_id="b3", body="sorry")
    assert fresh.conversation.status == ConversationStatus.ACTIVE


def test_transfer_to_full_agent_is_refused_and_changes_nothing(support, start_session):
    alice = make_agent(support, "alice")
    bob = make_agent(support, "bob", slots=1)
    _, chat = open_chat(start_session)
    _, other = open_chat(start_session)
    holder = chat if chat.assignee_id == alice.user_id else other
    full = chat if holder is other else other
    assert full.assignee_id == bob.user_id
    with pytest.raises(Conflict):
        conversations.conversation_transfer(
            conversation=holder, actor=alice.user, agent_id=bob.user_id
        )
    holder.refresh_from_db()
    assert holder.assignee_id == alice.user_id


def test_transfer_to_agent_tells_both_agents_and_the_visitor(
    support, start_session, capture_events, django_capture_on_commit_callbacks
):
    alice = make_agent(support, "alice")
    _, chat = open_chat(start_session)
    bob = make_agent(support, "bob")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.conversation_transfer(
            conversation=chat, actor=alice.user, agent_id=bob.user_id, note="Billing question"
        )
    chat.refresh_from_db()
    assert chat.assignee_id == bob.user_id
    for user_id in (alice.user_id, bob.user_id):
        assert events_of(capture_events, "conversation.transferred", agent_group(user_id))
    told = events_of(capture_events, "conversation.assigned", visitor_group(chat.visitor_id))
    assert told[-1]["agent"]["name"] == "Bob"
    note = chat.messages.get(internal=True)
    assert "Billing question" in note.body


def test_session_token_resumes_visitor_and_open_chat(alice, start_session):
    session, chat = open_chat(start_session)
    again = start_session(token=session.token)
    assert again.visitor.pk == session.visitor.pk
    assert again.conversation.pk == chat.pk


def test_forged_expired_and_foreign_tokens_are_refused(
    support, chat_widget, start_session, settings
):
    from chat.models import Widget

    session = start_session()
    with pytest.raises(DomainError) as forged:
        start_session(token=session.token + "x")
    assert forged.value.status == 401
    other = Widget.objects.create(public_key="w2", name="Other", team=support)
    with pytest.raises(DomainError) as foreign:
        sessions.visitor_session_start(widget_key=other.public_key, token=session.token)
    assert foreign.value.status == 403
    settings.VISITOR_TOKEN_MAX_AGE = -1
    with pytest.raises(DomainError) as expired:
        start_session(token=session.token)
    assert expired.value.status == 401


def test_required_prechat_blocks_first_message(support, chat_widget, start_session):
    chat_widget.prechat_mode = "required"
    chat_widget.save()
    session = start_session()
    with pytest.raises(DomainError) as refused:
        messages.visitor_message_send(visitor=session.visitor, client_id="c", body="Hi")
    assert refused.value.code == "prechat_required"
    with pytest.raises(DomainError):
        sessions.visitor_prechat_submit(
            visitor=session.visitor, name="Ann", email="nope", fields={}
        )
    sessions.visitor_prechat_submit(
        visitor=session.visitor, name="Ann", email="ann@example.com", fields={}
    )
    message, _ = messages.visitor_message_send(visitor=session.visitor, client_id="c", body="Hi")
    assert message.conversation.contact.email == "ann@example.com"


def test_sync_returns_exactly_the_messages_after_the_cursor(alice, start_session):
    _, chat = open_chat(start_session)
    sent = [
        messages.agent_message_send(agent=alice.user, conversation=chat, body=f"m{i}")[0]
        for i in range(5)
    ]
    after = messages_after(chat, sent[1].pk, include_internal=True)
    assert [m.body for m in after] == ["m2", "m3", "m4"]
    assert timezone.now() >= after[-1].created_at


def test_agent_gone_past_grace_goes_offline_and_their_chats_are_rerouted(
    support, start_session, settings, capture_events, django_capture_on_commit_callbacks
):
    alice = make_agent(support, "alice")
    _, chat = open_chat(start_session)
    bob = make_agent(support, "bob")
    presence.agent_seen(user_id=alice.user_id)
    assert presence.agent_presence_check(user_id=alice.user_id) is False

    settings.AGENT_OFFLINE_GRACE_S = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert presence.agent_presence_check(user_id=alice.user_id) is True
    alice.refresh_from_db()
    chat.refresh_from_db()
    assert alice.status == AgentStatus.OFFLINE
    assert chat.assignee_id == bob.user_id
    told = events_of(capture_events, "conversation.assigned", visitor_group(chat.visitor_id))
    assert told[-1]["agent"]["name"] == "Bob"


def test_non_assignee_agent_cannot_close_or_transfer_an_active_chat(support, start_session):
    make_agent(support, "alice")
    other = make_agent(support, "zoe", status=AgentStatus.NOT_ACCEPTING)
    _, chat = open_chat(start_session)
    with pytest.raises(PermissionDenied):
        conversations.conversation_close(conversation=chat, actor=other.user)
    with pytest.raises(PermissionDenied):
        conversations.conversation_transfer(conversation=chat, actor=other.user, team_id=support.pk)
    chat.refresh_from_db()
    assert chat.status == ConversationStatus.ACTIVE


def test_sneak_peek_off_relays_typing_without_the_text(
    alice, chat_widget, start_session, capture_events
):
    chat_widget.sneak_peek = False
    chat_widget.save()
    _, chat = open_chat(start_session)
    presence.visitor_typing_relay(conversation=chat, preview="my secret draft")
    typing = events_of(capture_events, "visitor.typing")[-1]
    assert typing["preview"] == "…" and typing["typing"] is True
    assert "secret" not in str(capture_events)


def test_block_applies_to_a_visitor_already_connected(
    alice, start_session, capture_events, django_capture_on_commit_callbacks
):
    session, chat = open_chat(start_session)
    stale_visitor = session.visitor  # what an open socket holds
    from contacts.models import Contact

    contact_block(contact=Contact.objects.get(pk=stale_visitor.contact_id), actor=alice.user)
    capture_events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messages.visitor_message_send(visitor=stale_visitor, client_id="late", body="still here")
    assert [g for g, _ in capture_events] == [visitor_group(stale_visitor.pk)]


def test_visitor_who_leaves_an_unanswered_chat_for_good_has_it_closed_as_missed(
    support, start_session
):
    from chat import visitor_presence

    alice = make_agent(support, "alice")
    session, abandoned = open_chat(start_session)
    visitor_presence.visitor_connected(session.visitor.pk)
    assert presence.visitor_abandon_check(visitor_id=session.visitor.pk) is False

    visitor_presence.visitor_disconnected(session.visitor.pk)
    assert presence.visitor_abandon_check(visitor_id=session.visitor.pk) is True
    abandoned.refresh_from_db()
    assert abandoned.status == ConversationStatus.CLOSED and abandoned.missed is True

    other, answered = open_chat(start_session)
    messages.agent_message_send(agent=alice.user, conversation=answered, body="Hi")
    assert presence.visitor_abandon_check(visitor_id=other.visitor.pk) is False
    answered.refresh_from_db()
    assert answered.status == ConversationStatus.ACTIVE
