"""The back office (O1): the admin site's titles and the pieces every app's admin shares.

Permissions come from the role groups (accounts.roles); what a user sees inside a model
comes from the same selectors the API and the sockets use (O2).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Comptoir back office")
admin.site.site_title = _("Comptoir back office")
admin.site.index_title = _("Back office")


class ReadOnlyAdminMixin:
    """For rows only the product's services write (chats, timelines, ratings, logs): they
    can be searched and read, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    """A read-only inline: every shown field read-only, no blank rows, no delete box."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [field.name for field in self.model._meta.fields]


class SelectorQuerysetMixin:
    """Rows narrowed by the admin's ``visible_to(user)`` method, which each admin using
    this mixin defines with the selector every other entry point uses, so that the back
    office never shows more than the API would."""

    def get_queryset(self, request):
        queryset = self.visible_to(request.user)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset


def copy_saved(target, saved) -> None:
    """Make the admin's unsaved form instance ``target`` stand for ``saved``, the row a
    service created, so that the admin's log entry and redirect point at it."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db
