from django.urls import path

from chat.api import views

urlpatterns = [
    path("conversations/", views.ConversationListView.as_view(), name="conversation-list"),
    path(
        "conversations/<int:pk>/",
        views.ConversationDetailView.as_view(),
        name="conversation-detail",
    ),
    path(
        "conversations/<int:pk>/messages/",
        views.MessageListView.as_view(),
        name="conversation-messages",
    ),
    path(
        "conversations/<int:pk>/transfer/",
        views.TransferView.as_view(),
        name="conversation-transfer",
    ),
    path("conversations/<int:pk>/close/", views.CloseView.as_view(), name="conversation-close"),
]
