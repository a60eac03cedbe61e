"""``/api/v1/analytics/summary/`` (N1–N3, N5): a thin view over ``analytics.selectors``."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import selectors
from analytics.api.serializers import SummaryQuerySerializer, SummarySerializer


class SummaryView(APIView):
    @extend_schema(
        parameters=[SummaryQuerySerializer],
        responses=SummarySerializer,
        description=(
            "CSAT, NPS, first response times, chats and tickets over a period. Supervisors "
            "see anyone's figures; an agent sees their own only."
        ),
    )
    def get(self, request):
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = selectors.summary_scope_for_user(
            request.user,
            since=data.get("since"),
            until=data.get("until"),
            team_id=data.get("team"),
            agent_id=data.get("agent"),
        )
        return Response(SummarySerializer(selectors.analytics_summary(scope)).data)
