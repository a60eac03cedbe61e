from django.urls import path

from chat.widget_api import views

urlpatterns = [
    path("session", views.SessionView.as_view(), name="widget-session"),
    path("config", views.ConfigView.as_view(), name="widget-config"),
    path("availability", views.AvailabilityView.as_view(), name="widget-availability"),
    path("offline", views.OfflineView.as_view(), name="widget-offline"),
    path("attachments", views.AttachmentUploadView.as_view(), name="widget-attachment-upload"),
    path(
        "attachments/<int:pk>",
        views.AttachmentDownloadView.as_view(),
        name="widget-attachment-download",
    ),
]
