from django.urls import path

from tickets.api import views

urlpatterns = [
    path("tickets/", views.TicketListView.as_view(), name="ticket-list"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/replies/", views.TicketReplyView.as_view(), name="ticket-replies"),
    path("tickets/<int:pk>/comments/", views.TicketCommentView.as_view(), name="ticket-comments"),
    path("tickets/<int:pk>/events/", views.TicketEventListView.as_view(), name="ticket-events"),
    path(
        "tickets/<int:pk>/attachments/",
        views.TicketAttachmentListView.as_view(),
        name="ticket-attachments",
    ),
    path(
        "tickets/<int:pk>/attachments/<int:attachment_pk>/",
        views.TicketAttachmentView.as_view(),
        name="ticket-attachment",
    ),
    path(
        "conversations/<int:pk>/ticket/",
        views.ConversationTicketView.as_view(),
        name="conversation-ticket",
    ),
]
