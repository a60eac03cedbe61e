"""``/api/v1/canned-responses/…`` (B1): serializers, filters and thin views over
``chat.canned``, which holds every access rule."""

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import canned
from chat.models import CannedResponse
from helpdesk.api.pagination import CursorPagination


class CannedResponseInputSerializer(serializers.Serializer):
    shortcut = serializers.CharField(max_length=51, help_text="A slug; a leading # is dropped.")
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10_000)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    shared = serializers.BooleanField(
        required=False, help_text="Shared with every agent (supervisors only)."
    )
    team = serializers.IntegerField(
        required=False, allow_null=True, help_text="Limits a shared response to a team."
    )

    def validate_shortcut(self, value: str) -> str:
        value = value.strip().removeprefix("#")
        try:
            validate_slug(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                "Use letters, digits, hyphens and underscores only.", code="invalid_shortcut"
            ) from error
        if len(value) > 50:
            raise serializers.ValidationError("At most 50 characters.", code="max_length")
        return value

    def service_fields(self) -> dict:
        """The validated data named as the services name it."""
        data = dict(self.validated_data)
        if "team" in data:
            data["team_id"] = data.pop("team")
        return data


class CannedResponseSerializer(serializers.ModelSerializer):
    shared = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField(help_text="Whether the caller may change it.")

    class Meta:
        model = CannedResponse
        fields = [
            "id",
            "shortcut",
            "title",
            "body",
            "language",
            "shared",
            "owner",
            "team",
            "editable",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_shared(self, obj: CannedResponse) -> bool:
        return obj.owner_id is None

    def get_editable(self, obj: CannedResponse) -> bool:
        user = self.context["request"].user
        return canned.canned_response_may_edit(user, obj)


class CannedResponseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Text in the shortcut or title")
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES)
    shared = django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull")

    class Meta:
        model = CannedResponse
        fields = ["q", "language", "shared"]

    def search(self, queryset, name, value):
        return canned.canned_responses_search(queryset, value)


class CannedResponsePagination(CursorPagination):
    ordering = ("shortcut", "language", "id")


class CannedResponseListView(generics.ListAPIView):
    queryset = CannedResponse.objects.none()  # for the schema; get_queryset checks access
    serializer_class = CannedResponseSerializer
    filterset_class = CannedResponseFilter
    pagination_class = CannedResponsePagination

    def get_queryset(self):
        return canned.canned_responses_for_user(self.request.user)

    @extend_schema(request=CannedResponseInputSerializer, responses={201: CannedResponseSerializer})
    def post(self, request):
        data = CannedResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = canned.canned_response_create(actor=request.user, **data.service_fields())
        output = CannedResponseSerializer(created, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class CannedResponseDetailView(APIView):
    serializer_class = CannedResponseSerializer

    def get(self, request, pk):
        found = canned.canned_response_get_for_user(request.user, pk)
        return Response(CannedResponseSerializer(found, context={"request": request}).data)

    @extend_schema(request=CannedResponseInputSerializer, responses=CannedResponseSerializer)
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(request=CannedResponseInputSerializer, responses=CannedResponseSerializer)
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        found = canned.canned_response_get_for_user(request.user, pk)
        canned.canned_response_delete(canned=found, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, pk, *, partial: bool):
        found = canned.canned_response_get_for_user(request.user, pk)
        data = CannedResponseInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        updated = canned.canned_response_update(
            canned=found, actor=request.user, **data.service_fields()
        )
        return Response(CannedResponseSerializer(updated, context={"request": request}).data)
