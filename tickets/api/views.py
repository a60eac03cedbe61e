"""``/api/v1/tickets/…`` and ``/api/v1/conversations/{id}/ticket/``: thin shells over the
ticket services and selectors."""

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.selectors import contact_get_for_user
from helpdesk.api.pagination import CursorPagination
from tickets import events, selectors, services
from tickets.api import serializers as s
from tickets.models import Ticket

FIELD_TO_SERVICE_ARG = {"assignee": "assignee_id", "team": "team_id"}


class TicketPagination(CursorPagination):
    """Newest activity first unless ``ordering`` asks otherwise (validated by the view)."""

    def get_ordering(self, request, queryset, view):
        field = getattr(view, "list_ordering", "-updated_at")
        return (field, "-id" if field.startswith("-") else "id")


class EventPagination(CursorPagination):
    ordering = "id"


class TicketListView(generics.GenericAPIView):
    queryset = Ticket.objects.none()  # for the schema; the selector checks access
    pagination_class = TicketPagination
    filter_backends = []

    @extend_schema(
        operation_id="tickets_list",
        parameters=[s.TicketQuerySerializer],
        responses=s.TicketSerializer(many=True),
        description="Tickets the caller may see, filtered; spam only with `state=spam`.",
    )
    def get(self, request):
        query = s.TicketQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        self.list_ordering = filters.pop("ordering")
        page = self.paginate_queryset(selectors.ticket_list_for_user(request.user, **filters))
        return self.get_paginated_response([events.ticket_payload(t) for t in page])

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketSerializer})
    def post(self, request):
        selectors.ticket_access_check(request.user)
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "requester" in fields:
            fields["requester"] = contact_get_for_user(request.user, fields["requester"])
        fields["team_id"] = fields.pop("team", None)
        fields["assignee_id"] = fields.pop("assignee", None)
        ticket = services.ticket_create(actor=request.user, **fields)
        ticket = selectors.ticket_get_for_user(request.user, ticket.pk)
        return Response(events.ticket_payload(ticket), status=status.HTTP_201_CREATED)


class TicketDetailView(APIView):
    @extend_schema(responses=s.TicketSerializer)
    def get(self, request, pk):
        return Response(events.ticket_payload(selectors.ticket_get_for_user(request.user, pk)))

    @extend_schema(
        request=s.TicketPatchSerializer,
        responses={200: s.TicketSerializer, 400: OpenApiResponse(description="Refused change")},
        description="Change any of the fields at once, all or nothing. Invalid state "
        "transitions are refused with code `invalid_transition`.",
    )
    def patch(self, request, pk):
        ticket = selectors.ticket_get_for_user(request.user, pk)
        data = s.TicketPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {FIELD_TO_SERVICE_ARG.get(k, k): v for k, v in data.validated_data.items()}
        services.ticket_update(ticket=ticket, actor=request.user, **changes)
        return Response(events.ticket_payload(selectors.ticket_get_for_user(request.user, pk)))


class TicketReplyView(APIView):
    @extend_schema(
        request=s.ReplySerializer,
        responses={201: s.TicketEventSerializer},
        description="A public reply, emailed to the requester by the task worker.",
    )
    def post(self, request, pk):
        ticket = selectors.ticket_get_for_user(request.user, pk)
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.ticket_reply(
            ticket=ticket,
            actor=request.user,
            body=data.validated_data["body"],
            attachment_ids=data.validated_data["attachments"],
            ask_for_information=data.validated_data["ask_for_information"],
        )
        return Response(events.ticket_event_payload(event), status=status.HTTP_201_CREATED)


class TicketCommentView(APIView):
    @extend_schema(
        request=s.CommentSerializer,
        responses={201: s.TicketEventSerializer},
        description="An internal comment: agents only, never emailed.",
    )
    def post(self, request, pk):
        ticket = selectors.ticket_get_for_user(request.user, pk)
        data = s.CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.ticket_comment(
            ticket=ticket,
            actor=request.user,
            body=data.validated_data["body"],
            attachment_ids=data.validated_data["attachments"],
        )
        return Response(events.ticket_event_payload(event), status=status.HTTP_201_CREATED)


class TicketEventListView(generics.GenericAPIView):
    queryset = Ticket.objects.none()
    pagination_class = EventPagination
    filter_backends = []

    @extend_schema(responses=s.TicketEventSerializer(many=True), description="The timeline.")
    def get(self, request, pk):
        page = self.paginate_queryset(selectors.ticket_events_for_user(request.user, pk))
        return self.get_paginated_response([events.ticket_event_payload(e) for e in page])


class TicketAttachmentListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.TicketEventSerializer},
        description="Add files to the ticket; their ids can then go with a reply.",
    )
    def post(self, request, pk):
        ticket = selectors.ticket_get_for_user(request.user, pk)
        event = services.ticket_attach(
            ticket=ticket, actor=request.user, files=request.FILES.getlist("file")
        )
        return Response(events.ticket_event_payload(event), status=status.HTTP_201_CREATED)


class TicketAttachmentView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(description="The file")}
    )
    def get(self, request, pk, attachment_pk):
        attachment = selectors.ticket_attachment_get_for_user(request.user, pk, attachment_pk)
        # Always a download, never rendered by the browser on this origin.
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )


class ConversationTicketView(APIView):
    @extend_schema(
        request=s.ConversationTicketSerializer,
        responses={201: s.TicketSerializer},
        description="Turn a chat into a ticket carrying its transcript (409 if it has one).",
    )
    def post(self, request, pk):
        conversation = selectors.conversation_for_ticket(request.user, pk)
        data = s.ConversationTicketSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_create_from_chat(
            conversation=conversation, actor=request.user, **data.validated_data
        )
        ticket = selectors.ticket_get_for_user(request.user, ticket.pk)
        return Response(events.ticket_payload(ticket), status=status.HTTP_201_CREATED)
