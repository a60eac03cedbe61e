"""Reads of contacts, with the access rules every entry point shares.

Every agent role may read every contact; exports are for supervisors only (C7)."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import is_agent, is_supervisor
from contacts.errors import ErrorCode
from contacts.models import Contact, ContactNote, Visitor
from helpdesk.errors import NotFound, PermissionDenied


def contact_access_check(user) -> None:
    """PermissionDenied unless ``user`` is an agent, supervisor or administrator."""
    if not is_agent(user):
        raise PermissionDenied(ErrorCode.NOT_AN_AGENT, _("Only agents may see contacts."))


def contacts_for_user(user) -> QuerySet[Contact]:
    """Every contact, newest activity first, with its visitor ids and blocker loaded.
    Raises PermissionDenied for users who are not agents."""
    contact_access_check(user)
    return (
        Contact.objects.select_related("blocked_by__agent_profile")
        .prefetch_related(Prefetch("visitors", queryset=Visitor.objects.only("id", "contact_id")))
        .order_by("-last_seen_at", "-id")
    )


def contacts_search(queryset: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    """Contacts whose name, email or company contains every word of ``text``."""
    for word in text.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(company__icontains=word)
        )
    return queryset


def _get(queryset: QuerySet[Contact], contact_id) -> Contact:
    contact = None
    if isinstance(contact_id, int) and not isinstance(contact_id, bool):
        contact = queryset.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(ErrorCode.CONTACT_NOT_FOUND, _("No such contact."))
    return contact


def contact_get_for_user(user, contact_id) -> Contact:
    """The contact if the user may see it: PermissionDenied for non-agents, NotFound for
    unknown ids."""
    return _get(contacts_for_user(user), contact_id)


def contact_get_for_supervisor(user, contact_id) -> Contact:
    """The contact for what only supervisors may do (erase, export): PermissionDenied for
    others, checked before existence so that agents learn nothing about ids."""
    contact_access_check(user)
    if not is_supervisor(user):
        raise PermissionDenied(
            ErrorCode.SUPERVISOR_REQUIRED, _("Only supervisors may do this to a contact.")
        )
    return _get(contacts_for_user(user), contact_id)


def contact_notes_for_user(user, contact_id) -> QuerySet[ContactNote]:
    """The notes on a contact the user may see, newest first."""
    contact = contact_get_for_user(user, contact_id)
    return contact.notes.select_related("author__agent_profile").order_by("-created_at", "-id")
