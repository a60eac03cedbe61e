"""Tickets (T1–T8): what cannot be solved in a chat, with a timeline of everything done."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_reply_token() -> str:
    return secrets.token_hex(10)


class TicketState(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SOLVED = "solved", _("Solved")
    SPAM = "spam", _("Spam")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Source(models.TextChoices):
    API = "api", _("API")
    CHAT = "chat", _("Chat")
    OFFLINE = "offline", _("Offline form")
    EMAIL = "email", _("Email")
    DASHBOARD = "dashboard", _("Dashboard")


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=50, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Ticket(models.Model):
    """A request handled over time. ``reply_token`` is the part of the reply address that
    routes a customer's email back here; ``first_public_reply_at`` feeds first response time."""

    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=TicketState.choices, default=TicketState.OPEN
    )
    requester = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.CASCADE,
        related_name="tickets",
        verbose_name=_("requester"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.API
    )
    conversation = models.ForeignKey(
        "chat.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("originating chat"),
    )
    reply_token = models.CharField(
        max_length=32, unique=True, default=new_reply_token, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_public_reply_at = models.DateTimeField(_("first reply"), null=True, blank=True)
    pending_since = models.DateTimeField(_("pending since"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=TicketState.values), name="ticket_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=4), name="ticket_priority_range"
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="ticket_source_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=TicketState.SOLVED) | Q(solved_at__isnull=False),
                name="ticket_solved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=TicketState.PENDING) | Q(pending_since__isnull=False),
                name="ticket_pending_has_time",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="ticket_title_not_empty"),
        ]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="ticket_state_idx"),
            models.Index(fields=["assignee", "state"], name="ticket_assignee_idx"),
            models.Index(fields=["team", "state"], name="ticket_team_idx"),
            models.Index(fields=["created_at"], name="ticket_created_idx"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    REPLY = "reply", _("Public reply")
    COMMENT = "comment", _("Internal comment")
    CUSTOMER_MESSAGE = "customer_message", _("Customer message")
    STATE_CHANGED = "state_changed", _("State changed")
    ASSIGNED = "assigned", _("Assigned")
    TEAM_CHANGED = "team_changed", _("Team changed")
    TITLE_CHANGED = "title_changed", _("Title changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    TAGS_CHANGED = "tags_changed", _("Tags changed")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")


class TicketEvent(models.Model):
    """One entry of a ticket's timeline (T8). Replies, comments and customer messages carry a
    body; changes carry ``data`` (``{"from": …, "to": …}``). ``email_message_id`` is the
    Message-ID sent or received, unique so that a redelivered inbound email stores nothing."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    email_message_id = models.CharField(max_length=500, blank=True)
    attachments = models.ManyToManyField(
        "chat.Attachment", blank=True, related_name="ticket_events"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="ticket_event_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["email_message_id"],
                condition=~Q(email_message_id=""),
                name="ticket_event_message_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_event_timeline_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.ticket_id}"
