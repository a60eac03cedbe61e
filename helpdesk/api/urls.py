"""The integrators' REST API, ``/api/v1/``: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("chat.api.urls")),
    path("", include("chat.api.canned_urls")),
    path("", include("contacts.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("analytics.api.urls")),
]
