import django_filters

from chat.models import Conversation, ConversationStatus


class ConversationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ConversationStatus.choices)
    assignee = django_filters.NumberFilter(field_name="assignee_id")
    team = django_filters.NumberFilter(field_name="team_id")
    contact = django_filters.NumberFilter(field_name="contact_id")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Conversation
        fields = ["status", "assignee", "team", "contact", "created_after", "created_before"]
