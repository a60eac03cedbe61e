"""The visitor a token names, read with one hand-written statement on every handshake,
is exactly what the ORM reads: every field of the visitor, its contact, its widget and
the widget's team, with their types."""

import pytest
from django.utils import timezone

from chat.services import sessions
from contacts.models import Visitor

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_visitor_from_token_reads_what_the_orm_reads(start_session, django_assert_num_queries):
    session = start_session()
    Visitor.objects.filter(pk=session.visitor.pk).update(
        prechat={"name": "Ann", "fields": {"order": "42"}},
        page={"url": "https://shop.example/cart", "title": "Cart"},
        visit_started_at=timezone.now(),
        language="fr-CA",
    )
    expected = Visitor.objects.select_related("contact", "widget__team").get(pk=session.visitor.pk)

    with django_assert_num_queries(1):
        visitor = sessions.visitor_from_token(session.token)
        related = (visitor.contact, visitor.widget, visitor.widget.team)

    assert fields(visitor) == fields(expected)
    assert [fields(r) for r in related] == [
        fields(expected.contact),
        fields(expected.widget),
        fields(expected.widget.team),
    ]
    assert visitor.prechat["fields"] == {"order": "42"}
    assert visitor.visit_started_at.tzinfo is not None


def test_a_token_for_a_deleted_visitor_is_refused(start_session):
    session = start_session()
    session.visitor.delete()

    with pytest.raises(sessions.visitor_tokens.InvalidToken):
        sessions.visitor_from_token(session.token)
