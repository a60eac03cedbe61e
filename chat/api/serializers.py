"""Input serializers of the conversation endpoints; output comes from chat.events, the
same payloads the sockets carry."""

from rest_framework import serializers


class TitleSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000, allow_blank=True, trim_whitespace=False)
    internal = serializers.BooleanField(default=False)
    client_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=10
    )


class TransferSerializer(serializers.Serializer):
    agent = serializers.IntegerField(required=False)
    team = serializers.IntegerField(required=False)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    def validate(self, attrs):
        if ("agent" in attrs) == ("team" in attrs):
            raise serializers.ValidationError("Give either an agent or a team.")
        return attrs
