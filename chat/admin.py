"""Back office for chats: widgets and canned responses are configured here; chats, messages
and attachments are only read (the chat services write them)."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_supervisor
from chat.models import OPEN_STATUSES, Attachment, CannedResponse, Conversation, Message, Widget
from chat.selectors import conversations_visible_to
from chat.services.conversations import conversation_close
from helpdesk.admin_site import ReadOnlyAdminMixin, ReadOnlyInlineMixin, SelectorQuerysetMixin
from helpdesk.errors import DomainError


@admin.register(Widget)
class WidgetAdmin(admin.ModelAdmin):
    list_display = ("name", "public_key", "team", "is_active", "language", "prechat_mode")
    list_filter = ("is_active", "team", "language", "prechat_mode")
    list_select_related = ("team",)
    search_fields = ("name", "public_key", "title")
    autocomplete_fields = ("team",)
    fieldsets = (
        (None, {"fields": ("name", "public_key", "team", "is_active")}),
        (_("Look"), {"fields": ("title", "color", "position", "language", "welcome_message")}),
        (_("Pre-chat form"), {"fields": ("prechat_mode", "prechat_fields")}),
        (_("Where it shows"), {"fields": ("target_patterns", "allowed_origins")}),
        (_("Queue and typing"), {"fields": ("max_queue_length", "max_wait_s", "sneak_peek")}),
    )


class MessageInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The chat as written, internal notes included, oldest first."""

    model = Message
    fields = ("id", "author_type", "author", "body", "internal", "created_at")
    ordering = ("id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class AttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Attachment
    fields = ("name", "file", "content_type", "size", "uploaded_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(Conversation)
class ConversationAdmin(SelectorQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Chats, searchable and readable with their messages; scoped like the API."""

    list_display = (
        "id",
        "__str__",
        "contact",
        "widget",
        "team",
        "assignee",
        "status",
        "message_count",
        "missed",
        "created_at",
        "closed_at",
    )
    list_display_links = ("id", "__str__")
    list_filter = ("status", "missed", "team", "widget", "created_at")
    list_select_related = ("contact", "widget", "team", "assignee")
    search_fields = ("=id", "title", "contact__name", "contact__email")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("title", "status", "contact", "visitor", "widget", "team", "assignee")}),
        (
            _("Times"),
            {
                "fields": (
                    "created_at",
                    "queued_at",
                    "assigned_at",
                    "first_response_at",
                    "closed_at",
                    "missed",
                )
            },
        ),
        (_("Visitor details"), {"fields": ("page", "metadata"), "classes": ("collapse",)}),
    )
    inlines = (MessageInline, AttachmentInline)
    actions = ("close_conversations",)

    def visible_to(self, user):
        return conversations_visible_to(user).annotate(_messages=Count("messages"))

    @admin.display(description=_("messages"), ordering="_messages")
    def message_count(self, obj):
        return obj._messages

    def has_close_permission(self, request):
        return is_supervisor(request.user)

    @admin.action(
        description=_("Close this chat"),
        description_plural=_("Close selected chats"),
        permissions=["close"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def close_conversations(self, request, queryset):
        closed = 0
        for conversation in queryset.filter(status__in=OPEN_STATUSES):
            try:
                conversation_close(conversation=conversation, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{conversation}: {error.detail}", messages.WARNING)
            else:
                closed += 1
        self.message_user(
            request,
            ngettext("%(count)d chat closed.", "%(count)d chats closed.", closed)
            % {"count": closed},
            messages.SUCCESS,
        )


@admin.register(Message)
class MessageAdmin(SelectorQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "conversation",
        "author_type",
        "author",
        "__str__",
        "internal",
        "created_at",
    )
    list_filter = ("author_type", "internal", "created_at")
    list_select_related = ("conversation", "author")
    search_fields = ("body", "=conversation__id")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def visible_to(self, user):
        return Message.objects.filter(conversation__in=conversations_visible_to(user))


@admin.register(Attachment)
class AttachmentAdmin(SelectorQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "content_type", "size", "conversation", "uploaded_by", "created_at")
    list_filter = ("content_type", "created_at")
    list_select_related = ("conversation", "uploaded_by")
    search_fields = ("name", "=conversation__id")
    date_hierarchy = "created_at"

    def visible_to(self, user):
        queryset = Attachment.objects.all()
        if is_supervisor(user):
            return queryset
        # Ticket attachments have no chat; they are read with their ticket.
        return queryset.filter(conversation__in=conversations_visible_to(user))


class OwnershipFilter(admin.SimpleListFilter):
    title = _("shared or personal")
    parameter_name = "ownership"

    def lookups(self, request, model_admin):
        return (("shared", _("Shared")), ("mine", _("Mine")), ("personal", _("Personal")))

    def queryset(self, request, queryset):
        if self.value() == "shared":
            return queryset.filter(owner__isnull=True)
        if self.value() == "mine":
            return queryset.filter(owner=request.user)
        if self.value() == "personal":
            return queryset.filter(owner__isnull=False)
        return queryset


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    """Supervisors manage every saved answer. Agents see the shared ones and their own,
    and add, change and delete only their own."""

    list_display = ("shortcut", "title", "language", "owner", "team", "updated_at")
    list_filter = (OwnershipFilter, "language", "team")
    list_select_related = ("owner", "team")
    search_fields = ("shortcut", "title", "body")
    autocomplete_fields = ("owner", "team")
    fields = ("shortcut", "title", "body", "language", "owner", "team")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_supervisor(request.user):
            return queryset
        return queryset.filter(Q(owner__isnull=True) | Q(owner=request.user))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        owner = form.base_fields.get("owner")
        if owner is not None and not is_supervisor(request.user):
            # Still a form field, so the per-owner unique shortcut is validated.
            owner.disabled = True
            owner.initial = request.user.pk
        return form

    def _may_write(self, request, obj) -> bool:
        return obj is None or is_supervisor(request.user) or obj.owner_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def save_model(self, request, obj, form, change):
        if not change and not is_supervisor(request.user):
            obj.owner = request.user
        super().save_model(request, obj, form, change)
