"""Contact services (C1, C3, C4, C7) and canned-response services (B1)."""

import pytest
from django.core.exceptions import ValidationError

from analytics.models import ChatRating, NpsResponse, TicketRating
from chat import canned
from chat.models import Attachment, AuthorType, Conversation, Message
from contacts.errors import ErrorCode
from contacts.export import contact_export
from contacts.models import BlockRecord, ContactNote, Visitor
from contacts.services import (
    contact_block,
    contact_create,
    contact_erase,
    contact_note_add,
    contact_unblock,
    contact_update,
)
from helpdesk.errors import Conflict, DomainError, PermissionDenied
from tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_contact_create_strips_and_stores_fields():
    contact = contact_create(name=" Jane ", email="jane@example.com", attributes={"plan": "gold"})
    assert (contact.name, contact.email, contact.attributes) == (
        "Jane",
        "jane@example.com",
        {"plan": "gold"},
    )
    assert contact.first_seen_at is not None


def test_contact_create_refuses_bad_email():
    with pytest.raises(ValidationError):
        contact_create(email="not-an-email")


def test_contact_update_changes_only_given_fields(contact):
    contact_update(contact=contact, company="Globex")
    contact.refresh_from_db()
    assert (contact.company, contact.name) == ("Globex", "Jane Doe")


def test_contact_update_refuses_unknown_fields(contact):
    with pytest.raises(DomainError) as caught:
        contact_update(contact=contact, is_blocked=True)
    assert caught.value.code == ErrorCode.INVALID_CONTACT


def test_block_records_actor_and_reason_and_unblock_reverses(contact, agent):
    contact_block(contact=contact, actor=agent, reason="spam")
    contact.refresh_from_db()
    assert contact.is_blocked and contact.blocked_by == agent
    record = BlockRecord.objects.get(contact=contact)
    assert (record.action, record.actor, record.reason) == ("block", agent, "spam")

    with pytest.raises(Conflict):
        contact_block(contact=contact, actor=agent)

    contact_unblock(contact=contact, actor=agent, reason="apologised")
    contact.refresh_from_db()
    assert not contact.is_blocked
    assert list(BlockRecord.objects.values_list("action", flat=True)) == ["unblock", "block"]


def test_empty_note_is_refused(contact, agent):
    with pytest.raises(DomainError) as caught:
        contact_note_add(contact=contact, author=agent, body="   ")
    assert caught.value.code == ErrorCode.EMPTY_NOTE


def test_erase_requires_a_supervisor(history, agent):
    with pytest.raises(PermissionDenied):
        contact_erase(contact=history.contact, actor=agent)
    history.contact.refresh_from_db()
    assert history.contact.name == "Jane Doe"


def test_erase_scrubs_personal_data_and_keeps_counts(
    history, supervisor, django_capture_on_commit_callbacks
):
    contact = history.contact
    file_name = history.upload.file.name
    storage = history.upload.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        contact_erase(contact=contact, actor=supervisor)

    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.phone, contact.company) == ("", "", "", "")
    assert contact.attributes == {}
    assert contact.is_blocked, "an erased spammer stays blocked"
    assert not ContactNote.objects.filter(contact=contact).exists()
    visitor = Visitor.objects.get(pk=history.visitor.pk)
    assert (visitor.user_agent, visitor.timezone, visitor.prechat) == ("", "", {})
    conversation = Conversation.objects.get(pk=history.conversation.pk)
    assert (conversation.title, conversation.page, conversation.metadata) == ("", {}, {})
    bodies = dict(
        Message.objects.filter(conversation=conversation).values_list("author_type", "body")
    )
    assert Message.objects.filter(author_type=AuthorType.VISITOR).get().body == ""
    assert bodies[AuthorType.AGENT]  # the desk's own words stay
    assert Ticket.objects.get(pk=history.ticket.pk).title == "[erased]"
    customer = TicketEvent.objects.filter(
        kind__in=[EventKind.CUSTOMER_MESSAGE, EventKind.CREATED]
    ).values_list("body", flat=True)
    assert set(customer) == {""}
    assert TicketEvent.objects.get(kind=EventKind.REPLY).body == "Refunded"
    assert ChatRating.objects.get().comment == ""
    assert TicketRating.objects.get().comment == ""
    assert NpsResponse.objects.get().comment == ""
    assert not Attachment.objects.exists()
    assert not storage.exists(file_name)
    # Analytics keep their rows and numbers.
    assert Conversation.objects.filter(contact=contact).count() == 1
    assert Message.objects.count() == 3
    assert Ticket.objects.filter(requester=contact).count() == 1
    assert TicketEvent.objects.count() == 4
    assert ChatRating.objects.get().score == 5
    assert NpsResponse.objects.get().score == 9
    assert BlockRecord.objects.filter(contact=contact).count() == 1


def test_export_holds_public_history_without_internal_notes(history):
    document = contact_export(history.contact)

    assert document["contact"]["email"] == "jane@example.com"
    assert [v["id"] for v in document["visitors"]] == [str(history.visitor.pk)]
    (conversation,) = document["conversations"]
    assert [m["body"] for m in conversation["messages"]] == ["My card is 4111", "On it"]
    assert "title" not in conversation
    assert conversation["rating"]["score"] == 5
    (ticket,) = document["tickets"]
    assert [e["kind"] for e in ticket["events"]] == ["created", "customer_message", "reply"]
    assert ticket["rating"]["comment"] == "Thanks, Jane"
    assert document["nps_responses"][0]["score"] == 9
    assert document["notes"][0]["body"] == "Prefers email"
    assert document["block_records"][0]["reason"] == "abuse"


def test_export_query_count_does_not_grow_with_history(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        contact_export(history.contact)


# --- canned responses -------------------------------------------------------------------


def test_agent_creates_a_personal_response(agent):
    response = canned.canned_response_create(
        actor=agent, shortcut="#hello", title="Hello", body="Hi {{ visitor.name }}"
    )
    assert (response.shortcut, response.owner, response.language) == ("hello", agent, "en")


def test_only_supervisors_share(agent, supervisor):
    with pytest.raises(PermissionDenied):
        canned.canned_response_create(actor=agent, shortcut="a", title="A", body="a", shared=True)
    shared = canned.canned_response_create(
        actor=supervisor, shortcut="a", title="A", body="a", shared=True
    )
    assert shared.owner is None


def test_duplicate_shortcut_per_owner_and_language(agent, other_agent):
    canned.canned_response_create(actor=agent, shortcut="hi", title="Hi", body="Hi")
    with pytest.raises(DomainError) as caught:
        canned.canned_response_create(actor=agent, shortcut="hi", title="Hi 2", body="Hi")
    assert caught.value.code == canned.ErrorCode.DUPLICATE_SHORTCUT
    canned.canned_response_create(
        actor=agent, shortcut="hi", title="Salut", body="Salut", language="fr"
    )
    canned.canned_response_create(actor=other_agent, shortcut="hi", title="Hi", body="Hi")


def test_agents_edit_only_their_own(agent, other_agent, supervisor):
    mine = canned.canned_response_create(actor=agent, shortcut="x", title="X", body="x")
    with pytest.raises(PermissionDenied):
        canned.canned_response_update(canned=mine, actor=other_agent, title="Y")
    canned.canned_response_update(canned=mine, actor=supervisor, title="Y", shared=True)
    mine.refresh_from_db()
    assert (mine.title, mine.owner) == ("Y", None)
    with pytest.raises(PermissionDenied):
        canned.canned_response_delete(canned=mine, actor=agent)


def test_agents_see_shared_of_their_teams_and_their_own(agent, other_agent, supervisor, team):
    from tests.accounts.factories import TeamFactory

    elsewhere = TeamFactory(name="Elsewhere")
    make = canned.canned_response_create
    everyone = make(actor=supervisor, shortcut="all", title="A", body="a", shared=True)
    ours = make(
        actor=supervisor, shortcut="ours", title="O", body="o", shared=True, team_id=team.pk
    )
    make(
        actor=supervisor, shortcut="theirs", title="T", body="t", shared=True, team_id=elsewhere.pk
    )
    mine = make(actor=agent, shortcut="mine", title="M", body="m")
    make(actor=other_agent, shortcut="other", title="O", body="o")

    assert set(canned.canned_responses_for_user(agent)) == {everyone, ours, mine}
    assert canned.canned_responses_for_user(supervisor).count() == 5
