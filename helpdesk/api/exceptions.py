"""One exception handler for the whole API: every error is 4xx JSON ``{"code", "detail"}``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from helpdesk.errors import DomainError


def exception_handler(exc, context):
    """Map domain errors, Django validation and integrity errors to 4xx; let DRF do the rest.

    DRF's own errors keep their field detail and gain a ``code``."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_validation_detail(exc))
    if isinstance(exc, IntegrityError):
        return Response(
            {"code": "conflict", "detail": "The change conflicts with stored data."},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body = response.data if isinstance(response.data, dict) else {"detail": response.data}
        if "code" not in body:
            body = {"code": codes if isinstance(codes, str) else "invalid", **body}
        response.data = body
    return response


def _validation_detail(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else exc.messages
