"""Input serializers validate what comes in; output serializers shape what goes out."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chat.events import agent_card
from contacts.models import Contact, ContactNote


class UserCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def user_card(user) -> dict | None:
    return {"id": user.pk, "name": agent_card(user)["name"]} if user is not None else None


class ContactSerializer(serializers.ModelSerializer):
    visitors = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the browsers the contact wrote from."
    )
    blocked_by = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "email",
            "phone",
            "company",
            "language",
            "attributes",
            "visitors",
            "first_seen_at",
            "last_seen_at",
            "is_blocked",
            "blocked_reason",
            "blocked_by",
            "blocked_at",
        ]
        read_only_fields = fields

    @extend_schema_field(UserCardSerializer(allow_null=True))
    def get_blocked_by(self, obj: Contact):
        return user_card(obj.blocked_by)


class ContactInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    email = serializers.EmailField(max_length=254, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=50, allow_blank=True, required=False)
    company = serializers.CharField(max_length=200, allow_blank=True, required=False)
    language = serializers.CharField(max_length=16, allow_blank=True, required=False)
    attributes = serializers.DictField(
        required=False, help_text="Custom attributes (a JSON object)."
    )


class BlockSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class NoteInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = ContactNote
        fields = ["id", "contact", "body", "author", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(UserCardSerializer(allow_null=True))
    def get_author(self, obj: ContactNote):
        return user_card(obj.author)
