"""Shapes of ``/api/v1/analytics/summary/``."""

import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets.models import TicketState

# "+02:00" in a query string arrives as " 02:00" when the client did not encode the "+".
_UNENCODED_PLUS = re.compile(r" (\d{2}(?::?\d{2})?)$")


@extend_schema_field(OpenApiTypes.STR)
class PeriodBoundField(serializers.Field):
    """An ISO 8601 date or date-time. A date means the start of that day, or, for the end
    of a period (``end=True``), the start of the next day, so that the day is included.
    Times without an offset are in the server's time zone."""

    default_error_messages = {
        "invalid": _("Enter an ISO 8601 date (2026-01-31) or date-time (2026-01-31T18:00Z)."),
    }

    def __init__(self, *, end: bool = False, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> datetime:
        if not isinstance(data, str):
            self.fail("invalid")
        text = _UNENCODED_PLUS.sub(r"+\1", data.strip())
        try:
            day = parse_date(text)
            moment = None if day else parse_datetime(text)
        except ValueError:
            self.fail("invalid")
        if day is not None:
            moment = datetime.combine(day + timedelta(days=1 if self.end else 0), time.min)
        if moment is None:
            self.fail("invalid")
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def to_representation(self, value):
        return value.isoformat()


class SummaryQuerySerializer(serializers.Serializer):
    since = PeriodBoundField(
        required=False, help_text=_("Start of the period (included); default: 30 days ago.")
    )
    until = PeriodBoundField(
        end=True,
        required=False,
        help_text=_("End of the period (excluded; a date includes that day); default: now."),
    )
    team = serializers.IntegerField(required=False, min_value=1, help_text=_("A team's id."))
    agent = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("An agent's user id. Agents may only ask for themselves (the default)."),
    )


class PeriodSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()


class FiltersSerializer(serializers.Serializer):
    team = serializers.IntegerField(allow_null=True)
    agent = serializers.IntegerField(allow_null=True)


class CsatSerializer(serializers.Serializer):
    score = serializers.FloatField(
        allow_null=True, help_text=_("Percent of ratings of 4 or 5 out of 5; null without any.")
    )
    ratings = serializers.IntegerField(help_text=_("Chat and ticket ratings."))
    positive = serializers.IntegerField()


class NpsSerializer(serializers.Serializer):
    score = serializers.FloatField(
        allow_null=True, help_text=_("Percent of promoters minus percent of detractors.")
    )
    responses = serializers.IntegerField()
    promoters = serializers.IntegerField(help_text=_("Answers of 9 or 10."))
    passives = serializers.IntegerField(help_text=_("Answers of 7 or 8."))
    detractors = serializers.IntegerField(help_text=_("Answers of 0 to 6."))


class ResponseTimeSerializer(serializers.Serializer):
    median_s = serializers.FloatField(allow_null=True)
    p90_s = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField(help_text=_("Answered chats or tickets measured."))


class FirstResponseTimeSerializer(serializers.Serializer):
    chat = ResponseTimeSerializer()
    ticket = ResponseTimeSerializer()


class ChatCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    missed = serializers.IntegerField()
    answered = serializers.IntegerField()


class TicketStatesSerializer(serializers.Serializer):
    def get_fields(self):
        return {state: serializers.IntegerField() for state in TicketState.values}


class TicketCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    by_state = TicketStatesSerializer()


class SummarySerializer(serializers.Serializer):
    period = PeriodSerializer()
    filters = FiltersSerializer()
    csat = CsatSerializer()
    nps = NpsSerializer()
    first_response_time = FirstResponseTimeSerializer()
    chats = ChatCountsSerializer()
    tickets = TicketCountsSerializer()
