from django.urls import path

from contacts.api import views

urlpatterns = [
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/<int:pk>/", views.ContactDetailView.as_view(), name="contact-detail"),
    path("contacts/<int:pk>/block/", views.ContactBlockView.as_view(), name="contact-block"),
    path("contacts/<int:pk>/unblock/", views.ContactUnblockView.as_view(), name="contact-unblock"),
    path("contacts/<int:pk>/notes/", views.ContactNoteListView.as_view(), name="contact-notes"),
    path("contacts/<int:pk>/export/", views.ContactExportView.as_view(), name="contact-export"),
]
