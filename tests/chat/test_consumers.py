"""The two sockets, frame by frame, through Channels' WebsocketCommunicator."""

import pytest
from asgiref.sync import sync_to_async

from chat.models import Conversation, ConversationStatus, Message
from chat.services import messages
from chat.services.attachments import attachment_store
from contacts.models import Contact
from tests.chat.conftest import (
    agent_socket,
    close_code,
    make_agent,
    receive_until,
    visitor_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_first_visitor_message_opens_chat_and_reaches_assigned_agent(alice, start_session):
    session = await sync_to_async(start_session)()
    agent, connected, _ = await agent_socket(alice.user)
    assert connected
    await receive_until(agent, "agent.status")
    visitor, connected, _ = await visitor_socket(session.token)
    assert connected

    await visitor.send_json_to(
        {"type": "message.send", "client_id": "c1", "body": "Hi <b>there</b>"}
    )
    ack, _ = await receive_until(visitor, "message.ack")
    assert ack["client_id"] == "c1"
    assert ack["message"]["body"] == "Hi <b>there</b>"

    assigned, _ = await receive_until(agent, "conversation.assigned")
    assert assigned["conversation"]["assignee"] == alice.user_id
    bodies = []
    while len(bodies) < 2:
        frame, _ = await receive_until(agent, "message.created")
        bodies.append(frame["message"]["body"])
    assert bodies == ["Hello there!", "Hi <b>there</b>"]
    conversation = await Conversation.objects.aget()
    assert conversation.status == ConversationStatus.ACTIVE
    await visitor.disconnect()
    await agent.disconnect()


async def test_resending_same_client_id_returns_same_ack_and_stores_nothing(alice, start_session):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    first, _ = await receive_until(visitor, "message.ack")
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    second, _ = await receive_until(visitor, "message.ack")
    assert first["message"]["id"] == second["message"]["id"]
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Other"})
    error, _ = await receive_until(visitor, "error")
    assert error["code"] == "client_id_reused"
    assert await Message.objects.filter(author_type="visitor").acount() == 1
    await visitor.disconnect()


async def test_visitor_socket_refuses_forged_token():
    communicator, _, _ = await visitor_socket("forged")
    assert await close_code(communicator) == 4401


async def test_visitor_socket_refuses_foreign_origin_and_accepts_allowed_one(
    chat_widget, start_session
):
    chat_widget.allowed_origins = ["https://shop.example"]
    await chat_widget.asave()
    session = await sync_to_async(start_session)()
    refused, _, _ = await visitor_socket(session.token, origin="https://evil.example")
    assert await close_code(refused) == 4403
    communicator, connected, _ = await visitor_socket(session.token, origin="https://shop.example")
    assert connected
    await communicator.disconnect()


async def test_bad_frames_get_error_frames_and_the_socket_stays_open(
    chat_widget, start_session, settings
):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_to(text_data="not json")
    assert (await visitor.receive_json_from())["code"] == "invalid_frame"
    await visitor.send_json_to({"no": "type"})
    assert (await visitor.receive_json_from())["code"] == "invalid_frame"
    await visitor.send_json_to({"type": "launch.rockets"})
    assert (await visitor.receive_json_from())["code"] == "unknown_frame"
    await visitor.send_to(text_data='{"type": "typing", "preview": "' + "x" * 20000 + '"}')
    assert (await visitor.receive_json_from())["code"] == "frame_too_large"
    await visitor.send_json_to({"type": "message.send", "client_id": "c", "body": "   "})
    assert (await visitor.receive_json_from())["code"] == "empty_message"
    await visitor.send_json_to({"type": "rating.submit", "score": 9})
    assert (await visitor.receive_json_from())["code"] == "invalid_rating"
    await visitor.send_json_to({"type": "conversation.close"})
    assert (await visitor.receive_json_from())["code"] == "no_conversation"
    await visitor.send_json_to({"type": "sync", "after": None})
    assert (await visitor.receive_json_from()) == {"type": "sync.result", "messages": []}
    await visitor.send_json_to({"type": "prechat.submit", "name": 7, "email": ["x"]})
    assert (await visitor.receive_json_from())["code"] == "invalid_prechat"
    await visitor.send_json_to({"type": "sync", "after": "abc"})
    assert (await visitor.receive_json_from())["code"] == "invalid_frame"
    await visitor.disconnect()


async def test_flooding_socket_is_rate_limited(chat_widget, start_session):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    for _ in range(100):
        await visitor.send_json_to({"type": "typing", "preview": "a"})
    # Waits for the answer to frame 61 rather than for a quiet moment: on a slow machine
    # the 60 allowed frames may take longer than any fixed pause.
    frame = await visitor.receive_json_from(timeout=10)
    assert frame == {
        "type": "error",
        "code": "rate_limited",
        "detail": frame.get("detail"),
        "frame": "typing",
    }
    await visitor.disconnect()


async def test_agent_socket_refuses_anonymous_and_cross_site_cookie(alice):
    anonymous, _, _ = await agent_socket(None)
    assert await close_code(anonymous) == 4401
    cross_site, _, _ = await agent_socket(alice.user, origin="https://evil.example")
    assert await close_code(cross_site) == 4403


async def test_agent_socket_accepts_api_token_header(alice):
    from accounts import tokens
    from accounts.models import ApiToken

    key = tokens.new_key()
    await ApiToken.objects.acreate(
        user=alice.user, prefix=tokens.prefix(key), digest=tokens.digest(key)
    )
    agent, connected, _ = await agent_socket(token=key)
    assert connected
    status = await agent.receive_json_from()
    assert status["type"] == "agent.status"
    await agent.disconnect()


async def test_agent_status_set_and_typing_and_sneak_peek(alice, start_session):
    session = await sync_to_async(start_session)()
    agent, _, _ = await agent_socket(alice.user)
    await receive_until(agent, "agent.status")
    await agent.send_json_to({"type": "status.set", "status": "busy"})
    assert (await receive_until(agent, "error"))[0]["code"] == "invalid_status"
    await agent.send_json_to({"type": "status.set", "status": "not_accepting"})
    status, _ = await receive_until(agent, "agent.status")
    assert status["status"] == "not_accepting"
    await agent.send_json_to({"type": "status.set", "status": "accepting"})
    await receive_until(agent, "agent.status")

    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    await receive_until(visitor, "message.ack")
    assigned, _ = await receive_until(agent, "conversation.assigned")
    conversation_id = assigned["conversation"]["id"]

    await visitor.send_json_to({"type": "typing", "preview": "my order numb"})
    typing, _ = await receive_until(agent, "visitor.typing")
    assert typing == {
        "type": "visitor.typing",
        "conversation": conversation_id,
        "preview": "my order numb",
        "typing": True,
    }
    await agent.send_json_to({"type": "typing", "conversation": conversation_id, "typing": True})
    assert (await receive_until(visitor, "agent.typing"))[0]["typing"] is True

    await visitor.send_json_to(
        {"type": "page.view", "url": "https://shop.example/cart", "title": "Cart", "referrer": ""}
    )
    page, _ = await receive_until(agent, "visitor.page")
    assert page["page"]["url"] == "https://shop.example/cart"

    await agent.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation_id,
            "client_id": "n1",
            "body": "note",
            "internal": True,
        }
    )
    await receive_until(agent, "message.ack")
    await agent.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation_id,
            "client_id": "a1",
            "body": "Hello!",
        }
    )
    await receive_until(agent, "message.ack")
    created, _ = await receive_until(visitor, "message.created")
    while created["message"]["body"] != "Hello!":
        created, _ = await receive_until(visitor, "message.created")
    assert created["message"]["author"]["name"] == "Alice"

    await agent.send_json_to({"type": "sync", "conversation": conversation_id, "after": None})
    synced, _ = await receive_until(agent, "sync.result")
    assert [m["body"] for m in synced["messages"]][-2:] == ["note", "Hello!"]
    await visitor.send_json_to({"type": "sync", "after": None})
    synced, _ = await receive_until(visitor, "sync.result")
    assert "note" not in [m["body"] for m in synced["messages"]]

    await agent.send_json_to({"type": "conversation.close", "conversation": conversation_id})
    await receive_until(visitor, "conversation.closed")
    await visitor.send_json_to({"type": "rating.submit", "score": 5, "comment": "great"})
    assert (await receive_until(visitor, "rating.ack"))[0]["score"] == 5
    await visitor.disconnect()
    await agent.disconnect()


async def test_agent_cannot_reach_a_conversation_outside_their_role(alice, bob, start_session):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    ack, _ = await receive_until(visitor, "message.ack")
    conversation = await Conversation.objects.aget(pk=ack["message"]["conversation"])
    outsider = bob if conversation.assignee_id == alice.user_id else alice
    agent, _, _ = await agent_socket(outsider.user)
    await receive_until(agent, "agent.status")
    await agent.send_json_to({"type": "sync", "conversation": conversation.pk, "after": None})
    assert (await receive_until(agent, "error"))[0]["code"] == "conversation_not_found"
    await agent.disconnect()
    await visitor.disconnect()


async def test_answer_to_a_visitor_who_left_is_emailed_and_not_while_present(alice, start_session):
    from django.core import mail

    from chat.services import sessions

    session = await sync_to_async(start_session)()
    await sync_to_async(sessions.visitor_prechat_submit)(
        visitor=session.visitor, name="Ann", email="ann@example.com", fields={}
    )
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "v1", "body": "Hi"})
    ack, _ = await receive_until(visitor, "message.ack")
    conversation = ack["message"]["conversation"]
    agent, _, _ = await agent_socket(alice.user)
    await receive_until(agent, "agent.status")

    reply = {"type": "message.send", "conversation": conversation, "body": "Present?"}
    await agent.send_json_to({**reply, "client_id": "a1"})
    await receive_until(agent, "message.ack")
    assert len(mail.outbox) == 0

    await visitor.disconnect()
    await agent.send_json_to({**reply, "client_id": "a2", "body": "Here is your answer"})
    await receive_until(agent, "message.ack")
    assert len(mail.outbox) == 1
    assert "ann@example.com" in mail.outbox[0].to[0]
    assert "Here is your answer" in mail.outbox[0].body
    await agent.disconnect()


async def test_errors_reach_a_french_visitor_in_french(chat_widget, start_session):
    chat_widget.language = "fr"
    await chat_widget.asave()
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "conversation.close"})
    error = await visitor.receive_json_from()
    assert error["code"] == "no_conversation"
    assert error["detail"] == "Il n'y a pas de discussion ouverte."
    await visitor.disconnect()


async def test_a_queued_visitor_learns_their_place_on_connecting_and_others_do_not(
    support, start_session
):
    await sync_to_async(make_agent)(support, "alice", slots=1)
    sessions = [await sync_to_async(start_session)() for _ in range(2)]
    for number, session in enumerate(sessions):
        await sync_to_async(messages.visitor_message_send)(
            visitor=session.visitor, client_id=f"c{number}", body="Hi"
        )

    queued, connected, _ = await visitor_socket(sessions[1].token)
    assert connected
    frame = await queued.receive_json_from(timeout=5)
    assert frame["type"] == "queue.position"
    assert frame["position"] == 1
    chatting, connected, _ = await visitor_socket(sessions[0].token)
    assert connected
    assert await chatting.receive_nothing(timeout=0.5)
    await queued.disconnect()
    await chatting.disconnect()


async def test_sync_after_reconnecting_names_the_authors_as_they_are_now(alice, start_session):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    ack, _ = await receive_until(visitor, "message.ack")
    conversation = await Conversation.objects.aget(pk=ack["message"]["conversation"])
    receipt = await sync_to_async(attachment_store)(
        name="receipt.txt",
        content_type="text/plain",
        content=b"order 42",
        uploaded_by_visitor=session.visitor,
    )
    await visitor.send_json_to(
        {"type": "message.send", "client_id": "c2", "body": "", "attachments": [receipt.pk]}
    )
    await receive_until(visitor, "message.ack")
    await sync_to_async(messages.agent_message_send)(
        agent=alice.user, conversation=conversation, client_id="a1", body="Hello Ann"
    )
    await visitor.disconnect()
    await Contact.objects.filter(pk=conversation.contact_id).aupdate(name="Ann Lee")

    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "sync", "after": None})
    result, _ = await receive_until(visitor, "sync.result")

    assert [
        (m["author"]["type"], m["author"]["name"], m["body"], [a["name"] for a in m["attachments"]])
        for m in result["messages"]
    ] == [
        ("bot", "", "Hello there!", []),
        ("visitor", "Ann Lee", "Hi", []),
        ("visitor", "Ann Lee", "", ["receipt.txt"]),
        ("agent", "Alice", "Hello Ann", []),
    ]
    await visitor.disconnect()


async def test_a_nul_character_is_refused_and_the_socket_stays_open(alice, start_session):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)

    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "a\x00b"})
    refused = await visitor.receive_json_from(timeout=5)
    await visitor.send_json_to({"type": "message.send", "client_id": "c2", "body": "ab"})
    ack, _ = await receive_until(visitor, "message.ack")

    assert refused["type"] == "error"
    assert refused["code"] == "invalid_frame"
    assert ack["message"]["body"] == "ab"
    assert await Message.objects.filter(body__contains="a").acount() == 1
    await visitor.disconnect()


async def test_sync_takes_any_integer_cursor(alice, start_session):
    session = await sync_to_async(start_session)()
    visitor, _, _ = await visitor_socket(session.token)
    await visitor.send_json_to({"type": "message.send", "client_id": "c1", "body": "Hi"})
    await receive_until(visitor, "message.ack")

    answers = []
    for after in (10**30, -(10**30)):
        await visitor.send_json_to({"type": "sync", "after": after})
        answers.append((await receive_until(visitor, "sync.result"))[0]["messages"])

    assert answers[0] == []
    assert [m["body"] for m in answers[1]] == ["Hello there!", "Hi"]
    await visitor.disconnect()
