"""Back office for tickets: searchable read views with their timelines. Tickets change only
through the ticket services, which write the timeline: the bulk actions below call them
one ticket at a time; tags are configured here."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_agent
from helpdesk.admin_site import ReadOnlyAdminMixin, ReadOnlyInlineMixin, SelectorQuerysetMixin
from helpdesk.errors import DomainError
from tickets import services
from tickets.models import EventKind, Tag, Ticket, TicketEvent, TicketState
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
    actions = (
        "set_open",
        "set_pending",
        "set_solved",
        "assign_to_me",
        "unassign",
        "mark_spam",
        "mark_spam_and_block",
    )

    def visible_to(self, user):
        return tickets_visible_to(user)

    def has_manage_permission(self, request):
        """The actions write through the services: for agents allowed to change tickets."""
        return is_agent(request.user) and request.user.has_perm("tickets.change_ticket")

    def _apply(self, request, queryset, service, **kwargs):
        done = 0
        for ticket in queryset:
            try:
                service(ticket=ticket, actor=request.user, **kwargs)
            except DomainError as error:
                self.message_user(request, f"{ticket}: {error.detail}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    def _set_state(self, request, queryset, state):
        self._apply(request, queryset, services.ticket_set_state, state=state)

    @admin.action(description=_("Set selected tickets open"), permissions=["manage"])
    def set_open(self, request, queryset):
        self._set_state(request, queryset, TicketState.OPEN)

    @admin.action(description=_("Set selected tickets pending"), permissions=["manage"])
    def set_pending(self, request, queryset):
        self._set_state(request, queryset, TicketState.PENDING)

    @admin.action(description=_("Set selected tickets solved"), permissions=["manage"])
    def set_solved(self, request, queryset):
        self._set_state(request, queryset, TicketState.SOLVED)

    @admin.action(description=_("Assign selected tickets to me"), permissions=["manage"])
    def assign_to_me(self, request, queryset):
        self._apply(request, queryset, services.ticket_assign, assignee_id=request.user.pk)

    @admin.action(description=_("Unassign selected tickets"), permissions=["manage"])
    def unassign(self, request, queryset):
        self._apply(request, queryset, services.ticket_assign, assignee_id=None)

    @admin.action(description=_("Mark selected tickets as spam"), permissions=["manage"])
    def mark_spam(self, request, queryset):
        self._apply(request, queryset, services.ticket_mark_spam)

    @admin.action(
        description=_("Mark selected tickets as spam and block their requesters"),
        permissions=["manage"],
    )
    def mark_spam_and_block(self, request, queryset):
        self._apply(request, queryset, services.ticket_mark_spam, block_requester=True)


@admin.register(TicketEvent)
class TicketEventAdmin(SelectorQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every change to every ticket (O3), searchable across tickets."""

    list_display = ("created_at", "ticket", "kind", "actor", "contact")
    list_filter = ("kind", "created_at")
    list_select_related = ("ticket", "actor", "contact")
    search_fields = ("body", "=ticket__id", "ticket__title")
    date_hierarchy = "created_at"
    show_full_result_count = False

    actions = ("send_email_again",)

    def visible_to(self, user):
        return TicketEvent.objects.filter(ticket__in=tickets_visible_to(user))

    def has_manage_permission(self, request):
        return is_agent(request.user) and request.user.has_perm("tickets.change_ticket")

    @admin.action(description=_("Send the email of selected replies again"), permissions=["manage"])
    def send_email_again(self, request, queryset):
        sent = 0
        for event in queryset.filter(kind=EventKind.REPLY):
            try:
                services.ticket_reply_email_retry(event=event)
            except DomainError as error:
                self.message_user(request, f"{event}: {error.detail}", messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d email queued.", "%(count)d emails queued.", sent)
                % {"count": sent},
                messages.SUCCESS,
            )
