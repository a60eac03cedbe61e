"""Readable pseudonyms for visitors who gave no name: "Amber Otter" is easier to keep apart
in a list of circles than a UUID. Derived from the visitor id, so every page and every agent
sees the same one; proper names, hence not translated."""

import uuid

ADJECTIVES = (
    "Amber", "Azure", "Brave", "Bright", "Calm", "Clever", "Coral", "Cosy", "Crimson", "Curious",
    "Daring", "Gentle", "Golden", "Happy", "Hazel", "Indigo", "Jolly", "Keen", "Lively", "Lucky",
    "Mellow", "Misty", "Nimble", "Olive", "Plum", "Polite", "Quiet", "Rapid", "Rosy", "Ruby",
    "Sage", "Silver", "Sunny", "Swift", "Teal", "Witty",
)  # fmt: skip
ANIMALS = (
    "Badger", "Bear", "Beaver", "Bison", "Crane", "Deer", "Dolphin", "Eagle", "Falcon", "Ferret",
    "Finch", "Fox", "Gecko", "Hare", "Hedgehog", "Heron", "Ibis", "Koala", "Lark", "Lemur",
    "Lynx", "Marten", "Moose", "Newt", "Otter", "Owl", "Panda", "Puffin", "Quail", "Raven",
    "Robin", "Seal", "Stork", "Swan", "Tiger", "Walrus", "Wolf", "Wren", "Yak", "Zebra",
)  # fmt: skip


def visitor_pseudonym(visitor_id) -> str:
    """A stable two-word name for a visitor UUID (or its string)."""
    number = uuid.UUID(str(visitor_id)).int
    adjective = ADJECTIVES[number % len(ADJECTIVES)]
    animal = ANIMALS[(number // len(ADJECTIVES)) % len(ANIMALS)]
    return f"{adjective} {animal}"


def contact_display_name(contact, visitor_id) -> str:
    """What the dashboard calls a visitor: the name they gave, else their email, else the
    pseudonym."""
    return contact.name or contact.email or visitor_pseudonym(visitor_id)
