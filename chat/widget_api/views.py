"""The widget's HTTP API, ``/api/widget/v1/`` (public, CORS, visitor token)."""

from django.http import FileResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from chat import events, selectors
from chat.availability import widget_availability
from chat.errors import ErrorCode
from chat.services import attachments, presence, sessions
from chat.widget_api.config import loader_config, widget_config, widget_language
from chat.widget_api.serializers import (
    AttachmentUploadSerializer,
    OfflineInputSerializer,
    SessionInputSerializer,
    WidgetQuerySerializer,
)
from chat.widget_api.throttling import WidgetRateThrottle
from helpdesk.errors import NotFound

VISITOR_TOKEN_HEADER = "X-Visitor-Token"


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
        if data["page"]:
            presence.visitor_page_record(visitor=session.visitor, page=data["page"])
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
                "prechat_done": bool(session.visitor.prechat),
                "prechat": session.visitor.prechat or None,
            }
        )


def _widget_query(request):
    data = WidgetQuerySerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    widget = sessions.widget_get_active(data.validated_data["widget"])
    return widget, data.validated_data["language"]


class ConfigView(WidgetApiView):
    """What ``/widget.js`` reads before drawing anything: look, target pages, labels."""

    @extend_schema(
        parameters=[
            OpenApiParameter("widget", str, required=True),
            OpenApiParameter("language", str, description="The browser's language."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        widget, language = _widget_query(request)
        response = Response(loader_config(widget, widget_language(widget, language)))
        patch_cache_control(response, public=True, max_age=60)
        return response


class AvailabilityView(WidgetApiView):
    """Polled by the offline form, so that the chat comes back with the agents (W4)."""

    @extend_schema(
        parameters=[OpenApiParameter("widget", str, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        widget, _language = _widget_query(request)
        availability = widget_availability(widget)
        response = Response({"available": availability.available, "reason": availability.reason})
        patch_cache_control(response, no_cache=True, max_age=0)
        return response


class OfflineView(WidgetApiView):
    """The offline form (W4, T2): the message becomes an open ticket."""

    throttle_classes = [WidgetRateThrottle]
    throttle_scope = "widget_offline"

    @extend_schema(request=OfflineInputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        from tickets.services import ticket_create_from_offline

        data = OfflineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        # A valid token keeps the ticket on the visitor's contact; without one, a new
        # visitor is started, as the chat would.
        session = sessions.visitor_session_start(
            widget_key=data["widget"],
            token=data["visitor_token"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        ticket = ticket_create_from_offline(
            visitor=session.visitor,
            name=data["name"].strip(),
            email=data["email"],
            message=data["message"],
        )
        return Response({"ticket": ticket.pk, "visitor_token": session.token}, status=201)


class AttachmentUploadView(WidgetApiView):
    """Multipart ``visitor_token`` + ``file`` → 201 with the attachment to reference in
    ``message.send`` (W10)."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [WidgetRateThrottle]
    throttle_scope = "widget_upload"

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visitor = sessions.visitor_from_token(data.validated_data["visitor_token"])
        attachment = attachments.attachment_upload_for_visitor(
            visitor=visitor, file=data.validated_data.get("file")
        )
        return Response(events.attachment_payload(attachment), status=201)


class AttachmentDownloadView(APIView):
    """The file, always as a download. Visitors show their token in ``X-Visitor-Token``;
    agents come with their session or API token."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter(VISITOR_TOKEN_HEADER, str, OpenApiParameter.HEADER)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk: int):
        token = request.headers.get(VISITOR_TOKEN_HEADER)
        if token:
            visitor = sessions.visitor_from_token(token)
            attachment = selectors.attachment_get_for_visitor(visitor, pk)
        elif request.user.is_authenticated:
            attachment = selectors.attachment_get_for_agent(request.user, pk)
        else:
            raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, _("No such attachment."))
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        patch_cache_control(response, private=True, max_age=3600)
        return response
