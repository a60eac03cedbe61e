"""Shapes of ``/api/v1/webhooks/…``. Input serializers check types only; the services
validate URLs and event types (the same rules for every entry point)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from integrations.catalogue import CATALOGUE
from integrations.models import WebhookDelivery, WebhookSubscription


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=1000, help_text=_("Where deliveries are POSTed: an http:// or https:// URL.")
    )
    events = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=len(CATALOGUE),
        help_text=_("Event types to receive; empty: every event."),
    )
    is_active = serializers.BooleanField(required=False)


class WebhookUpdateSerializer(WebhookInputSerializer):
    rotate_secret = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Replace the signing secret; the response shows the new one, once."),
    )


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Empty: every event.")
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "is_active", "created_by", "created_at"]
        read_only_fields = fields


class WebhookWithSecretSerializer(WebhookSerializer):
    """Only in the answer to a creation or a rotation: the secret is not shown again."""

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    webhook = serializers.IntegerField(source="subscription_id", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook",
            "event",
            "status",
            "attempts",
            "response_status",
            "error",
            "created_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields


class DeliveryFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, required=False)


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    description = serializers.CharField()
