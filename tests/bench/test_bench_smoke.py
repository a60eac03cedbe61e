"""The benchmark's smoke run: every scenario at tiny sizes against real servers on the
suite's database, so that ``make bench`` keeps working. Figures are not checked here,
only that each scenario ran and that nothing was lost, duplicated or refused.

On the embedded default (SQLite, in-memory layer) the cross-process scenario is skipped:
it needs Redis."""

import os

import pytest
from django.conf import settings

from bench import report
from bench.runner import SMOKE, Bench, Environment
from tests import servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.multiprocess]


@pytest.fixture
def results(tmp_path):
    redis_url = os.environ.get("REDIS_URL") or None
    environment = Environment(
        database_url=servers.database_url(),
        redis_url=redis_url,
        secret_key=settings.SECRET_KEY,
        prefix=f"comptoir-bench-smoke-{os.getpid()}",
        log_dir=tmp_path / "logs",
        pin=False,
    )
    bench = Bench(SMOKE, environment, log=lambda line: None)
    found = bench.run()
    found["machine"] = report.machine(environment, None, None)
    found["targets"] = report.targets(found)
    return found


def test_every_scenario_runs_end_to_end_at_smoke_size(results, tmp_path):
    assert not results.get("errors"), results.get("errors")
    assert not results.get("server_errors"), results.get("server_errors")
    scenarios = results["scenarios"]
    for name in ("paced", "paced_fast"):
        paced = scenarios["1_paced"][name]
        assert paced["delivered"] > 0
        assert paced["lost_total"] == 0 and paced["duplicates_total"] == 0
        assert paced["server_us_per_msg"] > 0
    closed = scenarios["2_closed_loop"]
    assert closed["delivered"] > 0 and closed["lost_total"] == 0
    if os.environ.get("REDIS_URL"):
        assert scenarios["3_cross_process"]["delivered"] > 0
        assert scenarios["3_cross_process"]["lost_total"] == 0
    else:
        assert "3_cross_process" not in scenarios
    idle = scenarios["4_idle_sockets"]
    assert idle["sockets"] == SMOKE.idle_total and idle["failures"] == 0
    assert idle["new_chat"]["delivered_ms"]["n"] == SMOKE.new_chats
    storm = scenarios["5_reconnect_storm"]
    assert storm["complete"] == SMOKE.storm_visitors
    assert storm["incomplete_total"] == 0 and storm["duplicates_total"] == 0
    for name, endpoint in scenarios["6_rest"]["endpoints"].items():
        if isinstance(endpoint, dict):
            assert endpoint["status"] == [200], name
            assert endpoint["queries_constant"], name
    assert "7_analytics" in scenarios and "8_widget" in scenarios

    baseline = results["baseline"]
    assert baseline["closed_loop"]["lost_total"] == 0
    assert baseline["idle"]["sockets"] == SMOKE.idle_total
    assert results["ratios"]["closed_loop_msg_per_s"] > 0

    json_path, table_path = report.write(results, tmp_path)
    assert "2. closed loop" in table_path.read_text()
    assert json_path.stat().st_size > 0
