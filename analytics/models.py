"""What customers said about the service: ratings (CSAT, N1) and NPS answers (N2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

POSITIVE_RATING = 4  # CSAT counts 4 and 5 out of 5 as satisfied.


class Rating(models.Model):
    """A customer's 1–5 rating. The agent and team are copied from the rated chat or ticket
    at rating time, so that per-agent CSAT survives later transfers and needs no join."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="%(class)s_score_range"
            ),
        ]
        indexes = [models.Index(fields=["created_at", "agent"], name="%(class)s_period_idx")]

    def __str__(self):
        return f"{self.score}/5"


class ChatRating(Rating):
    conversation = models.OneToOneField(
        "chat.Conversation", on_delete=models.CASCADE, related_name="rating"
    )

    class Meta(Rating.Meta):
        verbose_name = _("chat rating")
        verbose_name_plural = _("chat ratings")


class TicketRating(Rating):
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="rating")

    class Meta(Rating.Meta):
        verbose_name = _("ticket rating")
        verbose_name_plural = _("ticket ratings")


class NpsResponse(models.Model):
    """An answer to "how likely are you to recommend us" (0–10), after a chat or a ticket."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "chat.Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10), name="nps_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.score}/10"
