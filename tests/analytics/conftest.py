"""A month of known activity (March 2026, UTC) in two teams, plus rows just outside it.

Team A: Alice answered 5 chats in 10, 20, 30, 40 and 100 s; one chat was missed. Team B:
Bob answered one chat in 5 s. Tickets: Alice's open one answered in 60 s and solved one
in 120 s, an unanswered pending one of team A, Bob's spam. Ratings: Alice's chats 5, 4, 2
and her ticket 5; Bob's chat 1 and ticket 3. NPS: 10, 9 (Alice's chats), 6 (Alice's
ticket), 8, 7, 0, 10 (team B)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Role, Team
from analytics.models import ChatRating, NpsResponse, TicketRating
from chat.models import Conversation, ConversationStatus, Widget
from contacts.models import Contact, Visitor
from tests.accounts.factories import AgentFactory
from tickets.models import Ticket, TicketState

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = datetime(2026, 4, 1, tzinfo=UTC)


@dataclass
class Month:
    team_a: Team
    team_b: Team
    alice: object
    bob: object
    supervisor: object


def day(n: int, hour: int = 12) -> datetime:
    return SINCE + timedelta(days=n - 1, hours=hour)


@pytest.fixture
def month(db):
    team_a = Team.objects.create(name="A", always_open=True)
    team_b = Team.objects.create(name="B", always_open=True)
    alice = AgentFactory(username="alice", teams=[team_a]).user
    bob = AgentFactory(username="bob", teams=[team_b]).user
    supervisor = AgentFactory(username="boss", role=Role.SUPERVISOR, teams=[team_a, team_b]).user
    widget_a = Widget.objects.create(public_key="a", name="A", team=team_a)
    widget_b = Widget.objects.create(public_key="b", name="B", team=team_b)
    contact = Contact.objects.create(name="Jane", email="jane@example.com")

    def chat(widget, created, *, answered_after_s=None, assignee=None, missed=False):
        visitor = Visitor.objects.create(contact=contact, widget=widget)
        conversation = Conversation.objects.create(
            widget=widget,
            contact=contact,
            visitor=visitor,
            team=widget.team,
            assignee=assignee,
            status=ConversationStatus.CLOSED,
            closed_at=created + timedelta(hours=1),
            missed=missed,
        )
        first = created + timedelta(seconds=answered_after_s) if answered_after_s else None
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=created, first_response_at=first
        )
        return conversation

    def ticket(team, created, state, *, assignee=None, answered_after_s=None):
        made = Ticket.objects.create(
            title="Help",
            requester=contact,
            team=team,
            assignee=assignee,
            state=state,
            solved_at=created if state == TicketState.SOLVED else None,
            pending_since=created if state == TicketState.PENDING else None,
        )
        first = created + timedelta(seconds=answered_after_s) if answered_after_s else None
        Ticket.objects.filter(pk=made.pk).update(created_at=created, first_public_reply_at=first)
        return made

    def rated(model, created, **fields):
        rating = model.objects.create(**fields)
        model.objects.filter(pk=rating.pk).update(created_at=created)

    alice_chats = [
        chat(widget_a, day(n), answered_after_s=s, assignee=alice)
        for n, s in ((1, 10), (2, 20), (3, 30), (4, 40), (5, 100))
    ]
    chat(widget_a, day(6), missed=True)
    bob_chat = chat(widget_b, day(7), answered_after_s=5, assignee=bob)
    early = chat(widget_a, SINCE - timedelta(seconds=1), answered_after_s=1000, assignee=alice)
    chat(widget_b, UNTIL, answered_after_s=1000, assignee=bob, missed=True)

    alice_open = ticket(team_a, day(8), TicketState.OPEN, assignee=alice, answered_after_s=60)
    ticket(team_a, day(9), TicketState.SOLVED, assignee=alice, answered_after_s=120)
    ticket(team_a, day(10), TicketState.PENDING)
    bob_spam = ticket(team_b, day(11), TicketState.SPAM, assignee=bob)
    ticket(team_a, UNTIL + timedelta(days=1), TicketState.OPEN, assignee=alice, answered_after_s=1)

    for conversation, score in zip(alice_chats, (5, 4, 2), strict=False):
        rated(ChatRating, day(12), conversation=conversation, agent=alice, team=team_a, score=score)
    rated(ChatRating, day(12), conversation=bob_chat, agent=bob, team=team_b, score=1)
    rated(TicketRating, day(13), ticket=alice_open, agent=alice, team=team_a, score=5)
    rated(TicketRating, day(13), ticket=bob_spam, agent=bob, team=team_b, score=3)
    rated(ChatRating, SINCE - timedelta(days=1), conversation=early, agent=alice, score=1)

    def nps(score, *, team=team_a, **links):
        answer = NpsResponse.objects.create(contact=contact, team=team, score=score, **links)
        NpsResponse.objects.filter(pk=answer.pk).update(created_at=day(14))

    nps(10, conversation=alice_chats[0])
    nps(9, conversation=alice_chats[1])
    nps(6, ticket=alice_open)
    nps(8)
    nps(7)
    nps(0, team=team_b)
    nps(10, team=team_b)
    outside = NpsResponse.objects.create(contact=contact, score=0)
    NpsResponse.objects.filter(pk=outside.pk).update(created_at=UNTIL)

    return Month(team_a, team_b, alice, bob, supervisor)
