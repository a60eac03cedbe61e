"""Routes of ``/api/v1/canned-responses/``; included from ``helpdesk.api.urls``."""

from django.urls import path

from chat.api import canned_responses as views

urlpatterns = [
    path(
        "canned-responses/",
        views.CannedResponseListView.as_view(),
        name="canned-response-list",
    ),
    path(
        "canned-responses/<int:pk>/",
        views.CannedResponseDetailView.as_view(),
        name="canned-response-detail",
    ),
]
