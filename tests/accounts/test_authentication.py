"""``Authorization: Token KEY`` against the hashed tokens."""

import pytest
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from accounts.authentication import HashedTokenAuthentication
from accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def authenticate(key: str):
    request = APIRequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")
    return HashedTokenAuthentication().authenticate(request)


def test_a_valid_key_authenticates_its_user_and_records_the_use(agent):
    token, key = api_token_create(user=agent)

    user, _ = authenticate(key)

    token.refresh_from_db()
    assert user == agent and token.last_used_at is not None


def test_a_revoked_key_is_refused(agent):
    token, key = api_token_create(user=agent)
    api_token_revoke(token=token)

    with pytest.raises(exceptions.AuthenticationFailed):
        authenticate(key)


def test_a_wrong_key_is_refused(agent):
    _token, key = api_token_create(user=agent)

    with pytest.raises(exceptions.AuthenticationFailed):
        authenticate(key[:-1] + ("A" if key[-1] != "A" else "B"))


def test_a_deactivated_users_key_is_refused(agent):
    _token, key = api_token_create(user=agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    with pytest.raises(exceptions.AuthenticationFailed):
        authenticate(key)
