"""``/api/v1/conversations/…``: thin shells over chat services and selectors."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import events
from chat.api.filters import ConversationFilter
from chat.api.serializers import MessageInputSerializer, TitleSerializer, TransferSerializer
from chat.selectors import conversation_get_for_agent, conversations_visible_to
from chat.services import conversations, messages
from helpdesk.api.pagination import CursorPagination


class PayloadListView(generics.ListAPIView):
    """A paginated list rendered with a chat.events payload builder."""

    payload = staticmethod(events.conversation_payload)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([self.payload(item) for item in page])


class ConversationListView(PayloadListView):
    filter_backends = [DjangoFilterBackend]
    filterset_class = ConversationFilter

    def get_queryset(self):
        return conversations_visible_to(self.request.user).select_related("contact")

    @extend_schema(operation_id="conversations_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ConversationDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return Response(events.conversation_payload(conversation_get_for_agent(request.user, pk)))

    @extend_schema(request=TitleSerializer, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request, pk):
        conversation = conversation_get_for_agent(request.user, pk)
        data = TitleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = conversations.conversation_set_title(
            conversation=conversation, title=data.validated_data["title"]
        )
        return Response(events.conversation_payload(conversation))


class MessagePagination(CursorPagination):
    ordering = "id"


class MessageListView(PayloadListView):
    pagination_class = MessagePagination
    payload = staticmethod(events.message_payload)

    def get_queryset(self):
        conversation = conversation_get_for_agent(self.request.user, self.kwargs["pk"])
        return conversation.messages.select_related(
            "conversation__contact", "author__agent_profile"
        ).prefetch_related("attachments")

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=MessageInputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        conversation = conversation_get_for_agent(request.user, pk)
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message, created = messages.agent_message_send(
            agent=request.user,
            conversation=conversation,
            client_id=data.validated_data["client_id"],
            body=data.validated_data["body"],
            internal=data.validated_data["internal"],
            attachment_ids=data.validated_data["attachments"],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(events.message_payload(message), status=code)


class TransferView(APIView):
    @extend_schema(request=TransferSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        conversation = conversation_get_for_agent(request.user, pk)
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = conversations.conversation_transfer(
            conversation=conversation,
            actor=request.user,
            agent_id=data.validated_data.get("agent"),
            team_id=data.validated_data.get("team"),
            note=data.validated_data["note"],
        )
        return Response(events.conversation_payload(conversation))


class CloseView(APIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        conversation = conversation_get_for_agent(request.user, pk)
        conversation = conversations.conversation_close(
            conversation=conversation, actor=request.user
        )
        return Response(events.conversation_payload(conversation))
