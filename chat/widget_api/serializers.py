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
