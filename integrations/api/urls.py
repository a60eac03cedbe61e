"""Routes of ``/api/v1/webhooks/``; included from ``helpdesk.api.urls``."""

from django.urls import path

from integrations.api import views

urlpatterns = [
    path("webhooks/", views.WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/events/", views.EventTypeListView.as_view(), name="webhook-events"),
    path("webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:pk>/deliveries/",
        views.DeliveryListView.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        views.RedeliverView.as_view(),
        name="webhook-redeliver",
    ),
    path("webhooks/<int:pk>/ping/", views.PingView.as_view(), name="webhook-ping"),
]
