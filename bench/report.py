"""What the run records besides the figures (machine, versions, commit), the targets of
issue 8 checked against the figures, and the human-readable table."""

import json
import os
import platform
import subprocess
from pathlib import Path

from bench.procs import ROOT

RESULTS = ROOT / "bench" / "results"


def _version(module: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def machine(env, server_core, client_core) -> dict:
    """Cores, Python, server, layer, database and Redis versions, and the git commit."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    redis_version = None
    if env.redis_url:
        import redis

        redis_version = redis.Redis.from_url(env.redis_url).info("server")["redis_version"]
    layer = (
        "helpdesk.channel_layer.BatchingPubSubChannelLayer"
        if env.redis_url
        else ("channels.layers.InMemoryChannelLayer")
    )
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "server_core": server_core,
        "client_core": client_core,
        "python": platform.python_version(),
        "server": f"{env.server} {_version(env.server)}",
        "server_args": "see bench/procs.py UVICORN_ARGS" if env.server == "uvicorn" else "",
        "layer": layer,
        "database": database,
        "redis": redis_version,
        "django": _version("django"),
        "channels": _version("channels"),
        "channels_redis": _version("channels-redis"),
        "redis_py": _version("redis"),
        "websockets": _version("websockets"),
        "settings": settings.SETTINGS_MODULE,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _get(data, *keys):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _check(value, limit, *, at_least=False):
    if value is None:
        return None
    return value >= limit if at_least else value <= limit


def targets(results: dict) -> list[dict]:
    """Issue 8's targets against the figures: name, value, target, met (None: not measured)."""
    sc = results["scenarios"]
    base = results["baseline"]
    rows = []

    def add(name, value, target, met):
        rows.append({"target": name, "value": value, "goal": target, "met": met})

    paced = _get(sc, "1_paced", "paced")
    if paced:
        p99 = paced["latency_ms"]["p99"]
        add("1. paced p99 (ms)", p99, "≤ 25 (stretch 10)", _check(p99, 25))
        add("1. paced lost", paced["lost_total"], "0", paced["lost_total"] == 0)
    fast = _get(sc, "1_paced", "paced_fast")
    if fast:
        p99 = fast["latency_ms"]["p99"]
        add("1. 500 msg/s p99 (ms)", p99, "≤ 100", _check(p99, 100))
        add("1. 500 msg/s lost", fast["lost_total"], "0", fast["lost_total"] == 0)
    closed = sc.get("2_closed_loop")
    if closed:
        rate = closed["msg_per_s"]
        base_rate = _get(base, "closed_loop", "msg_per_s")
        add("2. closed loop msg/s", rate, "≥ 1,000", _check(rate, 1000, at_least=True))
        if base_rate:
            add(
                "2. closed loop ÷ baseline",
                round(rate / base_rate, 2),
                "≥ 0.5",
                _check(rate / base_rate, 0.5, at_least=True),
            )
    cross = sc.get("3_cross_process")
    if cross and paced:
        add("3. cross-process lost", cross["lost_total"], "0", cross["lost_total"] == 0)
        factor = round(cross["latency_ms"]["p99"] / paced["latency_ms"]["p99"], 2)
        add("3. cross-process p99 ÷ single", factor, "≤ 2", _check(factor, 2))
    idle = sc.get("4_idle_sockets")
    if idle:
        kb = idle["kb_per_socket"]
        add("4. KB per idle socket", kb, "≤ 40", _check(kb, 40))
        add(
            "4. handshakes/s",
            idle["handshakes_per_s"],
            "≥ 300",
            _check(idle["handshakes_per_s"], 300, at_least=True),
        )
        add("4. idle CPU %", idle["idle_cpu_pct"], "≤ 10", _check(idle["idle_cpu_pct"], 10))
        new = _get(idle, "new_chat", "delivered_ms", "max")
        add("4. new chat delivered (ms, max)", new, "≤ 50", _check(new, 50))
    storm = sc.get("5_reconnect_storm")
    if storm:
        add(
            "5. storm complete, no duplicates",
            f"{storm['incomplete_total']} incomplete, {storm['duplicates_total']} dup.",
            "0, 0",
            storm["incomplete_total"] == 0 and storm["duplicates_total"] == 0,
        )
        p95 = storm["resync_ms"]["p95"]
        add("5. storm resync p95 (ms)", p95, "≤ 500", _check(p95, 500))
    for name, endpoint in (_get(sc, "6_rest", "endpoints") or {}).items():
        if not isinstance(endpoint, dict):
            add(f"6. {name}", endpoint, "p95 ≤ 50 ms", None)
            continue
        p95 = endpoint["latency_ms"]["p95"]
        add(f"6. {name} p95 (ms)", p95, "≤ 50", _check(p95, 50))
        add(
            f"6. {name} queries",
            f"{endpoint['queries_small']} → {endpoint['queries_full']}",
            "constant",
            endpoint["queries_constant"],
        )
    analytics = sc.get("7_analytics")
    if isinstance(analytics, dict):
        p95 = analytics["latency_ms"]["p95"]
        add("7. analytics summary p95 (ms)", p95, "≤ 1,000", _check(p95, 1000))
    elif analytics:
        add("7. analytics summary", analytics, "p95 ≤ 1 s", None)
    return rows


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figures_table(results: dict) -> str:
    """Product, baseline and ratio for the figures both have; then the targets."""
    sc, base, ratios = results["scenarios"], results["baseline"], results.get("ratios", {})
    lines = [
        "| scenario | figure | product | baseline | ratio |",
        "| --- | --- | ---: | ---: | ---: |",
    ]

    def row(scenario, figure, product, baseline=None, ratio=None):
        lines.append(
            f"| {scenario} | {figure} | {_fmt(product)} | {_fmt(baseline)} | {_fmt(ratio)} |"
        )

    for name, label in (("paced", "1. paced"), ("paced_fast", "1. paced fast")):
        p, b = _get(sc, "1_paced", name), base.get(name)
        if not p:
            continue
        rate = f"{p['msg_per_s']:g} msg/s, {p.get('idle_sockets', 0):,} idle"
        for q in ("p50", "p99", "max"):
            row(
                label,
                f"{q} ms ({rate})",
                p["latency_ms"][q],
                _get(b, "latency_ms", q),
                ratios.get(f"{name}_p99") if q == "p99" else None,
            )
        row(label, "lost (all runs)", p["lost_total"], _get(b, "lost_total"))
        row(
            label,
            "server µs/msg",
            p["server_us_per_msg"],
            _get(b, "server_us_per_msg"),
            ratios.get(f"{name}_us_per_msg"),
        )
    closed, bc = sc.get("2_closed_loop"), base.get("closed_loop")
    if closed:
        row(
            "2. closed loop",
            f"msg/s ({closed['chats']} chats)",
            closed["msg_per_s"],
            _get(bc, "msg_per_s"),
            ratios.get("closed_loop_msg_per_s"),
        )
        row("2. closed loop", "p99 ms", closed["latency_ms"]["p99"], _get(bc, "latency_ms", "p99"))
        row(
            "2. closed loop",
            "server µs/msg",
            closed["server_us_per_msg"],
            _get(bc, "server_us_per_msg"),
            ratios.get("closed_loop_us_per_msg"),
        )
    cross = sc.get("3_cross_process")
    if cross:
        for q in ("p50", "p99", "max"):
            row(
                "3. cross-process",
                f"{q} ms",
                cross["latency_ms"][q],
                None,
                ratios.get("cross_process_p99_vs_single") if q == "p99" else None,
            )
        row("3. cross-process", "lost (all runs)", cross["lost_total"])
        row("3. cross-process", "server µs/msg (both)", cross["server_us_per_msg"])
    idle, bi = sc.get("4_idle_sockets"), base.get("idle")
    if idle:
        row(
            "4. idle sockets",
            f"KB/socket ({idle['sockets']:,})",
            idle["kb_per_socket"],
            _get(bi, "kb_per_socket"),
            ratios.get("kb_per_socket"),
        )
        row(
            "4. idle sockets",
            "handshakes/s",
            idle["handshakes_per_s"],
            _get(bi, "handshakes_per_s"),
            ratios.get("handshakes_per_s"),
        )
        row(
            "4. idle sockets",
            "server µs/handshake",
            idle["server_us_per_handshake"],
            _get(bi, "server_us_per_handshake"),
        )
        row("4. idle sockets", "idle CPU %", idle["idle_cpu_pct"], _get(bi, "idle_cpu_pct"))
        row("4. idle sockets", "new chat: ack ms (max)", _get(idle, "new_chat", "ack_ms", "max"))
        row(
            "4. idle sockets",
            "new chat: at agent ms (max)",
            _get(idle, "new_chat", "delivered_ms", "max"),
        )
    storm = sc.get("5_reconnect_storm")
    if storm:
        row(
            "5. reconnect storm",
            f"resync p50 ms ({storm['visitors']:,} visitors)",
            storm["resync_ms"]["p50"],
        )
        row("5. reconnect storm", "resync p95 ms", storm["resync_ms"]["p95"])
        row("5. reconnect storm", "resync max ms", storm["resync_ms"]["max"])
        row(
            "5. reconnect storm",
            "incomplete / duplicates (all runs)",
            f"{storm['incomplete_total']} / {storm['duplicates_total']}",
        )
    rest = sc.get("6_rest")
    if rest:
        for name, endpoint in rest["endpoints"].items():
            if not isinstance(endpoint, dict):
                row("6. REST", name, endpoint)
                continue
            row(
                "6. REST",
                f"{name} p50 / p95 ms",
                f"{_fmt(endpoint['latency_ms']['p50'])} / {_fmt(endpoint['latency_ms']['p95'])}",
            )
            row(
                "6. REST",
                f"{name} queries (small → full)",
                f"{endpoint['queries_small']} → {endpoint['queries_full']}",
            )
    analytics = sc.get("7_analytics")
    if analytics is not None:
        if isinstance(analytics, dict):
            row("7. analytics", "summary p95 ms", analytics["latency_ms"]["p95"])
        else:
            row("7. analytics", "summary", analytics)
    weight = sc.get("8_widget")
    if weight is not None:
        if isinstance(weight, dict):
            for key, value in weight.items():
                if isinstance(value, int | float | str):
                    row("8. widget", key, value)
        else:
            row("8. widget", "weight", weight)
    return "\n".join(lines)


def compare_table(results: dict) -> str:
    """Server and layer alternatives, and permessage-deflate, from the compare phase."""
    compare = results.get("compare") or {}
    rows = [(k, v) for k, v in compare.items() if "+" in k]
    lines = []
    if rows:
        lines += [
            "| server + layer | baseline closed msg/s | µs/msg | baseline 500 msg/s p99 / max ms"
            " | lost | product 200 msg/s p99 / max ms | µs/msg |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, r in rows:
            bc, bp, pp = (
                r.get("baseline_closed", {}),
                r.get("baseline_paced_fast", {}),
                r.get("product_paced", {}),
            )
            lines.append(
                f"| {name} | {_fmt(bc.get('msg_per_s'))} | {_fmt(bc.get('server_us_per_msg'))}"
                f" | {_fmt(_get(bp, 'latency_ms', 'p99'))} / {_fmt(_get(bp, 'latency_ms', 'max'))}"
                f" | {_fmt(bp.get('lost_total'))}"
                f" | {_fmt(_get(pp, 'latency_ms', 'p99'))} / {_fmt(_get(pp, 'latency_ms', 'max'))}"
                f" | {_fmt(pp.get('server_us_per_msg'))} |"
            )
    on, off = compare.get("deflate_on_idle"), compare.get("deflate_off_idle")
    if on and off:
        lines += [
            "",
            "| permessage-deflate | KB per idle socket (baseline) | handshakes/s |",
            "| --- | ---: | ---: |",
            f"| on | {_fmt(on['kb_per_socket'])} | {_fmt(on['handshakes_per_s'])} |",
            f"| off | {_fmt(off['kb_per_socket'])} | {_fmt(off['handshakes_per_s'])} |",
        ]
    return "\n".join(lines)


def targets_table(rows: list[dict]) -> str:
    lines = ["| target | value | goal | met |", "| --- | ---: | --- | :---: |"]
    mark = {True: "yes", False: "**no**", None: "–"}
    for r in rows:
        lines.append(f"| {r['target']} | {_fmt(r['value'])} | {r['goal']} | {mark[r['met']]} |")
    return "\n".join(lines)


def render(results: dict) -> str:
    m = results.get("machine", {})
    head = (
        f"Comptoir benchmarks — {m.get('server')} · {m.get('layer', '').rsplit('.', 1)[-1]} · "
        f"{m.get('database')} · Python {m.get('python')} · {m.get('cores')} cores "
        f"(server on {m.get('server_core')}, client on {m.get('client_core')}) · "
        f"commit {str(m.get('git_commit', ''))[:10]}{' (dirty)' if m.get('git_dirty') else ''}"
        f" · {results.get('wall_s')} s"
    )
    parts = [head, "", figures_table(results), "", targets_table(results.get("targets", []))]
    compare = compare_table(results)
    if compare:
        parts += ["", compare]
    profile = results.get("profile")
    if profile:
        from bench.profile import format_top

        parts += ["", f"Profile of the server, {profile['scenario']} (py-spy, GIL held):", ""]
        parts += ["```", format_top(profile, 15), "```"]
    errors = results.get("errors", {})
    problems = [f"- phase {name} failed: {error}" for name, error in errors.items()]
    problems += [
        f"- {e['app']} ({e['server']}): {e['count']} unhandled exceptions, e.g. {e['samples'][:2]}"
        for e in results.get("server_errors", [])
    ]
    if problems:
        parts += ["", "Problems:", *problems]
    return "\n".join(parts) + "\n"


def write(results: dict, directory: Path = RESULTS) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / "latest.json"
    table_path = directory / "latest.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    table_path.write_text(render(results))
    return json_path, table_path
