"""Reads about agents, teams and tokens."""

from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken


def api_token_user(key: str):
    """The active user owning ``key``, or None. Records the use (at most once a minute,
    to keep reads cheap)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=tokens.digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
