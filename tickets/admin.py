"""Back office for tickets: searchable read views with their timelines. Tickets change only
through the ticket services, which write the timeline; tags are configured here."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_site import ReadOnlyAdminMixin, ReadOnlyInlineMixin, SelectorQuerysetMixin
from tickets.models import Tag, Ticket, TicketEvent
from tickets.selectors import tickets_visible_to


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "ticket_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_tickets=Count("tickets"))

    @admin.display(description=_("tickets"), ordering="_tickets")
    def ticket_count(self, obj):
        return obj._tickets


class TicketEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The ticket's timeline (T8), oldest first."""

    model = TicketEvent
    fields = ("created_at", "kind", "actor", "contact", "body", "data")
    ordering = ("created_at", "id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "contact")


@admin.register(Ticket)
class TicketAdmin(SelectorQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "state",
        "priority",
        "requester",
        "assignee",
        "team",
        "source",
        "created_at",
        "updated_at",
    )
    list_display_links = ("id", "title")
    list_filter = ("state", "priority", "source", "team", "tags", "created_at")
    list_select_related = ("requester", "assignee", "team")
    search_fields = ("=id", "title", "requester__name", "requester__email")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "state",
                    "priority",
                    "requester",
                    "assignee",
                    "team",
                    "tags",
                    "source",
                    "conversation",
                )
            },
        ),
        (
            _("Times"),
            {
                "fields": (
                    "created_at",
                    "updated_at",
                    "first_public_reply_at",
                    "pending_since",
                    "solved_at",
                )
            },
        ),
    )
    inlines = (TicketEventInline,)

    def visible_to(self, user):
        return tickets_visible_to(user)


@admin.register(TicketEvent)
class TicketEventAdmin(SelectorQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every change to every ticket (O3), searchable across tickets."""

    list_display = ("created_at", "ticket", "kind", "actor", "contact")
    list_filter = ("kind", "created_at")
    list_select_related = ("ticket", "actor", "contact")
    search_fields = ("body", "=ticket__id", "ticket__title")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def visible_to(self, user):
        return TicketEvent.objects.filter(ticket__in=tickets_visible_to(user))
