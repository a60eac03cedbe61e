"""Routes of ``/api/v1/analytics/``; included from ``helpdesk.api.urls``."""

from django.urls import path

from analytics.api import views

urlpatterns = [
    path("analytics/summary/", views.SummaryView.as_view(), name="analytics-summary"),
]
