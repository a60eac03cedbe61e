"""``/api/v1/analytics/summary/``: parameters, who sees what, and the figures' shape."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone as django_timezone
from rest_framework.test import APIClient

from tests.analytics.conftest import SINCE, UNTIL

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/summary/"
MARCH = {"since": "2026-03-01", "until": "2026-03-31"}


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_without_credentials_is_401(api_client):
    response = api_client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_user_without_agent_profile_is_403(api_client):
    api_client.force_authenticate(get_user_model().objects.create_user(username="customer"))
    response = api_client.get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "not_an_agent"


def test_a_supervisor_sees_everyone(month):
    response = client_for(month.supervisor).get(URL, MARCH)

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}
    assert body["filters"] == {"team": None, "agent": None}
    assert body["csat"] == {"score": 50.0, "ratings": 6, "positive": 3}
    assert body["nps"] == {
        "score": 14.3,
        "responses": 7,
        "promoters": 3,
        "passives": 2,
        "detractors": 2,
    }
    assert body["first_response_time"] == {
        "chat": {"median_s": 25.0, "p90_s": 70.0, "count": 6},
        "ticket": {"median_s": 90.0, "p90_s": 114.0, "count": 2},
    }
    assert body["chats"] == {"total": 7, "missed": 1, "answered": 6}
    assert body["tickets"] == {
        "created": 4,
        "by_state": {"open": 1, "pending": 1, "solved": 1, "spam": 1},
    }


def test_a_supervisor_filters_by_team_and_agent(month):
    client = client_for(month.supervisor)
    team = client.get(URL, {**MARCH, "team": month.team_a.pk}).json()
    assert team["filters"] == {"team": month.team_a.pk, "agent": None}
    assert team["chats"] == {"total": 6, "missed": 1, "answered": 5}
    bob = client.get(URL, {**MARCH, "agent": month.bob.pk}).json()
    assert bob["csat"] == {"score": 0.0, "ratings": 2, "positive": 0}


def test_an_agent_gets_their_own_figures(month):
    body = client_for(month.alice).get(URL, MARCH).json()
    assert body["filters"] == {"team": None, "agent": month.alice.pk}
    assert body["chats"] == {"total": 5, "missed": 0, "answered": 5}
    assert body["csat"]["score"] == 75.0
    asked = client_for(month.alice).get(URL, {**MARCH, "agent": month.alice.pk})
    assert asked.json() == body


def test_an_agent_asking_for_another_agent_is_403(month):
    response = client_for(month.alice).get(URL, {**MARCH, "agent": month.bob.pk})
    assert response.status_code == 403
    assert response.json()["code"] == "own_figures_only"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"since": "yesterday"}, "invalid"),
        ({"since": "2026-02-30"}, "invalid"),
        ({"until": "2026-03-01T25:00"}, "invalid"),
        ({"team": "A"}, "invalid"),
        ({"agent": "-3"}, "invalid"),
        ({"since": "2026-04-01", "until": "2026-03-01"}, "invalid_period"),
        ({"team": "999999"}, "team_not_found"),
        ({"agent": "999999"}, "agent_not_found"),
    ],
)
def test_bad_parameters_are_400(month, params, code):
    response = client_for(month.supervisor).get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_dates_cover_whole_days_and_date_times_are_exact(month):
    client = client_for(month.supervisor)
    days = client.get(URL, {"since": "2026-03-01", "until": "2026-03-01"}).json()["period"]
    assert days == {"since": SINCE.isoformat(), "until": (SINCE + timedelta(days=1)).isoformat()}

    paris = timezone(timedelta(hours=2))
    exact = client.get(
        URL, {"since": "2026-03-01T10:00:00+02:00", "until": "2026-03-02T08:30:00Z"}
    ).json()["period"]
    assert exact == {
        "since": datetime(2026, 3, 1, 10, tzinfo=paris).isoformat(),
        "until": datetime(2026, 3, 2, 8, 30, tzinfo=UTC).isoformat(),
    }
    # A "+" the client forgot to encode arrives as a space.
    unencoded = client.get(f"{URL}?since=2026-03-01T10:00:00+02:00").json()["period"]
    assert unencoded["since"] == exact["since"]


def test_without_a_period_it_is_the_last_30_days(month):
    before = django_timezone.now()
    period = client_for(month.supervisor).get(URL).json()["period"]
    until = datetime.fromisoformat(period["until"])
    since = datetime.fromisoformat(period["since"])
    assert before <= until <= django_timezone.now()
    assert until - since == timedelta(days=30)
