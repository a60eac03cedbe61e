"""Health endpoints, the OpenAPI schema and docs page, and token access to the API."""

import io

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_channel_layer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "channel_layer": "ok"}


def test_readyz_reports_a_broken_channel_layer(client, monkeypatch):
    class BrokenLayer:
        async def new_channel(self):
            raise ConnectionError("redis is down")

    monkeypatch.setattr("helpdesk.health.get_channel_layer", lambda: BrokenLayer())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] == "error: ConnectionError"


def test_openapi_schema_is_valid_and_lists_the_contract_paths(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    for path in (
        "/api/v1/conversations/",
        "/api/v1/conversations/{id}/messages/",
        "/api/v1/contacts/{id}/block/",
        "/api/v1/canned-responses/",
    ):
        assert path in schema["paths"]


def test_docs_page_loads_its_assets_from_this_server(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


def test_api_refuses_missing_and_bad_tokens_and_accepts_a_printed_one(agent):
    anonymous = APIClient()
    assert anonymous.get("/api/v1/conversations/").status_code == 401
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert anonymous.get("/api/v1/conversations/").status_code == 401

    out = io.StringIO()
    call_command("api_token", agent.username, stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/conversations/")
    assert response.status_code == 200
    assert response.json() == {"results": [], "next": None, "previous": None}
