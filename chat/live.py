"""Live visitors (A10): who is on the site now, on which page, for how long, and whether
they are chatting.

A visitor is *live* when their browser was seen in the last ``RECENT`` (session start or
page view, ``Visitor.last_seen_at``) and a widget socket of theirs is open now
(``chat.visitor_presence``, one cache round trip for the whole list). Three queries
whatever the number of visitors: the user's teams, the candidates, their open chats."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.roles import is_agent, is_supervisor
from chat import visitor_presence
from chat.dashboard.pseudonyms import contact_display_name
from chat.models import OPEN_STATUSES, Conversation
from contacts.models import Visitor

RECENT = timedelta(minutes=30)
# Candidates read before the presence check, and visitors shown at most.
MAX_CANDIDATES = 500
MAX_LIVE = 100


@dataclass
class LiveVisitor:
    visitor: Visitor
    name: str
    url: str
    title: str
    on_page_since: datetime | None
    on_site_since: datetime | None
    conversation_id: int | None
    blocked: bool

    @property
    def chatting(self) -> bool:
        return self.conversation_id is not None


def _visitors_visible_to(user):
    visitors = Visitor.objects.all()
    if is_supervisor(user):
        return visitors
    if not is_agent(user):
        return visitors.none()
    return visitors.filter(widget__team__in=user.agent_profile.teams.values("id"))


def live_visitor_get_for(user, visitor_id) -> Visitor | None:
    """A visitor of the user's teams' widgets (all for supervisors), or None."""
    return (
        _visitors_visible_to(user).select_related("contact", "widget").filter(pk=visitor_id).first()
    )


def live_visitors_for(user, *, now: datetime | None = None) -> list[LiveVisitor]:
    """Visitors on the sites of the user's teams now, most recently seen first."""
    now = now or timezone.now()
    candidates = list(
        _visitors_visible_to(user)
        .filter(last_seen_at__gte=now - RECENT)
        .select_related("contact")
        .order_by("-last_seen_at")[:MAX_CANDIDATES]
    )
    if not candidates:
        return []
    keys = {visitor_presence.key(v.pk): v for v in candidates}
    counts = cache.get_many(list(keys))
    online = [v for key, v in keys.items() if (counts.get(key) or 0) > 0][:MAX_LIVE]
    if not online:
        return []
    chatting = dict(
        Conversation.objects.filter(
            visitor__in=[v.pk for v in online], status__in=OPEN_STATUSES
        ).values_list("visitor_id", "pk")
    )
    return [_live(v, chatting.get(v.pk)) for v in online]


def _live(visitor: Visitor, conversation_id) -> LiveVisitor:
    page = visitor.page or {}
    at = parse_datetime(page["at"]) if isinstance(page.get("at"), str) else None
    return LiveVisitor(
        visitor=visitor,
        name=contact_display_name(visitor.contact, visitor.pk),
        url=page.get("url", ""),
        title=page.get("title", ""),
        on_page_since=at,
        on_site_since=visitor.visit_started_at or visitor.created_at,
        conversation_id=conversation_id,
        blocked=visitor.contact.is_blocked,
    )
