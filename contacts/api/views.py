"""``/api/v1/contacts/…``: thin shells over contact services and selectors."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts import selectors, services
from contacts.api.filters import ContactFilter
from contacts.api.serializers import (
    BlockSerializer,
    ContactInputSerializer,
    ContactSerializer,
    NoteInputSerializer,
    NoteSerializer,
)
from contacts.export import contact_export
from contacts.models import Contact
from helpdesk.api.pagination import CursorPagination


class ContactPagination(CursorPagination):
    ordering = ("-last_seen_at", "-id")


class NotePagination(CursorPagination):
    ordering = ("-created_at", "-id")


class ContactListView(generics.ListAPIView):
    queryset = Contact.objects.none()  # for the schema; get_queryset checks access
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    pagination_class = ContactPagination

    def get_queryset(self):
        return selectors.contacts_for_user(self.request.user)

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    def post(self, request):
        selectors.contact_access_check(request.user)
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_create(**data.validated_data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailView(APIView):
    serializer_class = ContactSerializer

    def get(self, request, pk):
        return Response(ContactSerializer(selectors.contact_get_for_user(request.user, pk)).data)

    @extend_schema(request=ContactInputSerializer, responses=ContactSerializer)
    def patch(self, request, pk):
        contact = selectors.contact_get_for_user(request.user, pk)
        data = ContactInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        contact = services.contact_update(contact=contact, **data.validated_data)
        return Response(ContactSerializer(contact).data)

    @extend_schema(
        responses={204: None},
        description="Erase the contact's personal data (supervisors only); counts are kept.",
    )
    def delete(self, request, pk):
        contact = selectors.contact_get_for_supervisor(request.user, pk)
        services.contact_erase(contact=contact, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactBlockView(APIView):
    service = staticmethod(services.contact_block)

    @extend_schema(request=BlockSerializer, responses=ContactSerializer)
    def post(self, request, pk):
        contact = selectors.contact_get_for_user(request.user, pk)
        data = BlockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = self.service(
            contact=contact, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(ContactSerializer(contact).data)


class ContactUnblockView(ContactBlockView):
    service = staticmethod(services.contact_unblock)


class ContactNoteListView(generics.ListAPIView):
    serializer_class = NoteSerializer
    pagination_class = NotePagination
    filterset_class = None
    filter_backends = []

    def get_queryset(self):
        return selectors.contact_notes_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=NoteInputSerializer, responses={201: NoteSerializer})
    def post(self, request, pk):
        contact = selectors.contact_get_for_user(request.user, pk)
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.contact_note_add(
            contact=contact, author=request.user, body=data.validated_data["body"]
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class ContactExportView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="Everything stored about the contact, as one JSON document (supervisors only).",
    )
    def get(self, request, pk):
        contact = selectors.contact_get_for_supervisor(request.user, pk)
        response = Response(contact_export(contact))
        response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
        return response
