"""Contacts (C1): the people who write in, the browsers they write from, notes and blocks."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Contact(models.Model):
    """A customer. Block state is denormalised here (not only in ``BlockRecord``) because
    every incoming message checks it."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    attributes = models.JSONField(_("custom attributes"), default=dict, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now_add=True, db_index=True)
    is_blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("block reason"), max_length=500, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("blocked by"),
    )
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_blocked=False) | Q(blocked_at__isnull=False),
                name="contact_blocked_has_time",
            ),
        ]

    def __str__(self):
        return self.name or self.email or _("Visitor %(id)s") % {"id": self.pk}


class Visitor(models.Model):
    """One browser of a contact on one widget; the visitor token names it.

    The contact is created with the visitor and never left empty, so that history, notes
    and blocks always have somewhere to live; merging contacts moves visitors."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="visitors")
    widget = models.ForeignKey("chat.Widget", on_delete=models.CASCADE, related_name="visitors")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now_add=True, db_index=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    prechat = models.JSONField(_("pre-chat answers"), default=dict, blank=True)
    # Live visitors (A10): the page the browser shows now (url, title, referrer, and "at",
    # when that address was first seen) and when the current visit began.
    page = models.JSONField(_("current page"), default=dict, blank=True)
    visit_started_at = models.DateTimeField(_("visit started"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self):
        return str(self.id)


class ContactNote(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="contact_note_not_empty"),
        ]

    def __str__(self):
        return self.body[:60]


class BlockRecord(models.Model):
    """Audit trail of blocks and unblocks (C3, O3): who, when and why."""

    class Action(models.TextChoices):
        BLOCK = "block", _("Blocked")
        UNBLOCK = "unblock", _("Unblocked")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="block_records")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("block record")
        verbose_name_plural = _("block records")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["block", "unblock"]), name="block_record_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.contact}"
