"""Builders of contact events (pure: no I/O)."""

from contacts.models import Contact


def contact_payload(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "is_blocked": contact.is_blocked,
        "blocked_reason": contact.blocked_reason,
        "blocked_at": contact.blocked_at.isoformat() if contact.blocked_at else None,
    }


def contact_blocked(contact: Contact) -> dict:
    return {"type": "contact.blocked", "contact": contact_payload(contact)}


def contact_unblocked(contact: Contact) -> dict:
    return {"type": "contact.unblocked", "contact": contact_payload(contact)}
