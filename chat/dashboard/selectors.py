"""Reads of the agent dashboard. Every chat read starts from ``chat.selectors``
(``conversations_visible_to``, ``conversation_get_for_agent``), every contact read from
``contacts.selectors`` and every ticket read from ``tickets.selectors``, so the dashboard
shows exactly what the REST API and the sockets allow."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, AgentStatus, Team
from accounts.roles import is_supervisor
from chat.dashboard.pseudonyms import contact_display_name
from chat.errors import ErrorCode
from chat.models import OPEN_STATUSES, AuthorType, Conversation, ConversationStatus, Message
from chat.selectors import conversations_visible_to
from contacts.models import ContactNote
from contacts.selectors import contact_notes_for_user
from helpdesk.errors import DomainError, NotFound
from tickets.selectors import tickets_visible_to

HISTORY_PAGE = 50
MAX_PENDING_IDS = 99
TIMELINE_LIMIT = 20


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _section(user, conversation: Conversation) -> str:
    if conversation.assignee_id == user.pk:
        return "mine"
    if conversation.status == ConversationStatus.QUEUED:
        return "queue"
    return "others"


def _pending_visitor_messages(conversation_ids) -> dict[int, list[tuple[int, datetime]]]:
    """Per chat, the visitor's messages that no public agent message has followed yet,
    oldest first: what the circle's colour and unread count are made of. One query."""
    rows = (
        Message.objects.filter(conversation_id__in=conversation_ids, author_type=AuthorType.VISITOR)
        .filter(
            Q(conversation__last_agent_message_at__isnull=True)
            | Q(created_at__gt=F("conversation__last_agent_message_at"))
        )
        .order_by("id")
        .values_list("conversation_id", "id", "created_at")
    )
    pending: dict[int, list[tuple[int, datetime]]] = {}
    for conversation_id, message_id, created_at in rows:
        pending.setdefault(conversation_id, []).append((message_id, created_at))
    return pending


def chat_summary(user, conversation: Conversation, pending=()) -> dict:
    """One circle of the chat list. ``waiting_since`` is when the oldest unanswered visitor
    message was sent (None when the agent spoke last); the browser turns it into green,
    amber or red with the team's thresholds."""
    pending = list(pending)
    team = conversation.team
    assignee = conversation.assignee
    contact = conversation.contact
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "section": _section(user, conversation),
        "title": conversation.title,
        "name": contact_display_name(contact, conversation.visitor_id),
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "is_blocked": contact.is_blocked,
        },
        "team": {
            "id": team.pk,
            "name": team.name,
            "amber_after_s": team.amber_after_s,
            "red_after_s": team.red_after_s,
        },
        "assignee": {"id": assignee.pk, "name": _agent_name(assignee)} if assignee else None,
        "page": conversation.page or {},
        "language": (conversation.metadata or {}).get("language", ""),
        "waiting_since": _iso(pending[0][1]) if pending else None,
        "pending_ids": [message_id for message_id, _at in pending[-MAX_PENDING_IDS:]],
        "last_message_id": getattr(conversation, "last_message_id", None),
        "created_at": _iso(conversation.created_at),
    }


def dashboard_chats(user) -> list[dict]:
    """Every open chat the user may see: their own, their teams' queue, and for supervisors
    everyone's (A2, A11). Oldest first within the list; the page groups them by section."""
    conversations = list(
        conversations_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("contact", "team", "assignee__agent_profile")
        .annotate(last_message_id=Max("messages__id"))
        .order_by("created_at", "pk")
    )
    pending = _pending_visitor_messages([c.pk for c in conversations])
    return [chat_summary(user, c, pending.get(c.pk, ())) for c in conversations]


def agent_me(user) -> dict:
    """Who the dashboard's user is, as its script needs it."""
    profile = user.agent_profile
    return {
        "id": user.pk,
        "name": profile.display_name,
        "status": profile.status,
        "slots": profile.slots,
        "supervisor": is_supervisor(user),
        "teams": list(profile.teams.values_list("id", flat=True)),
        "language": profile.language,
    }


def dashboard_state(user) -> dict:
    """What the dashboard's script starts from and resyncs to after a reconnect."""
    return {
        "now": timezone.now().isoformat(),
        "me": agent_me(user),
        "conversations": dashboard_chats(user),
    }


def chat_summary_for(user, conversation_id) -> dict:
    """The circle of one chat the user may see (NotFound otherwise)."""
    conversation = (
        conversations_visible_to(user)
        .select_related("contact", "team", "assignee__agent_profile")
        .annotate(last_message_id=Max("messages__id"))
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise NotFound(ErrorCode.CONVERSATION_NOT_FOUND, _("No such conversation."))
    pending = _pending_visitor_messages([conversation.pk]).get(conversation.pk, ())
    return chat_summary(user, conversation, pending)


def messages_before(
    conversation: Conversation, before=None, *, limit: int = HISTORY_PAGE
) -> list[Message]:
    """The ``limit`` messages just older than message id ``before`` (the newest when None),
    internal notes included, oldest first: one page of history loaded on scroll."""
    if before is not None and (not isinstance(before, int) or isinstance(before, bool)):
        raise DomainError(ErrorCode.INVALID_FRAME, _("before must be a message id."))
    messages = conversation.messages.select_related(
        "conversation__contact", "author__agent_profile"
    ).prefetch_related("attachments")
    if before is not None:
        messages = messages.filter(id__lt=before)
    return list(reversed(messages.order_by("-id")[:limit]))


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "chat" or "ticket"
    id: int
    title: str
    status: str
    status_label: str
    at: datetime
    who: str
    url: str


def contact_timeline(user, contact, *, exclude_conversation_id=None, limit=TIMELINE_LIMIT):
    """The contact's chats and tickets that ``user`` may open, newest first (C6)."""
    chats = (
        conversations_visible_to(user)
        .filter(contact=contact)
        .exclude(pk=exclude_conversation_id)
        .select_related("assignee__agent_profile")
        .order_by("-created_at")[:limit]
    )
    tickets = (
        tickets_visible_to(user)
        .filter(requester=contact)
        .select_related("assignee__agent_profile")
        .order_by("-created_at")[:limit]
    )
    entries = [
        TimelineEntry(
            kind="chat",
            id=c.pk,
            title=c.title,
            status=c.status,
            status_label=c.get_status_display(),
            at=c.created_at,
            who=_agent_name(c.assignee),
            url=reverse("dashboard-transcript", args=[c.pk]),
        )
        for c in chats
    ]
    entries += [
        TimelineEntry(
            kind="ticket",
            id=t.pk,
            title=t.title,
            status=t.state,
            status_label=t.get_state_display(),
            at=t.created_at,
            who=_agent_name(t.assignee),
            url=reverse("dashboard-ticket", args=[t.pk]),
        )
        for t in tickets
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


def _agent_name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "agent_profile", None)
    return profile.display_name if profile else user.get_username()


@dataclass(frozen=True)
class AgentTarget:
    user_id: int
    name: str
    status: str
    status_label: str
    open_chats: int
    slots: int
    teams: list[str]

    @property
    def free_slots(self) -> int:
        return max(self.slots - self.open_chats, 0)

    @property
    def available(self) -> bool:
        return self.status == AgentStatus.ACCEPTING and self.free_slots > 0


@dataclass(frozen=True)
class TeamTarget:
    id: int
    name: str
    accepting: int
    free_slots: int


def transfer_targets(conversation: Conversation) -> tuple[list[AgentTarget], list[TeamTarget]]:
    """Who a chat can go to (A6): every active agent but its current one, with status and
    free slots (available first), and every team with how many accept and their free slots."""
    profiles = (
        AgentProfile.objects.filter(user__is_active=True)
        .exclude(user_id=conversation.assignee_id)
        .select_related("user")
        .prefetch_related("teams")
        .annotate(
            open_chats=Count(
                "user__assigned_conversations",
                filter=Q(user__assigned_conversations__status=ConversationStatus.ACTIVE),
            )
        )
    )
    agents = [
        AgentTarget(
            user_id=p.user_id,
            name=p.display_name,
            status=p.status,
            status_label=p.get_status_display(),
            open_chats=p.open_chats,
            slots=p.slots,
            teams=[t.name for t in p.teams.all()],
        )
        for p in profiles
    ]
    agents.sort(key=lambda a: (not a.available, -a.free_slots, a.name.lower()))
    teams = []
    for team in Team.objects.prefetch_related("agents").order_by("name"):
        accepting = [a for a in agents if a.available and team.name in a.teams]
        teams.append(
            TeamTarget(
                id=team.pk,
                name=team.name,
                accepting=len(accepting),
                free_slots=sum(a.free_slots for a in accepting),
            )
        )
    return agents, teams


def contact_note_get_for_editor(user, contact_id: int, note_id: int) -> ContactNote:
    """A note the user may change: their own, or any for supervisors (NotFound otherwise).
    Belongs with ``contacts.selectors``; kept here until the contacts app grows an edit
    endpoint of its own."""
    notes = contact_notes_for_user(user, contact_id).filter(pk=note_id)
    if not is_supervisor(user):
        notes = notes.filter(author=user)
    note = notes.first()
    if note is None:
        raise NotFound("note_not_found", _("No such note."))
    return note


def browser_summary(user_agent: str) -> str:
    """A short "Firefox on Windows" for a User-Agent string ("" when unknown)."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("Chromium/", "Chromium"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iOS"),
                ("iPad", "iPadOS"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("CrOS", "ChromeOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    return " / ".join(part for part in (browser, system) if part)


def assignable_agents():
    """Active agents, by name: the assignee choices of ticket forms."""
    return list(
        AgentProfile.objects.filter(user__is_active=True)
        .only("user_id", "display_name")
        .order_by("display_name")
    )
