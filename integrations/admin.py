"""Back office for outbound webhooks: subscriptions, and the read-only log of deliveries."""

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.admin_site import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services import webhook_delivery_redeliver

RECENT_DELIVERIES = 50


class RecentDeliveriesFormSet(BaseInlineFormSet):
    def get_queryset(self):
        # A busy endpoint has thousands of deliveries; the page shows the latest only.
        if not hasattr(self, "_recent"):
            self._recent = super().get_queryset()[:RECENT_DELIVERIES]
        return self._recent


class WebhookDeliveryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = WebhookDelivery
    formset = RecentDeliveriesFormSet
    fields = ("created_at", "event", "status", "attempts", "response_status", "delivered_at")
    ordering = ("-created_at", "-id")
    verbose_name_plural = _("latest deliveries")
    show_change_link = True


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "is_active", "event_list", "created_by", "created_at")
    list_filter = ("is_active", "created_at")
    list_select_related = ("created_by",)
    search_fields = ("url",)
    date_hierarchy = "created_at"
    fields = ("url", "events", "is_active", "secret", "created_by", "created_at", "all_deliveries")
    readonly_fields = ("secret", "created_by", "created_at", "all_deliveries")
    inlines = (WebhookDeliveryInline,)

    def get_fields(self, request, obj=None):
        # The secret is generated on save: one shown on the add page would not be the one kept.
        return self.fields if obj is not None else ("url", "events", "is_active")

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    @admin.display(description=_("events"))
    def event_list(self, obj):
        return ", ".join(obj.events) if obj.events else _("All events")

    @admin.display(description=_("delivery log"))
    def all_deliveries(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:integrations_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?subscription__id__exact={}">{}</a>', url, obj.pk, _("Every delivery")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "event",
        "subscription",
        "status",
        "attempts",
        "response_status",
        "delivered_at",
    )
    list_filter = ("status", "event", "subscription", "created_at")
    list_select_related = ("subscription",)
    search_fields = ("event", "subscription__url", "error")
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ("redeliver",)

    def has_redeliver_permission(self, request):
        return request.user.has_perm("integrations.change_webhooksubscription")

    @admin.action(permissions=["redeliver"], description=_("Send again"))
    def redeliver(self, request, queryset):
        count = 0
        for delivery in queryset.select_related("subscription"):
            webhook_delivery_redeliver(delivery=delivery)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
