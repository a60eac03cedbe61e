"""Agents, their teams and the teams' opening hours, and API tokens."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MIN_SLOTS = 1
MAX_SLOTS = 10


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


class AgentStatus(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting chats")
    NOT_ACCEPTING = "not_accepting", _("Not accepting chats")
    OFFLINE = "offline", _("Offline")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    always_open = models.BooleanField(
        _("open around the clock"),
        default=False,
        help_text=_("Ignore business hours and holidays."),
    )
    amber_after_s = models.PositiveIntegerField(
        _("amber after (s)"), default=30, help_text=_("A waiting visitor turns amber after this.")
    )
    red_after_s = models.PositiveIntegerField(
        _("red after (s)"), default=60, help_text=_("A waiting visitor turns red after this.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.CheckConstraint(
                condition=Q(red_after_s__gt=F("amber_after_s")), name="team_red_after_amber"
            ),
        ]

    def __str__(self):
        return self.name


class BusinessHours(models.Model):
    """One opening window of a team on one weekday, in the team's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="business_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["team", "weekday", "opens_at"]
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="business_hours_closes_after_opens"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="business_hours_weekday_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Holiday(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="holiday_unique_per_team_day"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class AgentProfile(models.Model):
    """What routing needs to know about a user who answers chats.

    ``last_assigned_at`` breaks ties between equally loaded agents (longest idle first);
    ``status`` is what the agent chose, ``offline`` once their last socket has been gone
    longer than the grace period.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    display_name = models.CharField(_("display name"), max_length=100)
    photo = models.ImageField(_("photo"), upload_to="agents/", blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    slots = models.PositiveSmallIntegerField(
        _("slots"),
        default=3,
        validators=[MinValueValidator(MIN_SLOTS), MaxValueValidator(MAX_SLOTS)],
        help_text=_("Chats handled at once: 1 to 10."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgentStatus.choices, default=AgentStatus.NOT_ACCEPTING
    )
    teams = models.ManyToManyField(Team, related_name="agents", blank=True, verbose_name=_("teams"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    last_assigned_at = models.DateTimeField(_("last assigned"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(slots__gte=MIN_SLOTS, slots__lte=MAX_SLOTS), name="agent_slots_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgentStatus.values), name="agent_status_valid"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="agent_role_valid"),
        ]
        indexes = [models.Index(fields=["status", "last_assigned_at"], name="agent_routing_idx")]

    def __str__(self):
        return self.display_name

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)


class ApiToken(models.Model):
    """A key for the integrators' API. Only a SHA-256 digest is stored: a leaked database
    does not leak usable keys. The prefix lets an admin recognise a key without it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
