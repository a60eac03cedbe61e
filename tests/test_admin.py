"""The back office (O1, O2): every page opens for the people who may see it, and nobody
else; changelists scale; actions and saves go through the services."""

from datetime import date, time

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import tokens
from accounts.models import AgentProfile, ApiToken, BusinessHours, Holiday, Role, Team
from accounts.roles import PROJECT_APPS, ROLE_GROUP_NAMES
from accounts.services import api_token_create
from analytics.models import ChatRating, NpsResponse, TicketRating
from chat.models import (
    Attachment,
    AuthorType,
    CannedResponse,
    Conversation,
    ConversationStatus,
    Message,
    Widget,
)
from contacts.models import BlockRecord, Contact, ContactNote, Visitor
from contacts.services import contact_block, contact_note_add
from integrations.models import WebhookDelivery, WebhookSubscription
from tests.accounts.factories import AgentFactory, TeamFactory
from tickets.models import EventKind, Source, Tag, Ticket, TicketEvent

User = get_user_model()

# Role groups are rebuilt from accounts.roles and task results are the operators' concern:
# supervisors hold no permission on either.
HIDDEN_FROM_SUPERVISORS = {Group} | {
    model for model in admin.site._registry if model._meta.app_label not in (*PROJECT_APPS, "auth")
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def build_dataset(n, *, team, agent, other_agent, supervisor):
    """At least one row of every registered model; ``n`` keeps names unique so that the
    set can be built twice."""
    now = timezone.now()
    AgentFactory(username=f"extra{n}", teams=[TeamFactory(name=f"Extra team {n}")])
    widget = Widget.objects.create(public_key=f"w-admin-{n}", name=f"Shop {n}", team=team)
    BusinessHours.objects.create(team=team, weekday=n % 7, opens_at=time(9), closes_at=time(17))
    Holiday.objects.create(team=team, date=date(2030, 1, n), name=f"Holiday {n}")

    contact = Contact.objects.create(name=f"Jane {n}", email=f"jane{n}@example.com")
    visitor = Visitor.objects.create(contact=contact, widget=widget, user_agent="Firefox")
    chat = Conversation.objects.create(
        widget=widget,
        contact=contact,
        visitor=visitor,
        team=team,
        assignee=agent,
        status=ConversationStatus.ACTIVE,
        queued_at=now,
        assigned_at=now,
        title=f"Refund {n}",
    )
    Message.objects.create(conversation=chat, author_type=AuthorType.VISITOR, body="Hello")
    Message.objects.create(
        conversation=chat, author_type=AuthorType.AGENT, author=agent, body="Hi, how can I help?"
    )
    Message.objects.create(
        conversation=chat, author_type=AuthorType.AGENT, author=agent, body="VIP", internal=True
    )
    Attachment.objects.create(
        file=ContentFile(b"%PDF", name="invoice.pdf"),
        name="invoice.pdf",
        content_type="application/pdf",
        size=4,
        conversation=chat,
        uploaded_by_visitor=visitor,
    )
    closed = Conversation.objects.create(
        widget=widget,
        contact=contact,
        visitor=Visitor.objects.create(contact=contact, widget=widget),
        team=team,
        assignee=other_agent,
        status=ConversationStatus.CLOSED,
        closed_at=now,
    )
    contact_note_add(contact=contact, author=supervisor, body="Prefers email")
    contact_block(
        contact=Contact.objects.create(name=f"Spammer {n}"), actor=supervisor, reason="spam"
    )

    ticket = Ticket.objects.create(
        title=f"Refund {n}",
        requester=contact,
        assignee=agent,
        team=team,
        conversation=chat,
        source=Source.CHAT,
    )
    ticket.tags.add(Tag.objects.create(name=f"billing-{n}"))
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.CREATED, contact=contact, body="Hi")
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.STATE_CHANGED,
        actor=agent,
        data={"from": "open", "to": "pending"},
    )
    ChatRating.objects.create(conversation=closed, agent=other_agent, team=team, score=5)
    TicketRating.objects.create(ticket=ticket, agent=agent, team=team, score=2, comment="Slow")
    NpsResponse.objects.create(contact=contact, conversation=closed, ticket=ticket, score=9)

    hook = WebhookSubscription.objects.create(
        url=f"https://hooks.example/{n}", events=["message.created"], created_by=supervisor
    )
    WebhookDelivery.objects.create(
        subscription=hook,
        event="message.created",
        payload={"id": 1},
        status=WebhookDelivery.Status.DELIVERED,
        attempts=1,
        response_status=200,
        delivered_at=now,
    )
    api_token_create(user=agent, name=f"Zapier {n}")
    CannedResponse.objects.create(shortcut=f"hello-{n}", title="Hello", body="Hello!")
    CannedResponse.objects.create(shortcut=f"bye-{n}", title="Bye", body="Bye!", owner=other_agent)


@pytest.fixture
def dataset(team, agent, other_agent, supervisor):
    build_dataset(1, team=team, agent=agent, other_agent=other_agent, supervisor=supervisor)


@pytest.fixture
def supervisor_web(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def agent_web(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def admin_web(client, admin_user):
    client.force_login(admin_user)
    return client


def as_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def post_data(response) -> dict:
    """The POST body a browser would send back from a rendered change form, inlines
    included, so that a test changes only what it means to."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            if isinstance(field, forms.FileField) or field.disabled:
                continue
            key, value = form.add_prefix(name), form[name].value()
            if isinstance(field.widget, forms.MultiWidget):
                for i, (widget, part) in enumerate(
                    zip(field.widget.widgets, field.widget.decompress(value), strict=True)
                ):
                    if part is not None:
                        data[f"{key}_{i}"] = widget.format_value(part)
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Every page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_supervisor_opens_changelist_add_and_change_pages(
    supervisor_web, supervisor, dataset, model
):
    model_admin = admin.site._registry[model]
    response = supervisor_web.get(admin_url(model, "changelist"))
    if model in HIDDEN_FROM_SUPERVISORS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    rows = list(model_admin.get_queryset(as_request(supervisor)))
    assert rows, f"the dataset has no {model._meta.verbose_name}"
    assert response.context["cl"].result_count == len(rows)

    add_page = supervisor_web.get(admin_url(model, "add"))
    expected = 200 if model_admin.has_add_permission(as_request(supervisor)) else 403
    assert add_page.status_code == expected

    for row in rows:
        assert supervisor_web.get(admin_url(model, "change", row.pk)).status_code == 200


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_administrator_opens_every_changelist(admin_web, dataset, model):
    assert admin_web.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m not in HIDDEN_FROM_SUPERVISORS],
    ids=lambda model: model._meta.label_lower,
)
def test_changelist_query_count_does_not_grow_with_rows(
    supervisor_web, team, agent, other_agent, supervisor, dataset, model
):
    url = admin_url(model, "changelist")
    supervisor_web.get(url)  # Warm the session and content-type caches.
    with CaptureQueriesContext(connection) as once:
        assert supervisor_web.get(url).status_code == 200
    build_dataset(2, team=team, agent=agent, other_agent=other_agent, supervisor=supervisor)
    with CaptureQueriesContext(connection) as twice:
        assert supervisor_web.get(url).status_code == 200
    assert len(twice) == len(once), "\n".join(q["sql"] for q in twice.captured_queries)


def test_conversations_and_their_timelines_are_read_only(supervisor_web, dataset):
    chat = Conversation.objects.filter(status=ConversationStatus.ACTIVE).first()
    page = supervisor_web.get(admin_url(Conversation, "change", chat.pk))
    messages = page.context["inline_admin_formsets"][0].formset.queryset
    assert [m.body for m in messages] == ["Hello", "Hi, how can I help?", "VIP"]
    assert "VIP" in page.content.decode()
    assert supervisor_web.get(admin_url(Conversation, "add")).status_code == 403
    assert supervisor_web.post(admin_url(Conversation, "change", chat.pk), {}).status_code == 403
    for model in (Message, TicketEvent, ChatRating, NpsResponse, BlockRecord, WebhookDelivery):
        row = model.objects.first()
        assert supervisor_web.post(admin_url(model, "change", row.pk), {}).status_code == 403
        assert supervisor_web.post(admin_url(model, "delete", row.pk), {}).status_code == 403


# --- Role scoping ---------------------------------------------------------------------


def test_agent_may_not_add_teams(agent_web):
    assert agent_web.get(admin_url(Team, "add")).status_code == 403


def test_agent_may_not_list_api_tokens(agent_web, dataset):
    assert agent_web.get(admin_url(ApiToken, "changelist")).status_code == 403


def test_agent_sees_only_their_own_chats(agent_web, agent, dataset):
    response = agent_web.get(admin_url(Conversation, "changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown and {c.assignee_id for c in shown} == {agent.pk}
    others = Conversation.objects.exclude(assignee=agent).first()
    assert agent_web.get(admin_url(Conversation, "change", others.pk)).status_code == 302


def test_agent_sees_their_tickets_their_teams_and_the_unclaimed_pool(
    agent_web, agent, team, dataset
):
    contact = Contact.objects.first()
    elsewhere = TeamFactory(name="Elsewhere")
    visible = {
        Ticket.objects.get(assignee=agent).pk,
        Ticket.objects.create(title="Team's", requester=contact, team=team).pk,
        Ticket.objects.create(title="Nobody's", requester=contact).pk,
    }
    Ticket.objects.create(title="Other team's", requester=contact, team=elsewhere)
    response = agent_web.get(admin_url(Ticket, "changelist"))
    assert {t.pk for t in response.context["cl"].result_list} == visible


def test_agent_sees_shared_and_own_canned_responses_and_changes_only_their_own(
    agent_web, agent, dataset
):
    mine = CannedResponse.objects.create(shortcut="mine", title="Mine", body="x", owner=agent)
    shared = CannedResponse.objects.get(owner__isnull=True)
    someone_elses = CannedResponse.objects.get(owner__isnull=False, shortcut__startswith="bye")

    listed = agent_web.get(admin_url(CannedResponse, "changelist")).context["cl"].result_list
    assert {c.pk for c in listed} == {mine.pk, shared.pk}

    assert agent_web.get(admin_url(CannedResponse, "change", shared.pk)).status_code == 200
    assert agent_web.post(admin_url(CannedResponse, "change", shared.pk), {}).status_code == 403
    assert agent_web.post(admin_url(CannedResponse, "delete", shared.pk), {}).status_code == 403
    # Another agent's own answer is not even acknowledged to exist.
    page = agent_web.get(admin_url(CannedResponse, "change", someone_elses.pk))
    assert page.status_code == 302

    page = agent_web.get(admin_url(CannedResponse, "change", mine.pk))
    data = post_data(page) | {"body": "Changed"}
    assert agent_web.post(admin_url(CannedResponse, "change", mine.pk), data).status_code == 302
    mine.refresh_from_db()
    assert mine.body == "Changed"


def test_canned_response_added_by_an_agent_is_theirs(agent_web, agent, other_agent):
    response = agent_web.post(
        admin_url(CannedResponse, "add"),
        {
            "shortcut": "thanks",
            "title": "Thanks",
            "body": "Thank you!",
            "language": "en",
            "owner": other_agent.pk,
        },
    )
    assert response.status_code == 302
    assert CannedResponse.objects.get(shortcut="thanks").owner == agent


def test_agent_may_not_reuse_their_own_shortcut(agent_web, agent):
    CannedResponse.objects.create(shortcut="thanks", title="T", body="x", owner=agent)
    response = agent_web.post(
        admin_url(CannedResponse, "add"),
        {"shortcut": "thanks", "title": "Again", "body": "Again", "language": "en"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert CannedResponse.objects.filter(shortcut="thanks").count() == 1


def test_supervisor_may_not_change_an_administrator(supervisor_web, admin_user):
    assert supervisor_web.get(admin_url(User, "change", admin_user.pk)).status_code == 200
    response = supervisor_web.post(admin_url(User, "change", admin_user.pk), {})
    assert response.status_code == 403


# --- Actions and saves through services ------------------------------------------------


def test_block_action_blocks_and_records_who_did_it(supervisor_web, supervisor):
    jane = Contact.objects.create(name="Jane")
    already = Contact.objects.create(name="Spammer")
    contact_block(contact=already, actor=supervisor)

    response = supervisor_web.post(
        admin_url(Contact, "changelist"),
        {"action": "block_contacts", "_selected_action": [jane.pk, already.pk], "index": 0},
        follow=True,
    )

    jane.refresh_from_db()
    assert jane.is_blocked and jane.blocked_by == supervisor
    record = BlockRecord.objects.get(contact=jane)
    assert (record.action, record.actor) == (BlockRecord.Action.BLOCK, supervisor)
    shown = messages_of(response)
    assert any("Spammer" in m and "already blocked" in m for m in shown)
    assert "1 contact blocked." in shown


def test_unblock_action_from_the_contact_page(supervisor_web, supervisor):
    jane = contact_block(contact=Contact.objects.create(name="Jane"), actor=supervisor)
    supervisor_web.post(
        admin_url(Contact, "change", jane.pk),
        {"CHANGE_FORM-action": "unblock_contacts", "_selected_action": [jane.pk]},
    )
    jane.refresh_from_db()
    assert not jane.is_blocked
    assert BlockRecord.objects.filter(contact=jane, action=BlockRecord.Action.UNBLOCK).exists()


def test_block_fields_are_not_editable_on_the_contact_form(supervisor_web):
    jane = Contact.objects.create(name="Jane")
    page = supervisor_web.get(admin_url(Contact, "change", jane.pk))
    form_fields = page.context["adminform"].form.fields
    assert not {"is_blocked", "blocked_by", "blocked_at", "blocked_reason"} & set(form_fields)
    assert "Block this contact" in page.content.decode()
    assert "Comptoir back office" in page.content.decode()


def test_note_added_on_the_contact_page_is_authored_by_the_user(supervisor_web, supervisor):
    jane = Contact.objects.create(name="Jane")
    page = supervisor_web.get(admin_url(Contact, "change", jane.pk))
    data = post_data(page) | {"notes-0-body": "  Call back on Monday  "}
    response = supervisor_web.post(admin_url(Contact, "change", jane.pk), data)
    assert response.status_code == 302
    note = ContactNote.objects.get(contact=jane)
    assert (note.author, note.body) == (supervisor, "Call back on Monday")


def test_close_action_closes_through_the_service(supervisor_web, dataset):
    chat = Conversation.objects.get(status=ConversationStatus.ACTIVE)
    supervisor_web.post(
        admin_url(Conversation, "changelist"),
        {"action": "close_conversations", "_selected_action": [chat.pk], "index": 0},
    )
    chat.refresh_from_db()
    assert chat.status == ConversationStatus.CLOSED and chat.closed_at is not None
    assert chat.missed  # No first response was recorded.


def test_agent_has_no_close_action(agent_web, dataset):
    response = agent_web.get(admin_url(Conversation, "changelist"))
    action_form = response.context["action_form"]
    assert action_form is None or "close_conversations" not in dict(
        action_form.fields["action"].choices
    )


def test_revoke_action_revokes(supervisor_web, agent):
    token, key = api_token_create(user=agent, name="Zapier")
    supervisor_web.post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk], "index": 0},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_supervisor_may_see_but_not_issue_tokens(supervisor_web):
    assert supervisor_web.get(admin_url(ApiToken, "add")).status_code == 403


def test_adding_a_token_shows_its_key_once(admin_web, agent):
    response = admin_web.post(
        admin_url(ApiToken, "add"), {"user": agent.pk, "name": "Zapier"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=agent, name="Zapier")
    shown = [m for m in messages_of(response) if "<code>" in m]
    keys = [m.split("<code>")[1].split("</code>")[0] for m in shown]
    assert len(keys) == 1
    assert tokens.digest(keys[0]) == token.digest and keys[0].startswith(token.prefix)
    again = admin_web.get(admin_url(ApiToken, "change", token.pk))
    assert keys[0] not in again.content.decode()
    assert token.digest not in again.content.decode()


def test_add_agent_page_creates_the_agent_through_the_service(supervisor_web, team):
    response = supervisor_web.post(
        admin_url(AgentProfile, "add"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "display_name": "Newbie",
            "role": Role.AGENT,
            "slots": 2,
            "teams": [team.pk],
        },
    )
    assert response.status_code == 302
    profile = AgentProfile.objects.get(user__username="newbie")
    assert profile.user.is_staff and profile.user.check_password("a-long-enough-passphrase")
    assert list(profile.teams.all()) == [team]
    assert list(profile.user.groups.values_list("name", flat=True)) == ["Agents"]


def test_supervisor_may_not_make_administrators(supervisor_web, agent):
    profile = agent.agent_profile
    page = supervisor_web.get(admin_url(AgentProfile, "change", profile.pk))
    choices = dict(page.context["adminform"].form.fields["role"].choices)
    assert Role.ADMINISTRATOR not in choices


def test_role_change_on_the_profile_page_moves_the_group(supervisor_web, agent):
    profile = agent.agent_profile
    page = supervisor_web.get(admin_url(AgentProfile, "change", profile.pk))
    data = post_data(page) | {"role": Role.SUPERVISOR}
    response = supervisor_web.post(admin_url(AgentProfile, "change", profile.pk), data)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.role == Role.SUPERVISOR
    assert set(agent.groups.values_list("name", flat=True)) == {ROLE_GROUP_NAMES[Role.SUPERVISOR]}


def test_role_change_in_the_user_page_inline_moves_the_group(admin_web, agent):
    page = admin_web.get(admin_url(User, "change", agent.pk))
    data = post_data(page) | {"agent_profile-0-role": Role.SUPERVISOR}
    response = admin_web.post(admin_url(User, "change", agent.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.agent_profile.refresh_from_db()
    assert agent.agent_profile.role == Role.SUPERVISOR
    assert list(agent.groups.values_list("name", flat=True)) == ["Supervisors"]


def test_profile_added_in_the_user_page_goes_through_the_service(admin_web, team):
    plain = User.objects.create_user(username="plain", password="pw")
    page = admin_web.get(admin_url(User, "change", plain.pk))
    data = post_data(page) | {
        "agent_profile-TOTAL_FORMS": "1",
        "agent_profile-0-display_name": "Plain",
        "agent_profile-0-role": Role.AGENT,
        "agent_profile-0-slots": "3",
        "agent_profile-0-language": "en",
        "agent_profile-0-teams": [str(team.pk)],
    }
    response = admin_web.post(admin_url(User, "change", plain.pk), data)
    assert response.status_code == 302
    plain.refresh_from_db()
    assert plain.is_staff and plain.agent_profile.display_name == "Plain"
    assert list(plain.groups.values_list("name", flat=True)) == ["Agents"]


def test_role_groups_are_read_only(admin_web):
    group = Group.objects.get(name=ROLE_GROUP_NAMES[Role.AGENT])
    assert admin_web.post(admin_url(Group, "change", group.pk), {}).status_code == 403


def test_webhook_page_saves_with_its_delivery_log(supervisor_web, supervisor, dataset):
    hook = WebhookSubscription.objects.first()
    page = supervisor_web.get(admin_url(WebhookSubscription, "change", hook.pk))
    data = post_data(page) | {"is_active": ""}
    data.pop("is_active")
    response = supervisor_web.post(admin_url(WebhookSubscription, "change", hook.pk), data)
    assert response.status_code == 302
    hook.refresh_from_db()
    assert not hook.is_active


def test_webhook_added_here_records_its_author(supervisor_web, supervisor):
    response = supervisor_web.post(
        admin_url(WebhookSubscription, "add"),
        {"url": "https://hooks.example/new", "events": "[]", "is_active": "on"},
    )
    assert response.status_code == 302
    assert WebhookSubscription.objects.get(url="https://hooks.example/new").created_by == supervisor
