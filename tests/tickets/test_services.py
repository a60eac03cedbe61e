"""Ticket services: each writes its timeline entries and tells the right agents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from chat.models import Attachment, AuthorType
from contacts.models import Contact
from helpdesk.errors import Conflict, DomainError, NotFound
from tests.accounts.factories import AgentFactory, TeamFactory
from tests.chat.conftest import events_of
from tests.tickets.factories import chat_with_messages
from tickets.models import EventKind, Source, Tag, TicketState
from tickets.services import (
    ticket_assign,
    ticket_attach,
    ticket_comment,
    ticket_create,
    ticket_create_from_chat,
    ticket_mark_spam,
    ticket_reply,
    ticket_set_state,
    ticket_update,
)
from tickets.services.messages import ticket_customer_message_add

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


# --- create ---------------------------------------------------------------------------


def test_api_ticket_is_open_with_its_description_and_tags(agent, requester, team):
    ticket = ticket_create(
        actor=agent,
        requester=requester,
        title="  Refund   please ",
        body="Order 42",
        team_id=team.pk,
        tags=["Billing", "billing", "vip"],
        priority=3,
    )
    assert (ticket.title, ticket.state, ticket.source, ticket.priority) == (
        "Refund please",
        TicketState.OPEN,
        Source.API,
        3,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "vip"]
    [created] = ticket.events.all()
    assert (created.kind, created.body, created.actor) == (EventKind.CREATED, "Order 42", agent)


def test_ticket_for_an_unknown_email_creates_the_contact(agent):
    ticket = ticket_create(
        actor=agent, title="Hi", requester_email="new@example.com", requester_name="New"
    )
    assert (ticket.requester.email, ticket.requester.name) == ("new@example.com", "New")
    again = ticket_create(actor=agent, title="Again", requester_email="NEW@example.com")
    assert again.requester == ticket.requester


@pytest.mark.parametrize(
    ("fields", "error", "code"),
    [
        ({"title": " "}, DomainError, "invalid_title"),
        ({"title": "x" * 301}, DomainError, "invalid_title"),
        ({"priority": 9}, DomainError, "invalid_priority"),
        ({"tags": ["not a slug"]}, DomainError, "invalid_tag"),
        ({"team_id": 999}, NotFound, "team_not_found"),
        ({"assignee_id": 999}, NotFound, "agent_not_found"),
    ],
)
def test_ticket_create_refuses_bad_fields(agent, requester, fields, error, code):
    with pytest.raises(error) as refused:
        ticket_create(actor=agent, requester=requester, **({"title": "T"} | fields))
    assert refused.value.code == code


def test_ticket_from_chat_carries_the_public_transcript_and_files(widget, agent):
    chat = chat_with_messages(
        widget,
        agent,
        lines=[
            (AuthorType.VISITOR, "My parcel never came"),
            (AuthorType.AGENT, "Let me check"),
            (AuthorType.AGENT, "internal: looks lost", True),
        ],
    )
    chat.title = "Angry customer"  # for agents only (A8): never a ticket's email subject
    chat.save()
    upload = Attachment.objects.create(
        file=SimpleUploadedFile("label.png", PNG),
        name="label.png",
        content_type="image/png",
        size=len(PNG),
        conversation=chat,
    )
    ticket = ticket_create_from_chat(conversation=chat, actor=agent)
    assert ticket.source == Source.CHAT
    assert ticket.conversation == chat
    assert ticket.requester == chat.contact
    assert ticket.team == chat.team
    assert ticket.assignee == agent
    assert ticket.title == "My parcel never came"
    created = ticket.events.get()
    assert "Jane: My parcel never came" in created.body
    assert "Agent: Let me check" in created.body
    assert "looks lost" not in created.body
    assert list(created.attachments.all()) == [upload]
    with pytest.raises(Conflict) as twice:
        ticket_create_from_chat(conversation=chat, actor=agent)
    assert twice.value.code == "ticket_exists"


# --- reply and comment -------------------------------------------------------------------


def test_reply_is_timelined_emailed_and_records_first_reply(
    ticket, agent, mailoutbox, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(ticket=ticket, actor=agent, body="We are on it.")
    ticket.refresh_from_db()
    assert ticket.first_public_reply_at == reply.created_at
    assert ticket.state == TicketState.OPEN
    assert reply.kind == EventKind.REPLY
    reply.refresh_from_db()
    assert reply.data["email"] == "sent"
    [email] = mailoutbox
    assert email.to == ["Jane Doe <jane@example.com>"]
    assert "We are on it." in email.body
    [event] = events_of(capture_events, "ticket.updated", "supervisors")
    assert event["events"][0]["kind"] == "reply"
    assert event["events"][0]["public"] is True


def test_ask_for_information_sets_pending_and_customer_answer_reopens(
    ticket, agent, requester, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, actor=agent, body="Which order?", ask_for_information=True)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.PENDING
    assert ticket.pending_since is not None
    ticket_customer_message_add(ticket=ticket, contact=requester, body="Order 42")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    kinds = list(ticket.events.values_list("kind", "data__to"))
    assert kinds[-2:] == [(EventKind.CUSTOMER_MESSAGE, None), (EventKind.STATE_CHANGED, "open")]


def test_asking_again_restarts_the_pending_delay(ticket, agent):
    ticket_reply(ticket=ticket, actor=agent, body="Which order?", ask_for_information=True)
    ticket.refresh_from_db()
    first = ticket.pending_since
    ticket_reply(ticket=ticket, actor=agent, body="And the date?", ask_for_information=True)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.PENDING and ticket.pending_since > first


def test_asking_on_a_solved_ticket_reopens_it_then_waits(ticket, agent):
    ticket_set_state(ticket=ticket, actor=agent, state="solved")
    ticket_reply(ticket=ticket, actor=agent, body="One more thing?", ask_for_information=True)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.PENDING
    moves = list(
        ticket.events.filter(kind=EventKind.STATE_CHANGED).values_list("data__from", "data__to")
    )
    assert moves[-2:] == [("solved", "open"), ("open", "pending")]


def test_customer_reply_reopens_a_solved_ticket(ticket, agent, requester):
    ticket_set_state(ticket=ticket, actor=agent, state="solved")
    ticket_customer_message_add(ticket=ticket, contact=requester, body="Broken again")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.solved_at is None


def test_customer_reply_to_solved_stays_solved_when_reopen_is_off(
    ticket, agent, requester, settings
):
    settings.TICKET_REOPEN_ON_REPLY = False
    ticket_set_state(ticket=ticket, actor=agent, state="solved")
    ticket_customer_message_add(ticket=ticket, contact=requester, body="Thanks!")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SOLVED


def test_customer_reply_leaves_spam_as_spam_and_tells_nobody(
    ticket, agent, requester, capture_events, django_capture_on_commit_callbacks
):
    ticket_mark_spam(ticket=ticket, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_customer_message_add(ticket=ticket, contact=requester, body="Buy now")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SPAM
    assert not capture_events


def test_reply_refusals(ticket, agent, requester):
    with pytest.raises(DomainError) as empty:
        ticket_reply(ticket=ticket, actor=agent, body="  ")
    assert empty.value.code == "empty_message"
    requester.email = ""
    requester.save()
    with pytest.raises(DomainError) as nowhere:
        ticket_reply(ticket=ticket, actor=agent, body="Hello")
    assert nowhere.value.code == "no_requester_email"
    ticket_mark_spam(ticket=ticket, actor=agent)
    with pytest.raises(Conflict) as spam:
        ticket_reply(ticket=ticket, actor=agent, body="Hello")
    assert spam.value.code == "ticket_is_spam"


def test_reply_to_a_blocked_requester_is_kept_but_never_emailed(
    ticket, agent, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    from contacts.services import contact_block

    contact_block(contact=ticket.requester, actor=supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(ticket=ticket, actor=agent, body="Hello")
    assert reply.data["email"] == "suppressed"
    assert mailoutbox == []


def test_comment_is_internal_and_never_emailed(
    ticket, agent, mailoutbox, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = ticket_comment(ticket=ticket, actor=agent, body="VIP customer")
    assert comment.kind == EventKind.COMMENT
    assert mailoutbox == []
    [event] = events_of(capture_events, "ticket.updated", "supervisors")
    assert event["events"][0]["public"] is False


# --- changes ---------------------------------------------------------------------------------


def test_update_changes_several_fields_each_with_its_entry(
    ticket, agent, other_agent, capture_events, django_capture_on_commit_callbacks
):
    other_team = TeamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_update(
            ticket=ticket,
            actor=agent,
            title="New title",
            priority=4,
            tags=["urgent"],
            team_id=other_team.pk,
            assignee_id=other_agent.pk,
            state="pending",
        )
    kinds = set(ticket.events.exclude(kind=EventKind.CREATED).values_list("kind", flat=True))
    assert kinds == {
        EventKind.TITLE_CHANGED,
        EventKind.PRIORITY_CHANGED,
        EventKind.TAGS_CHANGED,
        EventKind.TEAM_CHANGED,
        EventKind.ASSIGNED,
        EventKind.STATE_CHANGED,
    }
    ticket.refresh_from_db()
    assert (ticket.title, ticket.priority, ticket.team, ticket.assignee) == (
        "New title",
        4,
        other_team,
        other_agent,
    )
    [event] = events_of(capture_events, "ticket.updated", f"agent.{other_agent.pk}")
    assert set(event["changes"]) == {
        *("title", "priority", "tags", "team", "assignee", "state", "pending_since")
    }
    assert event["ticket"]["tags"] == ["urgent"]
    # The team the ticket left hears of it too, so its lists drop the ticket.
    assert events_of(capture_events, "ticket.updated", f"team.{ticket.team_id}")
    assert len({g for g, e in capture_events}) == len(capture_events)


def test_update_is_all_or_nothing(ticket, agent):
    with pytest.raises(DomainError):
        ticket_update(ticket=ticket, actor=agent, title="Changed", state="bogus")
    ticket.refresh_from_db()
    assert ticket.title == "Printer on fire"
    assert ticket.events.count() == 1


def test_assign_and_unassign(ticket, agent, other_agent):
    ticket = ticket_assign(ticket=ticket, actor=agent, assignee_id=other_agent.pk)
    assert ticket.assignee == other_agent
    ticket = ticket_assign(ticket=ticket, actor=agent, assignee_id=None)
    assert ticket.assignee is None
    assert list(ticket.events.filter(kind="assigned").values_list("data", flat=True)) == [
        {"from": None, "to": other_agent.pk},
        {"from": other_agent.pk, "to": None},
    ]


def test_only_active_agents_can_be_assigned(ticket, agent, django_user_model):
    plain = django_user_model.objects.create_user("plain")
    with pytest.raises(NotFound):
        ticket_assign(ticket=ticket, actor=agent, assignee_id=plain.pk)


def test_unchanged_fields_write_nothing(ticket, agent):
    ticket_update(ticket=ticket, actor=agent, title=ticket.title, priority=ticket.priority, tags=[])
    assert ticket.events.count() == 1


def test_tags_are_created_once(ticket, make_ticket, agent):
    ticket_update(ticket=ticket, actor=agent, tags=["a", "b"])
    other = make_ticket(tags=["b", "c"])
    assert Tag.objects.count() == 3
    assert sorted(other.tags.values_list("name", flat=True)) == ["b", "c"]


# --- attachments -------------------------------------------------------------------------------


def test_attach_stores_checked_files_then_a_reply_emails_them(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    event = ticket_attach(
        ticket=ticket,
        actor=agent,
        files=[SimpleUploadedFile("../../etc/shot.png", PNG, content_type="image/png")],
    )
    [attachment] = event.attachments.all()
    assert attachment.name == "shot.png"
    assert "shot" not in attachment.file.name  # stored under a random name
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(
            ticket=ticket, actor=agent, body="See attached", attachment_ids=[attachment.pk]
        )
    [email] = mailoutbox
    assert email.attachments[0][0] == "shot.png"


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (
            SimpleUploadedFile("x.exe", b"MZ...", content_type="application/x-msdownload"),
            "attachment_type_not_allowed",
        ),
        (
            SimpleUploadedFile("fake.png", b"not a png", content_type="image/png"),
            "attachment_type_mismatch",
        ),
        (SimpleUploadedFile("empty.txt", b"", content_type="text/plain"), "attachment_empty"),
    ],
)
def test_attach_refuses_bad_files(ticket, agent, upload, code):
    with pytest.raises(DomainError) as refused:
        ticket_attach(ticket=ticket, actor=agent, files=[upload])
    assert refused.value.code == code
    assert not Attachment.objects.exists()


def test_attach_refuses_files_over_the_limit(ticket, agent, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(DomainError) as refused:
        ticket_attach(
            ticket=ticket,
            actor=agent,
            files=[SimpleUploadedFile("a.txt", b"x" * 11, content_type="text/plain")],
        )
    assert refused.value.code == "attachment_too_large"


def test_reply_cannot_send_a_file_of_another_ticket(ticket, make_ticket, agent):
    other = make_ticket()
    event = ticket_attach(
        ticket=other,
        actor=agent,
        files=[SimpleUploadedFile("a.txt", b"hi", content_type="text/plain")],
    )
    with pytest.raises(NotFound):
        ticket_reply(
            ticket=ticket, actor=agent, body="x", attachment_ids=[event.attachments.get().pk]
        )


# --- spam ---------------------------------------------------------------------------------------


def test_mark_spam_can_block_the_requester(
    ticket, supervisor, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_mark_spam(ticket=ticket, actor=supervisor, block_requester=True)
    assert ticket.state == TicketState.SPAM
    requester = Contact.objects.get(pk=ticket.requester_id)
    assert requester.is_blocked and requester.blocked_by == supervisor
    assert events_of(capture_events, "contact.blocked")
    assert events_of(capture_events, "ticket.updated")


def test_mark_spam_of_an_already_blocked_requester(ticket, supervisor):
    from contacts.services import contact_block

    contact_block(contact=ticket.requester, actor=supervisor)
    ticket = ticket_mark_spam(ticket=ticket, actor=supervisor, block_requester=True)
    assert ticket.state == TicketState.SPAM


def test_supervisor_groups_only_for_the_unclaimed_pool(
    make_ticket, capture_events, django_capture_on_commit_callbacks
):
    boss = AgentFactory(username="boss", role=Role.SUPERVISOR).user
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(actor=boss)
    assert {group for group, _ in capture_events} == {"supervisors"}
