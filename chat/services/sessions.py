"""Visitor sessions: who is behind a widget, and what they told the pre-chat form."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team
from chat import visitor_tokens
from chat.errors import ErrorCode
from chat.models import OPEN_STATUSES, Conversation, PrechatMode, Widget
from contacts.models import Contact, Visitor
from helpdesk.errors import DomainError, NotFound
from helpdesk.sql_rows import instances, select_list


@dataclass
class VisitorSession:
    widget: Widget
    visitor: Visitor
    token: str
    conversation: Conversation | None


VISIT_GAP = timedelta(minutes=30)


def widget_get_active(public_key: str) -> Widget:
    widget = None
    if isinstance(public_key, str):
        widget = (
            Widget.objects.select_related("team")
            .filter(public_key=public_key, is_active=True)
            .first()
        )
    if widget is None:
        raise NotFound(ErrorCode.WIDGET_NOT_FOUND, _("No active widget has this key."))
    return widget


def visitor_from_token(token: str, *, widget: Widget | None = None) -> Visitor:
    """The visitor a token names. Raises 401 for bad tokens and 403 for another widget's."""
    visitor_id, _widget_id = visitor_tokens.read(token, widget_id=widget.pk if widget else None)
    visitor = _visitor_with_widget(visitor_id)
    if visitor is None:
        raise visitor_tokens.InvalidToken(
            ErrorCode.INVALID_TOKEN, _("This visitor no longer exists.")
        )
    return visitor


# The visitor with its contact, widget and team: what ``select_related`` would select, in
# one statement written once, since every socket handshake asks (``helpdesk.sql_rows``).
_VISITOR_WITH_WIDGET = (
    f"SELECT {select_list(Visitor, 'v')}, {select_list(Contact, 'c')},"
    f" {select_list(Widget, 'w')}, {select_list(Team, 't')}"
    f' FROM "{Visitor._meta.db_table}" v'
    f' JOIN "{Contact._meta.db_table}" c ON c."id" = v."contact_id"'
    f' JOIN "{Widget._meta.db_table}" w ON w."id" = v."widget_id"'
    f' JOIN "{Team._meta.db_table}" t ON t."id" = w."team_id"'
    ' WHERE v."id" = %s'
)


def _visitor_with_widget(visitor_id: str) -> Visitor | None:
    connection = connections[router.db_for_read(Visitor)]
    try:
        key = Visitor._meta.pk.get_db_prep_value(visitor_id, connection)
    except ValidationError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_VISITOR_WITH_WIDGET, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    visitor, contact, widget, team = instances(
        row, Visitor, Contact, Widget, Team, using=connection.alias
    )
    widget.team = team
    visitor.contact, visitor.widget = contact, widget
    return visitor


def open_conversation(visitor: Visitor) -> Conversation | None:
    return (
        Conversation.objects.select_related("assignee__agent_profile", "contact")
        .filter(visitor=visitor, status__in=OPEN_STATUSES)
        .first()
    )


@transaction.atomic
def visitor_session_start(
    *,
    widget_key: str,
    token: str | None = None,
    language: str = "",
    timezone_name: str = "",
    user_agent: str = "",
) -> VisitorSession:
    """Start or resume a widget session. A valid old token resumes the same visitor and
    their open chat; without one a new contact and visitor are created. Always returns a
    fresh token, which moves the expiry forward."""
    widget = widget_get_active(widget_key)
    now = timezone.now()
    if token:
        visitor = visitor_from_token(token, widget=widget)
        # Away longer than VISIT_GAP: a new visit starts (live visitors' time on site).
        if visitor.visit_started_at is None or visitor.last_seen_at < now - VISIT_GAP:
            visitor.visit_started_at = now
        visitor.last_seen_at = now
        visitor.language = language[:16] or visitor.language
        visitor.timezone = timezone_name[:64] or visitor.timezone
        visitor.user_agent = user_agent[:500] or visitor.user_agent
        visitor.save(
            update_fields=[
                "last_seen_at",
                "visit_started_at",
                "language",
                "timezone",
                "user_agent",
            ]
        )
        Contact.objects.filter(pk=visitor.contact_id).update(last_seen_at=visitor.last_seen_at)
    else:
        contact = Contact.objects.create(language=language[:16])
        visitor = Visitor.objects.create(
            contact=contact,
            widget=widget,
            language=language[:16],
            timezone=timezone_name[:64],
            user_agent=user_agent[:500],
            visit_started_at=now,
        )
    return VisitorSession(
        widget=widget,
        visitor=visitor,
        token=visitor_tokens.issue(visitor_id=visitor.pk, widget_id=widget.pk),
        conversation=open_conversation(visitor),
    )


@transaction.atomic
def visitor_prechat_submit(*, visitor: Visitor, name: str, email: str, fields: dict) -> Visitor:
    """Store the pre-chat answers (W2) on the visitor and name the contact (C2).
    Raises DomainError ``invalid_prechat`` with the first problem found."""
    widget = visitor.widget
    if not isinstance(name, str) or not isinstance(email, str) or not isinstance(fields, dict):
        raise DomainError(
            ErrorCode.INVALID_PRECHAT, _("name and email are text, fields an object.")
        )
    name, email = name.strip()[:200], email.strip()[:254]
    if widget.prechat_mode == PrechatMode.REQUIRED and not (name and email):
        raise DomainError(ErrorCode.INVALID_PRECHAT, _("Name and email are required."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                ErrorCode.INVALID_PRECHAT, _("Enter a valid email address.")
            ) from None
    answers = {}
    for question in widget.prechat_fields:
        key = question.get("name")
        value = str(fields.get(key, "")).strip()[:1000]
        if question.get("required") and not value:
            label = question.get("label", key)
            raise DomainError(
                ErrorCode.INVALID_PRECHAT, _("“%(label)s” is required.") % {"label": label}
            )
        answers[key] = value
    visitor.prechat = {"name": name, "email": email, "fields": answers}
    visitor.save(update_fields=["prechat"])
    contact = visitor.contact
    contact.name = name or contact.name
    contact.email = email or contact.email
    contact.save(update_fields=["name", "email"])
    return visitor


def prechat_missing(visitor: Visitor) -> bool:
    return visitor.widget.prechat_mode == PrechatMode.REQUIRED and not visitor.prechat
