"""Bulk seeding for the benchmarks, with ``bulk_create``: people and a widget, idle
visitors, reconnect-storm visitors with missed messages, and conversations × messages and
tickets × events at scale.

``make bench`` calls these functions itself. From a shell, against a database that has
been migrated::

    DJANGO_SETTINGS_MODULE=helpdesk.settings.production SECRET_KEY=... ALLOWED_HOSTS=x \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench \\
    python -m bench.seed --conversations 100000 --messages 20 --tickets 100000 --events 5

Data only: no event is sent, nothing is routed. People are created with the accounts
services; parent rows by the hundred thousand (contacts, visitors, conversations, tickets)
go in with ``bulk_create`` in batches, which returns their ids. Child rows by the million
(messages, ticket events) and the analytics history go in with PostgreSQL's ``COPY``:
``bulk_create`` measured 46 µs a message row here (92 s for 2M), a sixth of the ten
minutes ``make bench`` may take; ``COPY`` takes a few seconds. Other databases (the smoke
test's SQLite) use ``bulk_create`` for everything.
"""

import argparse
import itertools
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

BATCH = 5000
TEAM_NAME = "Bench"
WIDGET_KEY = "bench"


@dataclass
class People:
    team_id: int
    widget_key: str
    agent_ids: list[int]
    agent_keys: list[str]
    supervisor_id: int
    supervisor_key: str


def _batches(iterable, size=BATCH):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _insert_rows(model, columns: list[str], rows) -> int:
    """Insert ``rows`` (tuples of values for ``columns``, attnames such as
    ``conversation_id``) into ``model``'s table; every other column gets its field's
    default, ``now`` for ``auto_now_add``. ``COPY`` on PostgreSQL, ``bulk_create``
    elsewhere. Returns the number of rows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        made = 0
        for batch in _batches(rows):
            objects = [model(**dict(zip(columns, row, strict=True))) for row in batch]
            model.objects.bulk_create(objects)
            made += len(batch)
        return made

    from django.db.models import JSONField
    from psycopg.types.json import Jsonb

    now = timezone.now()
    pk = model._meta.pk
    rest = {}
    for f in model._meta.concrete_fields:
        if f.attname in columns or (f is pk and f.get_internal_type().endswith("AutoField")):
            continue
        value = (
            now
            if (getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False))
            else (f.get_default())
        )
        rest[f.column] = Jsonb(value) if isinstance(f, JSONField) else value
    column_of = {f.attname: f.column for f in model._meta.concrete_fields}
    names = [column_of[c] for c in columns]
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(n) for n in [*names, *rest])}) FROM STDIN"
    )
    tail = tuple(rest.values())
    made = 0
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row + tail)
                made += 1
    return made


def seed_people(*, agents: int, slots: int) -> People:
    """A team open around the clock, its widget (with a welcome message, as the demo has),
    ``agents`` agents with ``slots`` slots and an API token each, and a supervisor. Agents
    start *not accepting*: their sockets set themselves accepting, as the dashboard does.
    Passwords are unusable: benchmark agents sign in with tokens."""
    from accounts.models import Role, Team
    from accounts.services import agent_create, api_token_create
    from chat.models import Widget

    with transaction.atomic():
        team = Team.objects.create(name=TEAM_NAME, always_open=True)
        Widget.objects.create(
            public_key=WIDGET_KEY, name="Bench shop", team=team, welcome_message="Hello there!"
        )
        ids, keys = [], []
        for n in range(agents):
            profile = agent_create(
                username=f"bench-agent-{n}",
                password=None,
                display_name=f"Agent {n}",
                teams=[team],
                slots=slots,
            )
            ids.append(profile.user_id)
            keys.append(api_token_create(user=profile.user, name="bench")[1])
        supervisor = agent_create(
            username="bench-supervisor",
            password=None,
            display_name="Supervisor",
            role=Role.SUPERVISOR,
            teams=[team],
        )
        supervisor_key = api_token_create(user=supervisor.user, name="bench")[1]
    return People(team.pk, WIDGET_KEY, ids, keys, supervisor.user_id, supervisor_key)


def _new_visitors(widget, count: int):
    from contacts.models import Contact, Visitor

    contacts = Contact.objects.bulk_create(
        [Contact(name=f"Visitor {n}") for n in range(count)], batch_size=BATCH
    )
    return Visitor.objects.bulk_create(
        [Visitor(contact=c, widget=widget, language="en") for c in contacts], batch_size=BATCH
    )


def seed_visitors(count: int) -> list[str]:
    """``count`` new contacts with a visitor each on the bench widget; their tokens."""
    from chat import visitor_tokens
    from chat.models import Widget

    widget = Widget.objects.get(public_key=WIDGET_KEY)
    with transaction.atomic():
        visitors = _new_visitors(widget, count)
    return [visitor_tokens.issue(visitor_id=v.pk, widget_id=widget.pk) for v in visitors]


@dataclass
class StormVisitor:
    token: str
    after: int
    missed: list[int]


def seed_storm(*, visitors: int, missed: int, agent_id: int) -> list[StormVisitor]:
    """Visitors whose last chat holds one message they saw and then ``missed`` agent
    messages they did not: what a reconnecting widget resyncs. The chats are closed, so
    that they hold no agent slot; a visitor's sync covers their last chat all the same."""
    from chat import visitor_tokens
    from chat.models import AuthorType, Conversation, ConversationStatus, Message, Widget

    widget = Widget.objects.get(public_key=WIDGET_KEY)
    now = timezone.now()
    with transaction.atomic():
        people = _new_visitors(widget, visitors)
        chats = Conversation.objects.bulk_create(
            [
                Conversation(
                    widget=widget,
                    contact_id=v.contact_id,
                    visitor=v,
                    team_id=widget.team_id,
                    assignee_id=agent_id,
                    status=ConversationStatus.CLOSED,
                    closed_at=now,
                )
                for v in people
            ],
            batch_size=BATCH,
        )
        seen = Message.objects.bulk_create(
            [
                Message(conversation=c, author_type=AuthorType.VISITOR, body="Hi", client_id="s")
                for c in chats
            ],
            batch_size=BATCH,
        )
        later = Message.objects.bulk_create(
            [
                Message(
                    conversation=c,
                    author_type=AuthorType.AGENT,
                    author_id=agent_id,
                    body=f"Answer {n} while you were away",
                )
                for n in range(missed)
                for c in chats
            ],
            batch_size=BATCH,
        )
    missed_ids: dict[int, list[int]] = {c.pk: [] for c in chats}
    for message in later:
        missed_ids[message.conversation_id].append(message.pk)
    return [
        StormVisitor(
            token=visitor_tokens.issue(visitor_id=v.pk, widget_id=widget.pk),
            after=s.pk,
            missed=sorted(missed_ids[c.pk]),
        )
        for v, c, s in zip(people, chats, seen, strict=True)
    ]


def seed_conversations(
    *, conversations: int, messages: int, per_contact: int = 5, log=print
) -> dict:
    """``conversations`` chats of ``messages`` messages each (visitor and agent in turn),
    ``per_contact`` chats per contact, spread over the bench agents and 90 days. Almost
    all are closed; one in fifty is active. Returns counts and a sample chat id."""
    from accounts.models import AgentProfile
    from chat.models import AuthorType, Conversation, ConversationStatus, Message, Widget

    widget = Widget.objects.get(public_key=WIDGET_KEY)
    agents = list(
        AgentProfile.objects.filter(teams=widget.team_id).values_list("user_id", flat=True)
    )
    started = time.monotonic()
    if not conversations:
        return {"conversations": 0, "messages": 0, "sample_conversation": None}
    contacts = -(-conversations // per_contact)
    with transaction.atomic():
        people = _new_visitors(widget, contacts)
    log(f"  seed: {contacts} contacts and visitors ({time.monotonic() - started:.0f} s)")
    made = 0
    sample = None
    now = timezone.now()
    for chunk in _batches(range(conversations), BATCH):
        rows = []
        for n in chunk:
            visitor = people[n // per_contact]
            active = n % 50 == 0
            rows.append(
                Conversation(
                    widget=widget,
                    contact_id=visitor.contact_id,
                    visitor=visitor,
                    team_id=widget.team_id,
                    assignee_id=agents[n % len(agents)],
                    status=ConversationStatus.ACTIVE if active else ConversationStatus.CLOSED,
                    closed_at=None if active else now,
                    title=f"Order question {n}",
                )
            )
        with transaction.atomic():
            chats = Conversation.objects.bulk_create(rows)
        # Plain strings: psycopg would write an Enum member's name, not its value.
        agent, visitor_author = AuthorType.AGENT.value, AuthorType.VISITOR.value
        _insert_rows(
            Message,
            ["conversation_id", "author_type", "author_id", "body"],
            (
                (
                    chat.pk,
                    agent if k % 2 else visitor_author,
                    chat.assignee_id if k % 2 else None,
                    f"Message {k} of this chat, about an order that has not arrived.",
                )
                for chat in chats
                for k in range(messages)
            ),
        )
        sample = sample or chats[len(chats) // 2].pk
        made += len(chats)
    _spread_dates(Conversation._meta.db_table, "created_at", days=90)
    log(
        f"  seed: {made} conversations, {made * messages} messages "
        f"({time.monotonic() - started:.0f} s)"
    )
    return {"conversations": made, "messages": made * messages, "sample_conversation": sample}


def seed_tickets(*, tickets: int, events: int, log=print) -> dict:
    """``tickets`` tickets with ``events`` timeline entries each (creation, then customer
    messages and replies in turn), over the bench team and agents."""
    from accounts.models import AgentProfile
    from chat.models import Widget
    from contacts.models import Contact
    from tickets.models import EventKind, Ticket, TicketEvent, TicketState

    widget = Widget.objects.get(public_key=WIDGET_KEY)
    agents = list(
        AgentProfile.objects.filter(teams=widget.team_id).values_list("user_id", flat=True)
    )
    started = time.monotonic()
    states = [TicketState.OPEN, TicketState.OPEN, TicketState.PENDING, TicketState.SOLVED]
    now = timezone.now()
    made = 0
    sample = None
    for chunk in _batches(range(tickets), BATCH):
        with transaction.atomic():
            requesters = Contact.objects.bulk_create(
                [Contact(name=f"Requester {n}", email=f"r{n}@example.com") for n in chunk]
            )
            rows = []
            for n, requester in zip(chunk, requesters, strict=True):
                state = states[n % len(states)]
                rows.append(
                    Ticket(
                        title=f"Refund for order {n}",
                        state=state,
                        requester=requester,
                        assignee_id=agents[n % len(agents)],
                        team_id=widget.team_id,
                        pending_since=now if state == TicketState.PENDING else None,
                        solved_at=now if state == TicketState.SOLVED else None,
                    )
                )
            made_tickets = Ticket.objects.bulk_create(rows)
        kinds = [EventKind.CUSTOMER_MESSAGE.value, EventKind.REPLY.value]
        _insert_rows(
            TicketEvent,
            ["ticket_id", "kind", "actor_id", "contact_id", "body"],
            (
                (
                    ticket.pk,
                    EventKind.CREATED.value if k == 0 else kinds[k % 2],
                    ticket.assignee_id if k % 2 else None,
                    None if k % 2 else ticket.requester_id,
                    f"Entry {k}: the parcel has not arrived yet.",
                )
                for ticket in made_tickets
                for k in range(events)
            ),
        )
        sample = sample or made_tickets[len(made_tickets) // 2].pk
        made += len(made_tickets)
    log(f"  seed: {made} tickets, {made * events} events ({time.monotonic() - started:.0f} s)")
    return {"tickets": made, "events": made * events, "sample_ticket": sample}


def seed_history(*, conversations: int, days: int = 90, log=print) -> int:
    """``conversations`` closed chats without messages, over the bench visitors already
    seeded and the last ``days`` days: the volume the analytics summary aggregates. One in
    ten was missed; the others were answered 5 to 95 s after they started."""
    from accounts.models import AgentProfile
    from chat.models import Conversation, ConversationStatus, Widget
    from contacts.models import Visitor

    widget = Widget.objects.get(public_key=WIDGET_KEY)
    agents = list(
        AgentProfile.objects.filter(teams=widget.team_id).values_list("user_id", flat=True)
    )
    visitors = list(Visitor.objects.filter(widget=widget).values_list("pk", "contact_id"))
    if not conversations or not visitors:
        return 0
    from django.db import connection

    started = time.monotonic()
    now = timezone.now()
    step = timedelta(days=days) / conversations
    # bulk_create (other databases) stamps created_at with now: a first response dated
    # in the past would break the chat's check constraint, so there is none there.
    dated = connection.vendor == "postgresql"

    def rows():
        for n in range(conversations):
            visitor, contact = visitors[n % len(visitors)]
            created = now - step * (conversations - n)
            missed = n % 10 == 0
            answered = None if missed or not dated else created + timedelta(seconds=5 + n % 90)
            yield (
                widget.pk,
                contact,
                visitor,
                widget.team_id,
                None if missed else agents[n % len(agents)],
                ConversationStatus.CLOSED.value,
                created,
                created,
                None if missed else created,
                answered,
                created + timedelta(minutes=10),
                missed,
            )

    made = _insert_rows(
        Conversation,
        [
            "widget_id",
            "contact_id",
            "visitor_id",
            "team_id",
            "assignee_id",
            "status",
            "created_at",
            "queued_at",
            "assigned_at",
            "first_response_at",
            "closed_at",
            "missed",
        ],
        rows(),
    )
    elapsed = time.monotonic() - started
    log(f"  seed: {made} closed conversations over {days} days ({elapsed:.0f} s)")
    return made


def _spread_dates(table: str, column: str, *, days: int) -> None:
    """Spread ``column`` over the last ``days`` days by id (``auto_now_add`` gives every
    bulk-created row the same instant), so that date filters select a real range."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {table}")  # noqa: S608 (own table)
        low, high = cursor.fetchone()
        if low is None or high == low:
            return
        span = timedelta(days=days).total_seconds()
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} - make_interval(secs => "  # noqa: S608
            f"(%s - id)::float / %s * %s)",
            [high, high - low, span],
        )


def analyze() -> None:
    """Fresh planner statistics after a bulk load (autovacuum would get there later)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__)
    parser.add_argument("--agents", type=int, default=25)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from chat.models import Widget

    if not Widget.objects.filter(public_key=WIDGET_KEY).exists():
        seed_people(agents=args.agents, slots=args.slots)
    seed_conversations(conversations=args.conversations, messages=args.messages)
    if args.tickets:
        seed_tickets(tickets=args.tickets, events=args.events)
    analyze()


if __name__ == "__main__":
    main()
