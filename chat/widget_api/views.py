"""The widget's HTTP API, ``/api/widget/v1/`` (public, CORS, visitor token)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from chat import events
from chat.availability import widget_availability
from chat.services import presence, sessions
from chat.widget_api.config import widget_config
from chat.widget_api.serializers import SessionInputSerializer


class WidgetApiView(APIView):
    """No cookies, no CSRF: the visitor token in the body is the credential."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class SessionView(WidgetApiView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "widget_session"

    @extend_schema(request=SessionInputSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        data = SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        session = sessions.visitor_session_start(
            widget_key=data["widget"],
            token=data["visitor_token"],
            language=data["language"],
            timezone_name=data["timezone"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        if session.conversation is not None and data["page"]:
            presence.visitor_page_view(conversation=session.conversation, page=data["page"])
        availability = widget_availability(session.widget)
        conversation = session.conversation
        return Response(
            {
                "visitor_token": session.token,
                "visitor_id": str(session.visitor.pk),
                "available": availability.available,
                "config": widget_config(session.widget, availability),
                "conversation": events.visitor_conversation_payload(conversation)
                if conversation
                else None,
            }
        )
