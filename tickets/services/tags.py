"""Tags: free-form slugs, created on first use."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from tickets.errors import ErrorCode
from tickets.models import Tag

MAX_TAGS = 20
MAX_TAG_CHARS = 50


def tags_clean(names) -> list[str]:
    """Lower-cased, de-duplicated slugs; DomainError ``invalid_tag`` otherwise."""
    if not isinstance(names, list | tuple) or len(names) > MAX_TAGS:
        raise DomainError(
            ErrorCode.INVALID_TAG,
            _("Tags are a list of at most %(max)d names.") % {"max": MAX_TAGS},
        )
    cleaned = []
    for name in names:
        if not isinstance(name, str):
            raise DomainError(ErrorCode.INVALID_TAG, _("A tag is a short name."))
        name = name.strip().lower()
        try:
            validate_unicode_slug(name)
        except ValidationError:
            raise DomainError(
                ErrorCode.INVALID_TAG,
                _("“%(tag)s” is not a valid tag: use letters, digits, - and _.") % {"tag": name},
            ) from None
        if len(name) > MAX_TAG_CHARS:
            raise DomainError(
                ErrorCode.INVALID_TAG,
                _("A tag holds %(max)d characters at most.") % {"max": MAX_TAG_CHARS},
            )
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


def tags_resolve(names) -> list[Tag]:
    """The Tag rows for ``names`` (checked), creating the missing ones."""
    names = tags_clean(names)
    if not names:
        return []
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=names))
