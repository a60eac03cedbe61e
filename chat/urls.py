"""The agent workspace: ``/`` and the partials and JSON its script loads (docs/dashboard.md)."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from chat import views
from chat.dashboard import live_views, ticket_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("dashboard/state/", views.state, name="dashboard-state"),
    path(
        "dashboard/conversations/<int:pk>/summary/",
        views.chat_summary,
        name="dashboard-summary",
    ),
    path(
        "dashboard/conversations/<int:pk>/history/",
        views.history,
        name="dashboard-history",
    ),
    path("dashboard/conversations/<int:pk>/panel/", views.panel, name="dashboard-panel"),
    path(
        "dashboard/conversations/<int:pk>/attachments/",
        views.upload,
        name="dashboard-upload",
    ),
    path("dashboard/conversations/<int:pk>/title/", views.title, name="dashboard-title"),
    path("dashboard/conversations/<int:pk>/close/", views.close, name="dashboard-close"),
    path("dashboard/conversations/<int:pk>/take/", views.take, name="dashboard-take"),
    path(
        "dashboard/conversations/<int:pk>/transfer/",
        views.transfer,
        name="dashboard-transfer",
    ),
    path("dashboard/conversations/<int:pk>/", views.transcript, name="dashboard-transcript"),
    path("dashboard/contacts/<int:contact_id>/notes/", views.notes, name="dashboard-notes"),
    path(
        "dashboard/contacts/<int:contact_id>/notes/<int:note_id>/",
        views.note_edit,
        name="dashboard-note-edit",
    ),
    path("dashboard/contacts/<int:contact_id>/block/", views.block, name="dashboard-block"),
    path("dashboard/contacts/<int:contact_id>/unblock/", views.unblock, name="dashboard-unblock"),
    path("visitors/", live_views.live_visitors, name="dashboard-visitors"),
    path("visitors/list/", live_views.live_visitors_list, name="dashboard-visitors-list"),
    path("visitors/<uuid:visitor_id>/invite/", live_views.invite, name="dashboard-invite"),
    path("tickets/", ticket_views.ticket_list, name="dashboard-tickets"),
    path("tickets/<int:pk>/", ticket_views.ticket_detail, name="dashboard-ticket"),
    path("tickets/<int:pk>/edit/", ticket_views.ticket_edit, name="dashboard-ticket-edit"),
    path("tickets/<int:pk>/reply/", ticket_views.ticket_reply, name="dashboard-ticket-reply"),
    path("tickets/<int:pk>/comment/", ticket_views.ticket_comment, name="dashboard-ticket-comment"),
    path("tickets/<int:pk>/attach/", ticket_views.ticket_attach, name="dashboard-ticket-attach"),
]
