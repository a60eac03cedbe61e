"""``/api/v1/webhooks/…`` (I2): thin views over ``integrations.services`` and
``integrations.selectors``, which hold every rule (supervisors and administrators only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.pagination import CursorPagination
from integrations import selectors, services
from integrations.api.serializers import (
    DeliveryFilterSerializer,
    DeliverySerializer,
    EventTypeSerializer,
    WebhookInputSerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
    WebhookWithSecretSerializer,
)
from integrations.catalogue import CATALOGUE
from integrations.models import WebhookDelivery, WebhookSubscription


class WebhookListView(generics.ListAPIView):
    queryset = WebhookSubscription.objects.none()  # for the schema; get_queryset checks access
    serializer_class = WebhookSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.webhooks_for_user(self.request.user)

    @extend_schema(request=WebhookInputSerializer, responses={201: WebhookWithSecretSerializer})
    def post(self, request):
        selectors.webhook_access_check(request.user)
        data = WebhookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        webhook = services.webhook_create(actor=request.user, **data.validated_data)
        return Response(WebhookWithSecretSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    serializer_class = WebhookSerializer

    def get(self, request, pk):
        return Response(WebhookSerializer(selectors.webhook_get_for_user(request.user, pk)).data)

    @extend_schema(
        request=WebhookUpdateSerializer,
        responses=WebhookSerializer,
        description="The answer carries `secret` only when `rotate_secret` was true.",
    )
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    @extend_schema(
        request=WebhookUpdateSerializer,
        responses=WebhookSerializer,
        description="Replaces the subscription: omitted `events` means every event.",
    )
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.webhook_delete(webhook=selectors.webhook_get_for_user(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, pk, *, partial: bool):
        webhook = selectors.webhook_get_for_user(request.user, pk)
        data = WebhookUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = data.validated_data if partial else {"events": [], **data.validated_data}
        webhook = services.webhook_update(webhook=webhook, **fields)
        rotated = data.validated_data.get("rotate_secret", False)
        output = WebhookWithSecretSerializer if rotated else WebhookSerializer
        return Response(output(webhook).data)


class DeliveryPagination(CursorPagination):
    ordering = "-id"


class DeliveryListView(generics.ListAPIView):
    queryset = WebhookDelivery.objects.none()  # for the schema; get_queryset checks access
    serializer_class = DeliverySerializer
    pagination_class = DeliveryPagination
    filter_backends = []

    def get_queryset(self):
        query = DeliveryFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.webhook_deliveries_for_user(
            self.request.user, self.kwargs["pk"], status=query.validated_data.get("status")
        )

    @extend_schema(parameters=[DeliveryFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RedeliverView(APIView):
    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request, pk, delivery_pk):
        delivery = selectors.webhook_delivery_get_for_user(request.user, pk, delivery_pk)
        delivery = services.webhook_delivery_redeliver(delivery=delivery)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class PingView(APIView):
    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request, pk):
        webhook = selectors.webhook_get_for_user(request.user, pk)
        delivery = services.webhook_ping(webhook=webhook)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class EventTypeListView(APIView):
    @extend_schema(responses=EventTypeSerializer(many=True))
    def get(self, request):
        selectors.webhook_access_check(request.user)
        types = [{"type": e.name, "description": str(e.description)} for e in CATALOGUE.values()]
        return Response(EventTypeSerializer(types, many=True).data)
