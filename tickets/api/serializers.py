"""Input serializers validate what comes in. Output is built by ``tickets.events`` (the
same payloads the sockets carry); the output serializers here describe it for the schema,
and a test keeps the two in step."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from contacts.api.serializers import UserCardSerializer
from tickets.models import EventKind, Priority, Source, TicketState

ASSIGNEE_HELP = "A user id, `me` (mine) or `none` (unassigned)."
ORDERINGS = ("-updated_at", "updated_at", "-created_at", "created_at", "-priority", "priority")


class TicketQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=TicketState.choices, required=False, help_text="Spam is listed only when asked."
    )
    assignee = serializers.RegexField(
        r"^(\d{1,18}|me|none)$", required=False, help_text=ASSIGNEE_HELP
    )
    team = serializers.IntegerField(required=False, min_value=1)
    tag = serializers.CharField(required=False, max_length=50)
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in the title or any message."
    )
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default="-updated_at")

    def validate_assignee(self, value: str):
        return value if value in ("me", "none") else int(value)


class TicketCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    body = serializers.CharField(
        max_length=100_000, required=False, default="", allow_blank=True, trim_whitespace=False
    )
    requester = serializers.IntegerField(required=False, help_text="A contact id.")
    requester_email = serializers.EmailField(
        required=False, help_text="Or an email: its contact, created when unknown."
    )
    requester_name = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    team = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list, max_length=20
    )

    def validate(self, attrs):
        if ("requester" in attrs) == ("requester_email" in attrs):
            raise serializers.ValidationError(
                {"requester": _("Give either a contact id (requester) or requester_email.")}
            )
        return attrs


class TicketPatchSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TicketState.choices, required=False)
    title = serializers.CharField(max_length=300, required=False)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.IntegerField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=20
    )


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    attachments = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        max_length=10,
        help_text="Ids of files already on the ticket (see attachments/); they are emailed.",
    )
    ask_for_information = serializers.BooleanField(
        default=False, help_text="Set the ticket pending until the customer answers."
    )


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    attachments = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=10
    )


class UploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        max_length=10,
        help_text="One or more files (the field repeated).",
    )


class ConversationTicketSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


# --- output, for the schema --------------------------------------------------------------


class ContactCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    is_blocked = serializers.BooleanField()


class TicketAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=TicketState.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    source = serializers.ChoiceField(choices=Source.choices)
    requester = ContactCardSerializer()
    assignee = UserCardSerializer(allow_null=True)
    team = serializers.IntegerField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    conversation = serializers.IntegerField(allow_null=True, help_text="The originating chat.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    first_public_reply_at = serializers.DateTimeField(allow_null=True)
    pending_since = serializers.DateTimeField(allow_null=True)
    solved_at = serializers.DateTimeField(allow_null=True)


class TicketEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    public = serializers.BooleanField(help_text="False for internal comments.")
    actor = UserCardSerializer(allow_null=True)
    contact = serializers.IntegerField(allow_null=True, help_text="The customer who wrote.")
    body = serializers.CharField(help_text="Everything, an email's quoted history included.")
    display_body = serializers.CharField(help_text="What to show: quoted history trimmed.")
    data = serializers.DictField(help_text='Changes as {"from", "to"}; email delivery status.')
    email_message_id = serializers.CharField()
    attachments = TicketAttachmentSerializer(many=True)
    created_at = serializers.DateTimeField()
