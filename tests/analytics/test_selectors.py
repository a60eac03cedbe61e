"""The summary's figures over known data, on SQLite and PostgreSQL alike, in a constant
number of queries."""

from datetime import timedelta

import pytest
from django.db import connection

from analytics.aggregates import percentile
from analytics.selectors import Scope, analytics_summary, summary_scope_for_user
from helpdesk.errors import DomainError, PermissionDenied
from tests.analytics.conftest import SINCE, UNTIL

pytestmark = pytest.mark.django_db


def summary(**filters):
    return analytics_summary(Scope(SINCE, UNTIL, **filters))


def test_everyone(month):
    figures = summary()

    assert figures["period"] == {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}
    assert figures["filters"] == {"team": None, "agent": None}
    assert figures["csat"] == {"score": 50.0, "ratings": 6, "positive": 3}
    assert figures["nps"] == {
        "score": 14.3,
        "responses": 7,
        "promoters": 3,
        "passives": 2,
        "detractors": 2,
    }
    assert figures["first_response_time"] == {
        "chat": {"median_s": 25.0, "p90_s": 70.0, "count": 6},
        "ticket": {"median_s": 90.0, "p90_s": 114.0, "count": 2},
    }
    assert figures["chats"] == {"total": 7, "missed": 1, "answered": 6}
    assert figures["tickets"] == {
        "created": 4,
        "by_state": {"open": 1, "pending": 1, "solved": 1, "spam": 1},
    }


def test_one_team(month):
    figures = summary(team_id=month.team_a.pk)

    assert figures["csat"] == {"score": 75.0, "ratings": 4, "positive": 3}
    assert figures["nps"] == {
        "score": 20.0,
        "responses": 5,
        "promoters": 2,
        "passives": 2,
        "detractors": 1,
    }
    assert figures["first_response_time"]["chat"] == {"median_s": 30.0, "p90_s": 76.0, "count": 5}
    assert figures["chats"] == {"total": 6, "missed": 1, "answered": 5}
    assert figures["tickets"] == {
        "created": 3,
        "by_state": {"open": 1, "pending": 1, "solved": 1, "spam": 0},
    }


def test_one_agent(month):
    figures = summary(agent_id=month.alice.pk)

    assert figures["csat"] == {"score": 75.0, "ratings": 4, "positive": 3}
    assert figures["nps"] == {
        "score": 33.3,
        "responses": 3,
        "promoters": 2,
        "passives": 0,
        "detractors": 1,
    }
    assert figures["first_response_time"] == {
        "chat": {"median_s": 30.0, "p90_s": 76.0, "count": 5},
        "ticket": {"median_s": 90.0, "p90_s": 114.0, "count": 2},
    }
    assert figures["chats"] == {"total": 5, "missed": 0, "answered": 5}
    assert figures["tickets"]["created"] == 2


def test_an_agent_with_unhappy_customers(month):
    figures = summary(agent_id=month.bob.pk, team_id=month.team_b.pk)

    assert figures["csat"] == {"score": 0.0, "ratings": 2, "positive": 0}
    assert figures["nps"]["score"] is None
    assert figures["nps"]["responses"] == 0
    assert figures["first_response_time"] == {
        "chat": {"median_s": 5.0, "p90_s": 5.0, "count": 1},
        "ticket": {"median_s": None, "p90_s": None, "count": 0},
    }
    assert figures["tickets"]["by_state"]["spam"] == 1


def test_an_empty_period_has_no_scores(month):
    figures = analytics_summary(Scope(UNTIL + timedelta(days=5), UNTIL + timedelta(days=6)))

    assert figures["csat"] == {"score": None, "ratings": 0, "positive": 0}
    assert figures["nps"]["score"] is None
    assert figures["first_response_time"]["chat"] == {"median_s": None, "p90_s": None, "count": 0}
    assert figures["chats"] == {"total": 0, "missed": 0, "answered": 0}
    assert figures["tickets"]["created"] == 0


def test_the_period_includes_its_start_and_excludes_its_end(month):
    # One chat started a second before SINCE, one exactly at UNTIL: neither counts above.
    wider = analytics_summary(Scope(SINCE - timedelta(seconds=1), UNTIL + timedelta(seconds=1)))
    assert wider["chats"]["total"] == 9


@pytest.mark.parametrize("filters", [{}, {"team": True}, {"agent": True}])
def test_the_query_count_is_constant(month, filters, django_assert_num_queries):
    scope = {}
    if filters.get("team"):
        scope["team_id"] = month.team_a.pk
    if filters.get("agent"):
        scope["agent_id"] = month.alice.pk
    expected = 5 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected):
        summary(**scope)


def test_percentile_interpolates_like_percentile_cont():
    seconds = [timedelta(seconds=s) for s in (10, 20, 30, 40, 100)]
    assert percentile(seconds, 0.5) == timedelta(seconds=30)
    assert percentile(seconds, 0.9) == timedelta(seconds=76)
    assert percentile(seconds[:2], 0.5) == timedelta(seconds=15)
    assert percentile(seconds[:1], 0.9) == timedelta(seconds=10)
    assert percentile([], 0.5) is None


# --- who sees what ----------------------------------------------------------------------


def test_an_agent_sees_only_their_own_figures(month):
    scope = summary_scope_for_user(month.alice, since=SINCE, until=UNTIL)
    assert scope.agent_id == month.alice.pk
    assert summary_scope_for_user(month.alice, agent_id=month.alice.pk).agent_id == month.alice.pk
    with pytest.raises(PermissionDenied) as refused:
        summary_scope_for_user(month.alice, agent_id=month.bob.pk)
    assert refused.value.code == "own_figures_only"


def test_a_supervisor_sees_anyone(month):
    assert summary_scope_for_user(month.supervisor).agent_id is None
    assert summary_scope_for_user(month.supervisor, agent_id=month.bob.pk).agent_id == month.bob.pk


def test_the_default_period_is_the_last_30_days(month):
    scope = summary_scope_for_user(month.supervisor)
    assert scope.until - scope.since == timedelta(days=30)
    only_until = summary_scope_for_user(month.supervisor, until=UNTIL)
    assert (only_until.since, only_until.until) == (UNTIL - timedelta(days=30), UNTIL)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"since": UNTIL, "until": SINCE}, "invalid_period"),
        ({"since": SINCE, "until": SINCE}, "invalid_period"),
        ({"team_id": 999_999}, "team_not_found"),
        ({"agent_id": 999_999}, "agent_not_found"),
    ],
)
def test_bad_scopes_are_refused(month, kwargs, code):
    with pytest.raises(DomainError) as refused:
        summary_scope_for_user(month.supervisor, **kwargs)
    assert (refused.value.code, refused.value.status) == (code, 400)
