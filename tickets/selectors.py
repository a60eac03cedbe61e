"""Reads of tickets, with the access rules every entry point shares."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import is_agent, is_supervisor
from chat.models import Attachment, Conversation
from helpdesk.errors import NotFound, PermissionDenied
from tickets.errors import ErrorCode
from tickets.models import Tag, Ticket, TicketEvent, TicketState

# The text-search configuration: "simple" (no stemming) because tickets arrive in several
# languages. Migration 0002 builds GIN indexes on exactly these expressions.
SEARCH_CONFIG = "simple"
MAX_SEARCH_CHARS = 200


def tickets_visible_to(user) -> QuerySet[Ticket]:
    """The tickets ``user`` may see (O2).

    Supervisors and administrators see every ticket. An agent sees the tickets assigned to
    them, those of their teams (whoever holds them), and the unclaimed pool: tickets with
    neither an assignee nor a team. A ticket of another team that nobody holds yet stays
    in that team's pool. Anyone else (no agent profile, inactive) sees none.
    """
    tickets = Ticket.objects.all()
    if is_supervisor(user):
        return tickets
    if not is_agent(user):
        return tickets.none()
    team_ids = user.agent_profile.teams.values("id")
    return tickets.filter(
        Q(assignee=user) | Q(team__in=team_ids) | Q(assignee__isnull=True, team__isnull=True)
    )


def ticket_access_check(user) -> None:
    """PermissionDenied (403) unless ``user`` is an agent, supervisor or administrator."""
    if not is_agent(user):
        raise PermissionDenied(ErrorCode.NOT_AN_AGENT, _("Only agents may see tickets."))


def _with_payload_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("requester", "assignee__agent_profile").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )


def ticket_search(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Tickets whose title or any timeline text matches ``text`` (T6). PostgreSQL:
    full-text search (web-search syntax: words, "quoted phrases", -excluded); elsewhere:
    every word contained in the title or in one entry's text."""
    text = (text or "").strip()[:MAX_SEARCH_CHARS]
    if not text:
        return tickets
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # A UNION of two index scans (migration 0002's GIN indexes): an OR of the two
        # conditions would scan every ticket.
        by_title = (
            Ticket.objects.annotate(document=SearchVector("title", config=SEARCH_CONFIG))
            .filter(document=query)
            .values("pk")
        )
        by_text = (
            TicketEvent.objects.annotate(document=SearchVector("body", config=SEARCH_CONFIG))
            .filter(document=query)
            .values("ticket_id")
        )
        return tickets.filter(pk__in=by_title.union(by_text))
    for word in text.split():
        in_events = TicketEvent.objects.filter(ticket=OuterRef("pk"), body__icontains=word)
        tickets = tickets.filter(Q(title__icontains=word) | Exists(in_events))
    return tickets


def ticket_list_for_user(
    user,
    *,
    state: str | None = None,
    assignee: int | str | None = None,
    team: int | None = None,
    tag: str | None = None,
    q: str | None = None,
) -> QuerySet[Ticket]:
    """The tickets ``user`` may see, filtered (T6), with what the list shows loaded (a
    fixed number of queries for any page). Spam is hidden unless ``state`` is ``spam``
    (T7). ``assignee`` is a user id, ``"me"`` or ``"none"`` (unassigned). Raises
    PermissionDenied for non-agents."""
    ticket_access_check(user)
    tickets = tickets_visible_to(user)
    tickets = tickets.filter(state=state) if state else tickets.exclude(state=TicketState.SPAM)
    if assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee is not None:
        tickets = tickets.filter(assignee_id=assignee)
    if team is not None:
        tickets = tickets.filter(team_id=team)
    if tag:
        tickets = tickets.filter(tags__name=tag.strip().lower())
    if q:
        tickets = ticket_search(tickets, q)
    return _with_payload_relations(tickets)


def ticket_get_for_user(user, ticket_id) -> Ticket:
    """The ticket if ``user`` may see it: PermissionDenied for non-agents, NotFound for
    unknown ids and for tickets outside the user's view (no hint that they exist)."""
    ticket_access_check(user)
    ticket = None
    if isinstance(ticket_id, int) and not isinstance(ticket_id, bool):
        ticket = (
            _with_payload_relations(tickets_visible_to(user))
            .select_related("team")
            .filter(pk=ticket_id)
            .first()
        )
    if ticket is None:
        raise NotFound(ErrorCode.TICKET_NOT_FOUND, _("No such ticket."))
    return ticket


def ticket_events_for_user(user, ticket_id) -> QuerySet[TicketEvent]:
    """The timeline of a ticket the user may see (T8), oldest first, with actors and
    attachments loaded."""
    ticket = ticket_get_for_user(user, ticket_id)
    return (
        ticket.events.select_related("actor__agent_profile")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.only("id", "name", "size", "content_type"),
            )
        )
        .order_by("created_at", "id")
    )


def ticket_attachment_get_for_user(user, ticket_id, attachment_id) -> Attachment:
    """A file of a ticket the user may see; NotFound otherwise."""
    ticket = ticket_get_for_user(user, ticket_id)
    attachment = Attachment.objects.filter(pk=attachment_id, ticket_events__ticket=ticket).first()
    if attachment is None:
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, _("No such attachment."))
    return attachment


def conversation_for_ticket(user, conversation_id) -> Conversation:
    """The chat an agent turns into a ticket: one the user may see (chat selectors)."""
    from chat.selectors import conversation_get_for_agent

    ticket_access_check(user)
    return conversation_get_for_agent(user, conversation_id)
