"""``Authorization: Token KEY`` for the REST API and the agent socket."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.selectors import api_token_user


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token scheme, looked up by digest in :class:`accounts.models.ApiToken`."""

    def authenticate_credentials(self, key):
        user = api_token_user(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return (user, key)
