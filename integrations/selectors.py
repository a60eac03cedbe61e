"""Reads of webhooks, with the access rule every entry point shares: supervisors and
administrators only (O2). Agents learn nothing, not even whether an id exists."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.roles import is_agent, is_supervisor
from helpdesk.errors import NotFound, PermissionDenied
from integrations.errors import ErrorCode
from integrations.models import WebhookDelivery, WebhookSubscription


def webhook_access_check(user) -> None:
    """PermissionDenied unless ``user`` is a supervisor or an administrator."""
    if not is_agent(user):
        raise PermissionDenied(ErrorCode.NOT_AN_AGENT, _("Only the help desk's staff may do this."))
    if not is_supervisor(user):
        raise PermissionDenied(
            ErrorCode.SUPERVISOR_REQUIRED, _("Only supervisors may manage webhooks.")
        )


def webhooks_for_user(user) -> QuerySet[WebhookSubscription]:
    webhook_access_check(user)
    return WebhookSubscription.objects.order_by("-id")


def _id(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def webhook_get_for_user(user, webhook_id) -> WebhookSubscription:
    webhook = webhooks_for_user(user).filter(pk=_id(webhook_id)).first()
    if webhook is None:
        raise NotFound(ErrorCode.WEBHOOK_NOT_FOUND, _("No such webhook."))
    return webhook


def webhook_deliveries_for_user(user, webhook_id, *, status=None) -> QuerySet[WebhookDelivery]:
    """The delivery log of one webhook, newest first; ``status`` narrows it."""
    webhook = webhook_get_for_user(user, webhook_id)
    deliveries = WebhookDelivery.objects.filter(subscription=webhook).order_by("-id")
    return deliveries.filter(status=status) if status else deliveries


def webhook_delivery_get_for_user(user, webhook_id, delivery_id) -> WebhookDelivery:
    delivery = (
        webhook_deliveries_for_user(user, webhook_id)
        .select_related("subscription")
        .filter(pk=_id(delivery_id))
        .first()
    )
    if delivery is None:
        raise NotFound(ErrorCode.DELIVERY_NOT_FOUND, _("No such delivery."))
    return delivery
