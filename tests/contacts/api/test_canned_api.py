"""``/api/v1/canned-responses/…`` (B1): visibility, ownership and validation."""

import pytest

from chat.models import CannedResponse

pytestmark = pytest.mark.django_db

URL = "/api/v1/canned-responses/"


def detail(canned):
    return f"{URL}{canned.pk}/"


@pytest.fixture
def shared(db):
    return CannedResponse.objects.create(
        shortcut="hello", title="Hello", body="Hi {{ visitor.name }}"
    )


@pytest.fixture
def mine(agent):
    return CannedResponse.objects.create(shortcut="bye", title="Bye", body="Bye", owner=agent)


@pytest.fixture
def theirs(other_agent):
    return CannedResponse.objects.create(
        shortcut="secret", title="Theirs", body="Mine alone", owner=other_agent
    )


def test_without_credentials_is_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {}, format="json").status_code == 401


def test_agent_lists_shared_and_own_by_shortcut(agent_client, shared, mine, theirs):
    response = agent_client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [r["shortcut"] for r in body["results"]] == ["bye", "hello"]
    assert body["next"] is None
    by_shortcut = {r["shortcut"]: r for r in body["results"]}
    assert by_shortcut["hello"]["shared"] is True and by_shortcut["hello"]["editable"] is False
    assert by_shortcut["bye"]["shared"] is False and by_shortcut["bye"]["editable"] is True


def test_supervisor_lists_everything(supervisor_client, shared, mine, theirs):
    results = supervisor_client.get(URL).json()["results"]
    assert len(results) == 3 and all(r["editable"] for r in results)


def test_list_filters_and_pagination(agent_client, agent, shared, mine):
    CannedResponse.objects.create(shortcut="hello", title="Bonjour", body="Salut", language="fr")

    def shortcuts(**params):
        return [r["title"] for r in agent_client.get(URL, params).json()["results"]]

    assert shortcuts(q="#hel") == ["Hello", "Bonjour"]
    assert shortcuts(q="bye") == ["Bye"]
    assert shortcuts(language="fr") == ["Bonjour"]
    assert shortcuts(shared="false") == ["Bye"]
    page = agent_client.get(URL, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    assert len(agent_client.get(page["next"]).json()["results"]) == 1


def test_agent_creates_a_personal_response(agent_client, agent):
    response = agent_client.post(
        URL, {"shortcut": "#thanks", "title": "Thanks", "body": "Thank you!"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["shortcut"], body["owner"], body["shared"], body["language"]) == (
        "thanks",
        agent.pk,
        False,
        "en",
    )


def test_agent_cannot_share(agent_client):
    response = agent_client.post(
        URL, {"shortcut": "x", "title": "X", "body": "x", "shared": True}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "sharing_requires_supervisor"
    assert not CannedResponse.objects.exists()


def test_supervisor_shares_with_a_team(supervisor_client, team):
    response = supervisor_client.post(
        URL,
        {"shortcut": "x", "title": "X", "body": "x", "shared": True, "team": team.pk},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["owner"], response.json()["team"]) == (None, team.pk)


@pytest.mark.parametrize(
    "payload",
    [
        {"shortcut": "not a slug", "title": "X", "body": "x"},
        {"shortcut": "", "title": "X", "body": "x"},
        {"shortcut": "x", "title": "", "body": "x"},
        {"shortcut": "x", "title": "X"},
        {"shortcut": "x", "title": "X", "body": "x", "language": "xx"},
        {"shortcut": "x" * 51, "title": "X", "body": "x"},
    ],
)
def test_bad_input_is_400(agent_client, payload):
    response = agent_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_duplicate_shortcut_is_400(agent_client, mine):
    response = agent_client.post(URL, {"shortcut": "bye", "title": "B", "body": "b"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_shortcut"
    other_language = {"shortcut": "bye", "title": "B", "body": "b", "language": "fr"}
    assert agent_client.post(URL, other_language, format="json").status_code == 201


def test_duplicate_shortcut_on_update_is_400(agent_client, agent, mine):
    other = CannedResponse.objects.create(shortcut="other", title="O", body="o", owner=agent)
    response = agent_client.patch(detail(other), {"shortcut": "bye"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_shortcut"


def test_agent_edits_and_deletes_own(agent_client, mine):
    response = agent_client.patch(detail(mine), {"title": "Goodbye"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Goodbye"
    response = agent_client.put(
        detail(mine), {"shortcut": "ciao", "title": "Ciao", "body": "Ciao!"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["shortcut"], response.json()["body"]) == ("ciao", "Ciao!")
    assert agent_client.get(detail(mine)).json()["title"] == "Ciao"
    assert agent_client.delete(detail(mine)).status_code == 204
    assert not CannedResponse.objects.filter(pk=mine.pk).exists()


def test_put_requires_every_field(agent_client, mine):
    assert agent_client.put(detail(mine), {"title": "T"}, format="json").status_code == 400


def test_agent_cannot_change_shared_ones(agent_client, shared):
    assert agent_client.get(detail(shared)).status_code == 200
    response = agent_client.patch(detail(shared), {"title": "Mine now"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_owner"
    assert agent_client.delete(detail(shared)).status_code == 403
    assert CannedResponse.objects.filter(pk=shared.pk, title="Hello").exists()


def test_agent_cannot_share_their_own(agent_client, mine):
    response = agent_client.patch(detail(mine), {"shared": True}, format="json")
    assert response.status_code == 403


def test_someone_elses_personal_response_is_404(agent_client, theirs):
    assert agent_client.get(detail(theirs)).status_code == 404
    assert agent_client.patch(detail(theirs), {"title": "x"}, format="json").status_code == 404
    assert agent_client.delete(detail(theirs)).status_code == 404
    assert agent_client.get(f"{URL}999999/").json()["code"] == "canned_response_not_found"


def test_supervisor_edits_and_deletes_anything(supervisor_client, supervisor, shared, theirs):
    response = supervisor_client.patch(detail(theirs), {"shared": True}, format="json")
    assert response.status_code == 200 and response.json()["owner"] is None
    response = supervisor_client.patch(detail(shared), {"title": "Hi"}, format="json")
    assert response.status_code == 200
    assert supervisor_client.delete(detail(shared)).status_code == 204


def test_schema_with_canned_routes_is_valid(supervisor_client):
    from openapi_spec_validator import validate

    schema = supervisor_client.get("/api/schema/", {"format": "json"}).json()
    validate(schema)
    assert "/api/v1/canned-responses/{id}/" in schema["paths"]
