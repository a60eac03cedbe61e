"""Input of the widget's HTTP API."""

from rest_framework import serializers


class PageSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    title = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    referrer = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class SessionInputSerializer(serializers.Serializer):
    widget = serializers.CharField(max_length=64)
    visitor_token = serializers.CharField(
        max_length=2000, required=False, allow_null=True, allow_blank=True, default=None
    )
    page = PageSerializer(required=False, allow_null=True, default=None)
    language = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class WidgetQuerySerializer(serializers.Serializer):
    widget = serializers.CharField(max_length=64)
    language = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class OfflineInputSerializer(serializers.Serializer):
    """The offline form (W4): name, email and message become a ticket."""

    widget = serializers.CharField(max_length=64)
    visitor_token = serializers.CharField(
        max_length=2000, required=False, allow_null=True, allow_blank=True, default=None
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254)
    message = serializers.CharField(max_length=10_000)


class AttachmentUploadSerializer(serializers.Serializer):
    """``file`` is checked by the service (size, type, content), not here, so that every
    refusal carries one of its codes."""

    visitor_token = serializers.CharField(max_length=2000)
    file = serializers.FileField(required=False, allow_empty_file=True, max_length=1000)
