"""Widgets, conversations, messages, attachments and canned responses."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def new_public_key() -> str:
    return secrets.token_urlsafe(12)


class PrechatMode(models.TextChoices):
    NONE = "none", _("No form")
    OPTIONAL = "optional", _("Optional name and email")
    REQUIRED = "required", _("Required name and email")


class Widget(models.Model):
    """One embeddable chat, identified in the host page by its public key."""

    class Language(models.TextChoices):
        AUTO = "", _("Visitor's browser")
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")

    public_key = models.SlugField(
        _("public key"), max_length=64, unique=True, default=new_public_key
    )
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="widgets", verbose_name=_("team")
    )
    is_active = models.BooleanField(_("active"), default=True)
    color = models.CharField(_("colour"), max_length=7, default="#2563eb")
    position = models.CharField(
        _("position"),
        max_length=10,
        choices=[("right", _("Bottom right")), ("left", _("Bottom left"))],
        default="right",
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    welcome_message = models.TextField(_("welcome message"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default="", blank=True
    )
    prechat_mode = models.CharField(
        _("pre-chat form"), max_length=10, choices=PrechatMode.choices, default=PrechatMode.NONE
    )
    prechat_fields = models.JSONField(
        _("custom questions"),
        default=list,
        blank=True,
        help_text=_(
            'A list such as [{"name": "order", "label": "Order number", "required": false}].'
        ),
    )
    target_patterns = models.JSONField(
        _("target pages"),
        default=list,
        blank=True,
        help_text=_('URL patterns where the widget shows, such as ["/shop/*"]. Empty: everywhere.'),
    )
    allowed_origins = models.JSONField(
        _("allowed origins"),
        default=list,
        blank=True,
        help_text=_('Sites that may embed the widget, such as ["https://shop.example"].'),
    )
    max_queue_length = models.PositiveIntegerField(_("maximum queue length"), null=True, blank=True)
    max_wait_s = models.PositiveIntegerField(_("maximum estimated wait (s)"), null=True, blank=True)
    sneak_peek = models.BooleanField(
        _("sneak peek"), default=True, help_text=_("Agents see what visitors type before sending.")
    )
    attachment_max_bytes = models.PositiveIntegerField(
        _("maximum attachment size (bytes)"), default=5 * 1024 * 1024
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("widget")
        verbose_name_plural = _("widgets")
        constraints = [
            models.CheckConstraint(
                condition=Q(prechat_mode__in=PrechatMode.values), name="widget_prechat_mode_valid"
            ),
        ]

    def __str__(self):
        return self.name


class ConversationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (ConversationStatus.QUEUED, ConversationStatus.ACTIVE)


class Conversation(models.Model):
    """A chat. ``first_response_at`` and ``missed`` are stored, not derived, so that the
    analytics aggregate them in the database without scanning messages."""

    widget = models.ForeignKey(
        Widget, on_delete=models.PROTECT, related_name="conversations", verbose_name=_("widget")
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.CASCADE,
        related_name="conversations",
        verbose_name=_("contact"),
    )
    visitor = models.ForeignKey(
        "contacts.Visitor", on_delete=models.CASCADE, related_name="conversations"
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConversationStatus.choices,
        default=ConversationStatus.QUEUED,
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first agent response"), null=True, blank=True)
    last_visitor_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    missed = models.BooleanField(_("missed"), default=False)
    page = models.JSONField(_("current page"), default=dict, blank=True)
    metadata = models.JSONField(
        _("visitor details"), default=dict, blank=True, help_text=_("Referrer, language, browser…")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConversationStatus.values), name="conversation_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ConversationStatus.ACTIVE) | Q(assignee__isnull=False),
                name="conversation_active_has_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConversationStatus.CLOSED) | Q(closed_at__isnull=False),
                name="conversation_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=F("created_at")),
                name="conversation_response_after_start",
            ),
            # One open chat per visitor: a reconnecting visitor resumes it.
            models.UniqueConstraint(
                fields=["visitor"],
                condition=Q(status__in=["queued", "active"]),
                name="conversation_one_open_per_visitor",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "queued_at"], name="conversation_queue_idx"),
            models.Index(fields=["assignee", "status"], name="conversation_assignee_idx"),
            models.Index(fields=["created_at"], name="conversation_created_idx"),
            models.Index(fields=["contact", "-created_at"], name="conversation_contact_idx"),
        ]

    def __str__(self):
        return self.title or _("Chat #%(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AuthorType(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Bot")
    SYSTEM = "system", _("System")


class Message(models.Model):
    """A message in a chat. Its id is the sync cursor: ids only grow, so they grow per
    conversation too. ``client_id`` makes a retried send idempotent."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author_type = models.CharField(_("author"), max_length=10, choices=AuthorType.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    body = models.TextField(_("text"), blank=True)
    internal = models.BooleanField(_("internal note"), default=False)
    client_id = models.CharField(_("client id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    attachments = models.ManyToManyField(
        "chat.Attachment", blank=True, related_name="messages", verbose_name=_("attachments")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~Q(client_id=""),
                name="message_client_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(author_type__in=AuthorType.values), name="message_author_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(internal=False) | Q(author_type__in=["agent", "system"]),
                name="message_internal_by_staff",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "id"], name="message_sync_idx")]

    def __str__(self):
        return self.body[:60]


class Attachment(models.Model):
    """An uploaded file. Chats and tickets both reference it; it belongs to the chat it was
    uploaded into (or the ticket), which is what access checks look at."""

    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploaded_by_visitor = models.ForeignKey(
        "contacts.Visitor", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=0), name="attachment_size_positive"),
        ]

    def __str__(self):
        return self.name


class CannedResponse(models.Model):
    """A saved answer, typed as ``#shortcut``. Without an owner it is shared by everyone."""

    shortcut = models.SlugField(_("shortcut"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        verbose_name=_("owner"),
        help_text=_("Empty: shared with every agent."),
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shortcut"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        constraints = [
            # NULL owners never collide in a plain unique constraint, hence two partial ones.
            models.UniqueConstraint(
                fields=["shortcut", "language"],
                condition=Q(owner__isnull=True),
                name="canned_shared_shortcut_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut", "language"],
                condition=Q(owner__isnull=False),
                name="canned_personal_shortcut_unique",
            ),
        ]

    def __str__(self):
        return f"#{self.shortcut}"
