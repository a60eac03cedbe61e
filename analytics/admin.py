"""Back office for what customers said: ratings and NPS answers, read-only. Supervisors see
them all; an agent sees only the ratings of their own chats and tickets."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_supervisor
from analytics.models import POSITIVE_RATING, ChatRating, NpsResponse, TicketRating
from helpdesk.admin_site import ReadOnlyAdminMixin


class RatingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_filter = ("score", "team", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("comment", "agent__username")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_supervisor(request.user):
            return queryset
        return queryset.filter(agent=request.user)

    @admin.display(boolean=True, description=_("satisfied"), ordering="score")
    def satisfied(self, obj):
        return obj.score >= POSITIVE_RATING


@admin.register(ChatRating)
class ChatRatingAdmin(RatingAdmin):
    list_display = ("created_at", "score", "satisfied", "conversation", "agent", "team", "comment")
    list_select_related = ("conversation", "agent", "team")


@admin.register(TicketRating)
class TicketRatingAdmin(RatingAdmin):
    list_display = ("created_at", "score", "satisfied", "ticket", "agent", "team", "comment")
    list_select_related = ("ticket", "agent", "team")


class NpsCategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return (
            ("promoter", _("Promoters (9–10)")),
            ("passive", _("Passives (7–8)")),
            ("detractor", _("Detractors (0–6)")),
        )

    def queryset(self, request, queryset):
        ranges = {"promoter": (9, 10), "passive": (7, 8), "detractor": (0, 6)}
        if self.value() in ranges:
            return queryset.filter(score__range=ranges[self.value()])
        return queryset


@admin.register(NpsResponse)
class NpsResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "score", "contact", "team", "conversation", "ticket", "comment")
    list_filter = (NpsCategoryFilter, "team", "created_at")
    list_select_related = ("contact", "team", "conversation", "ticket")
    search_fields = ("comment", "contact__name", "contact__email")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_supervisor(request.user) else queryset.none()
