"""The benchmark run: seeds, starts the servers, runs every scenario in order against
the baseline and the product, and gathers the figures.

Django must be set up by the caller, on the database the servers will use (``make bench``:
a database of its own; the smoke test: the test database). Seeding and the query counts run
here, in this process; load comes from asyncio sockets in this process too, pinned to the
other core than the servers'.
"""

import asyncio
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import procs, seed
from bench import profile as profiler
from bench.client import close_all, now
from bench.scenarios import chat, rest, sockets, widget
from bench.stats import ratio


@dataclass
class Sizes:
    """How much of everything. FULL is issue 8's sizes, SMOKE the CI's."""

    runs: int = 3
    agents: int = 25
    slots: int = 10
    paced_chats: int = 100
    paced_rate: float = 200.0
    fast_rate: float = 500.0
    paced_s: float = 6.0
    closed_chats: int = 200
    closed_levels: tuple[int, ...] = (50, 100, 200)
    closed_s: float = 5.0
    closed_limit: int = 50_000
    idle_first: int = 5_000
    idle_total: int = 10_000
    idle_cpu_s: float = 10.0
    new_chats: int = 5
    storm_visitors: int = 1_000
    storm_missed: int = 20
    rest_small: int = 1_000
    rest_conversations: int = 100_000
    rest_messages: int = 20
    rest_tickets: int = 100_000
    rest_events: int = 5
    rest_requests: int = 100
    analytics_conversations: int = 1_000_000
    analytics_requests: int = 10
    compare: bool = True
    compare_s: float = 3.0
    deflate_sockets: int = 2_000
    profile_s: float = 8.0


FULL = Sizes()
SMOKE = Sizes(
    runs=1,
    agents=2,
    slots=10,
    paced_chats=3,
    paced_rate=20,
    fast_rate=40,
    paced_s=0.5,
    closed_chats=4,
    closed_levels=(2, 4),
    closed_s=0.5,
    closed_limit=60,  # 15 a chat: under the visitor socket's burst of 30
    idle_first=5,
    idle_total=10,
    idle_cpu_s=0.3,
    new_chats=1,
    storm_visitors=5,
    storm_missed=3,
    rest_small=4,
    rest_conversations=10,
    rest_messages=3,
    rest_tickets=10,
    rest_events=2,
    rest_requests=3,
    analytics_conversations=20,
    analytics_requests=2,
    compare=False,
    deflate_sockets=5,
    profile_s=1.0,
)

SCENARIOS = ("chat", "cross_process", "sockets", "storm", "rest", "analytics", "widget")


@dataclass
class Environment:
    """What the servers run against."""

    database_url: str
    redis_url: str | None
    secret_key: str
    prefix: str
    log_dir: Path
    server: str = "uvicorn"
    pin: bool = True
    extra_env: dict = field(default_factory=dict)

    def server_env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings.production",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": self.database_url,
            "CHANNEL_PREFIX": self.prefix,
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "false",
            "PYTHONUNBUFFERED": "1",
            # Static files are not measured here; an existing folder keeps WhiteNoise quiet.
            "STATIC_ROOT": str(self.log_dir),
            **self.extra_env,
        }
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        else:
            env.pop("REDIS_URL", None)
        return env


PRODUCT_APP = "helpdesk.asgi:application"
BASELINE_APP = "bench.baseline:application"


class Bench:
    def __init__(
        self,
        sizes: Sizes,
        environment: Environment,
        *,
        log=print,
        only=None,
        profile: bool = False,
        product_app: str = PRODUCT_APP,
    ):
        self.product_app = product_app
        self.sizes = sizes
        self.env = environment
        self.log = log
        self.only = set(only or SCENARIOS)
        self.profile = profile
        self.server_core, self.client_core = (
            procs.server_cores() if environment.pin else (None, None)
        )
        self.results: dict = {
            "scenarios": {},
            "baseline": {},
            "compare": {},
            "product_app": product_app,
        }
        self.servers: list[procs.Server] = []

    # --- plumbing ---------------------------------------------------------------------

    def start(self, app: str, *, kind: str | None = None, deflate: bool = False, env=None):
        server = procs.start_server(
            kind or self.env.server,
            app,
            env or self.env.server_env(),
            core=self.server_core,
            log_dir=self.env.log_dir,
            deflate=deflate,
        )
        self.servers.append(server)
        return server

    def stop(self, server: procs.Server) -> None:
        server.stop()
        if server in self.servers:
            self.servers.remove(server)
        errors = server.errors()
        if errors["count"] or errors["samples"]:
            self.results.setdefault("server_errors", []).append(
                {"server": server.kind, "app": server.app, "log": server.log.name, **errors}
            )
            self.log(f"  ! {server.app}: {errors['count']} exceptions {errors['samples']}")

    def stop_all(self) -> None:
        for server in list(self.servers):
            self.stop(server)

    def wants(self, name: str) -> bool:
        return name in self.only

    @property
    def cross_process(self) -> bool:
        return self.wants("cross_process") and bool(self.env.redis_url)

    # --- the run ----------------------------------------------------------------------

    def run(self) -> dict:
        s = self.sizes
        procs.pin_self(self.client_core)
        started = now()
        # The machine may be shared: its load, before and after, says how quiet it was.
        self.results["loadavg_start"] = [round(x, 2) for x in os.getloadavg()]
        self.log("seeding people, visitors and storm chats")
        people = seed.seed_people(agents=s.agents, slots=s.slots)
        tokens = seed.seed_visitors(s.closed_chats + s.idle_total + 2 * s.new_chats)
        storm = []
        if self.wants("storm"):
            storm = seed.seed_storm(
                visitors=s.storm_visitors, missed=s.storm_missed, agent_id=people.agent_ids[0]
            )
        seed.analyze()
        chat_tokens = tokens[: s.closed_chats]
        idle_tokens = tokens[s.closed_chats : s.closed_chats + s.idle_total]
        new_tokens = tokens[s.closed_chats + s.idle_total :]
        sockets_wanted = self.wants("chat") or self.wants("sockets") or self.wants("storm")
        try:
            if sockets_wanted:
                self._guard("baseline", lambda: self._asyncio(self.baseline_phase()))
                self._guard(
                    "product",
                    lambda: self._asyncio(
                        self.product_phase(people, chat_tokens, idle_tokens, new_tokens, storm)
                    ),
                )
            if s.compare and self.wants("chat"):
                self._guard("compare", lambda: self._asyncio(self.compare_phase(people, tokens)))
            if self.wants("rest") or self.wants("analytics"):
                self._guard("rest", lambda: self.rest_phase(people))
            if self.wants("widget"):
                self._guard("widget", self.widget_phase)
        finally:
            self.stop_all()
        self.results["wall_s"] = round(now() - started, 1)
        self.results["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        self.results["ratios"] = self.ratios()
        return self.results

    def _guard(self, name: str, phase) -> None:
        """Run one phase; a failure is recorded and logged, and the run goes on."""
        try:
            phase()
        except Exception as error:
            import traceback

            self.log(f"! {name} failed: {error!r}")
            self.log(traceback.format_exc())
            self.results.setdefault("errors", {})[name] = repr(error)
            self.stop_all()

    def widget_phase(self) -> None:
        self.log("8. widget weight")
        self.results["scenarios"]["8_widget"] = widget.measure()

    def _asyncio(self, coroutine):
        try:
            import uvloop
        except ImportError:
            return asyncio.run(coroutine)
        return asyncio.run(coroutine, loop_factory=uvloop.new_event_loop)

    # --- baseline ---------------------------------------------------------------------

    async def baseline_phase(self):
        s = self.sizes
        self.log(f"baseline: {self.env.server}, same settings and channel layer, no database")
        server = self.start(BASELINE_APP)
        out = self.results["baseline"]
        try:
            chats = await chat.open_baseline(server.ws, s.closed_chats, s.agents)
            self.log("  closed loop")
            out["closed_loop"] = await self.closed(server, chats, tag="b-closed")
            idle = []
            if self.wants("sockets") or self.wants("chat"):
                urls = [f"{server.ws}/ws/visitor/?chat=idle"] * s.idle_first
                opened, first = await sockets.add_idle(server, urls, self.log)
                idle += opened
                out["idle_first"] = first
            rss_idle = server.rss_bytes()
            for name, rate in (("paced", s.paced_rate), ("paced_fast", s.fast_rate)):
                self.log(f"  paced {rate:g} msg/s with {len(idle)} idle sockets")
                out[name] = await chat.paced_runs(
                    chats,
                    [server.pid],
                    chat_count=s.paced_chats,
                    rate=rate,
                    duration_s=s.paced_s,
                    runs=s.runs,
                    tag=f"b-{name}",
                    log=self.log,
                )
            if self.wants("sockets"):
                more = s.idle_total - len(idle)
                urls = [f"{server.ws}/ws/visitor/?chat=idle"] * more
                opened, second = await sockets.add_idle(server, urls, self.log)
                idle += opened
                out["idle_second"] = second
                out["idle"] = self._idle_totals(out.get("idle_first"), second, server, rss_idle)
                out["idle"]["idle_cpu_pct"] = await sockets.idle_cpu(server, s.idle_cpu_s)
            await close_all(idle)
            await chats.close()
        finally:
            self.stop(server)

    def _idle_totals(self, first, second, server, rss_before_paced) -> dict:
        """Both batches of idle sockets together. The paced runs between them may have
        grown the heap; the second batch alone is measured from just before it."""
        batches = [b for b in (first, second) if b]
        count = sum(b["sockets"] for b in batches)
        handshake_s = sum(b["sockets"] / b["handshakes_per_s"] for b in batches if b["sockets"])
        grown = sum(b["kb_per_socket"] * b["sockets"] for b in batches)
        return {
            "sockets": count,
            "failures": sum(b["failures"] for b in batches),
            "handshakes_per_s": round(count / handshake_s, 1) if handshake_s else None,
            "server_us_per_handshake": round(
                sum(b["server_us_per_handshake"] * b["sockets"] for b in batches) / max(1, count),
                1,
            ),
            "kb_per_socket": round(grown / max(1, count), 1),
            "rss_mb": round(server.rss_bytes() / 2**20, 1),
        }

    # --- product ----------------------------------------------------------------------

    async def product_phase(self, people, chat_tokens, idle_tokens, new_tokens, storm):
        s = self.sizes
        layer = "BatchingPubSubChannelLayer" if self.env.redis_url else "InMemoryChannelLayer"
        self.log(f"product: {self.env.server}, {layer}")
        server = self.start(self.product_app)
        out = self.results["scenarios"]
        idle = []
        try:
            agents = await chat.open_product_agents(server.ws, people.agent_keys)
            visitors = await chat.open_product_chats(server.ws, chat_tokens, agents, "open")
            chats = chat.Chats("product", visitors, agents)
            self.log(f"  {len(visitors)} chats open with {len(agents)} agents")

            self.log("  2. closed loop")
            out["2_closed_loop"] = await self.closed(server, chats, tag="p-closed")
            if self.profile:
                await self.profile_run(server, chats, out["2_closed_loop"]["chats"])

            urls = [f"{server.ws}/ws/visitor/?token={t}" for t in idle_tokens[: s.idle_first]]
            opened, first = await sockets.add_idle(server, urls, self.log)
            idle += opened
            rss_idle = server.rss_bytes()
            out["1_paced"] = {}
            for name, rate in (("paced", s.paced_rate), ("paced_fast", s.fast_rate)):
                self.log(f"  1. paced {rate:g} msg/s with {len(idle)} idle sockets")
                out["1_paced"][name] = await chat.paced_runs(
                    chats,
                    [server.pid],
                    chat_count=s.paced_chats,
                    rate=rate,
                    duration_s=s.paced_s,
                    runs=s.runs,
                    tag=f"p-{name}",
                    log=self.log,
                )
                out["1_paced"][name]["idle_sockets"] = len(idle)

            if self.cross_process:
                out["3_cross_process"] = await self.cross_process_runs(people, server, chats)

            if self.wants("sockets"):
                self.log("  4. idle sockets")
                urls = [f"{server.ws}/ws/visitor/?token={t}" for t in idle_tokens[s.idle_first :]]
                opened, second = await sockets.add_idle(server, urls, self.log)
                idle += opened
                totals = self._idle_totals(first, second, server, rss_idle)
                totals["idle_cpu_pct"] = await sockets.idle_cpu(server, s.idle_cpu_s)
                totals["new_chat"] = await sockets.new_chats(
                    server.ws, new_tokens[: s.new_chats], agents, "p-new"
                )
                totals["batches"] = [first, second]
                out["4_idle_sockets"] = totals
                self.log(
                    f"    idle CPU {totals['idle_cpu_pct']} %, new chat ack"
                    f" {totals['new_chat']['ack_ms']['max']} ms, delivered"
                    f" {totals['new_chat']['delivered_ms']['max']} ms (max)"
                )

            if self.wants("storm") and storm:
                self.log(f"  5. reconnect storm ({len(idle)} idle sockets stay connected)")
                out["5_reconnect_storm"] = await sockets.storm_runs(
                    server, storm, runs=s.runs, log=self.log
                )
            await close_all(idle)
            await chats.close()
        finally:
            self.stop(server)

    async def cross_process_runs(self, people, server_a, chats) -> dict:
        """Scenario 3: the agents move to a second process; visitors stay on the first.
        Both processes share the server core, so the client keeps a core of its own."""
        s = self.sizes
        self.log("  3. cross-process: visitors on A, agents on B, through Redis")
        server_b = self.start(self.product_app)
        try:
            await asyncio.gather(*(a.close() for a in chats.agents))
            agents_b = await chat.open_product_agents(server_b.ws, people.agent_keys)
            moved = chat.Chats("product", chats.visitors, agents_b)
            result = await chat.paced_runs(
                moved,
                [server_a.pid, server_b.pid],
                chat_count=s.paced_chats,
                rate=s.paced_rate,
                duration_s=s.paced_s,
                runs=s.runs,
                tag="p-cross",
                log=self.log,
            )
            await asyncio.gather(*(a.close() for a in agents_b))
            chats.agents[:] = await chat.open_product_agents(server_a.ws, people.agent_keys)
        finally:
            self.stop(server_b)
        return result

    async def closed(self, server, chats, *, tag, levels=None, duration_s=None, runs=None):
        """Closed-loop runs against one server, with the settings' in-flight limit; levels,
        duration and runs are the sizes' unless given."""
        s = self.sizes
        return await chat.closed_runs(
            chats,
            [server.pid],
            levels=list(levels or s.closed_levels),
            duration_s=duration_s or s.closed_s,
            runs=runs or s.runs,
            limit=self.sizes.closed_limit,
            tag=tag,
            log=self.log,
        )

    async def profile_run(self, server, chats, level: int) -> None:
        """An extra closed-loop run, not counted, with py-spy sampling the server."""
        s = self.sizes
        raw = self.env.log_dir / "profile-closed-loop.txt"
        spy = profiler.start(server.pid, s.profile_s, raw, core=self.client_core)
        if spy is None:
            self.log("  profile: py-spy is not installed")
            return
        self.log(f"  profiling a closed-loop run at {level} chats ({s.profile_s:g} s)")
        await asyncio.sleep(0.5)
        await self.closed(
            server, chats, levels=[level], duration_s=s.profile_s, runs=1, tag="p-profile"
        )
        await asyncio.to_thread(spy.wait, 60)
        if raw.exists():
            top = profiler.top(raw)
            self.results["profile"] = {"scenario": f"2 closed loop, {level} chats", **top}
            self.log(profiler.format_top(top, 15))

    # --- comparisons ------------------------------------------------------------------

    async def compare_phase(self, people, tokens):
        """Why this server and this layer: the same short runs under the alternatives. The
        baseline shows the transport alone (closed loop and 500 msg/s paced), the product
        the whole path at the paced rate it sustains."""
        s = self.sizes
        out = self.results["compare"]
        variants = [("uvicorn", "batching"), ("daphne", "batching")]
        if self.env.redis_url:
            variants += [("uvicorn", "pubsub"), ("uvicorn", "core")]
        level = min(100, s.closed_chats)
        for kind, layer in variants:
            name = f"{kind}+{layer}"
            record = out[name] = {}
            self.log(f"compare: {name}")
            settings_layer = layer == "batching"
            env = {**self.env.server_env(), "BENCH_LAYER": layer}
            app = BASELINE_APP if settings_layer else "bench.variants.layers:baseline"
            server = self.start(app, kind=kind, env=env)
            try:
                chats = await chat.open_baseline(server.ws, level, s.agents)
                record["baseline_closed"] = await self.closed(
                    server, chats, levels=[level], duration_s=s.compare_s, runs=1, tag=f"cb-{name}"
                )
                record["baseline_paced_fast"] = await chat.paced_runs(
                    chats,
                    [server.pid],
                    chat_count=min(s.paced_chats, level),
                    rate=s.fast_rate,
                    duration_s=s.compare_s,
                    runs=1,
                    tag=f"cbp-{name}",
                    log=self.log,
                )
                await chats.close()
            finally:
                self.stop(server)
            app = self.product_app if settings_layer else "bench.variants.layers:product"
            server = self.start(app, kind=kind, env=env)
            try:
                agents = await chat.open_product_agents(server.ws, people.agent_keys)
                visitors = await chat.open_product_chats(
                    server.ws, tokens[: s.paced_chats], agents, f"c-{name}"
                )
                chats = chat.Chats("product", visitors, agents)
                record["product_paced"] = await chat.paced_runs(
                    chats,
                    [server.pid],
                    chat_count=s.paced_chats,
                    rate=s.paced_rate,
                    duration_s=s.compare_s,
                    runs=1,
                    tag=f"cp-{name}",
                    log=self.log,
                    warmup_s=1.0,
                )
                await chats.close()
            finally:
                self.stop(server)
        for deflate in (True, False):
            label = "on" if deflate else "off"
            self.log(f"compare: permessage-deflate {label} (baseline, idle sockets)")
            server = self.start(BASELINE_APP, deflate=deflate)
            try:
                urls = [f"{server.ws}/ws/visitor/?chat=idle"] * s.deflate_sockets
                opened, figures = await sockets.add_idle(server, urls, self.log)
                out[f"deflate_{label}_idle"] = figures
                await close_all(opened)
            finally:
                self.stop(server)

    # --- REST -------------------------------------------------------------------------

    def rest_phase(self, people) -> None:
        s = self.sizes
        out = self.results["scenarios"]
        tickets_ok = rest.available("/api/v1/tickets/")
        analytics_ok = rest.available("/api/v1/analytics/summary/")
        key = people.supervisor_key
        agent = people.agent_ids[1 % len(people.agent_ids)]
        self.log("6. REST at scale: seeding the small size")
        small = seed.seed_conversations(
            conversations=s.rest_small, messages=s.rest_messages, log=self.log
        )
        small_tickets = (
            seed.seed_tickets(tickets=s.rest_small, events=s.rest_events, log=self.log)
            if tickets_ok
            else None
        )
        seed.analyze()

        def paths(conversations, tickets):
            found = {
                "conversations_filtered": f"/api/v1/conversations/?status=closed&assignee={agent}",
                "conversation_messages": (
                    f"/api/v1/conversations/{conversations['sample_conversation']}/messages/"
                ),
            }
            if tickets:
                found["tickets_filtered"] = f"/api/v1/tickets/?state=open&assignee={agent}"
                found["ticket_detail"] = f"/api/v1/tickets/{tickets['sample_ticket']}/"
            return found

        counts_small = {
            name: rest.query_count(path, key) for name, path in paths(small, small_tickets).items()
        }
        self.log(f"  queries at {s.rest_small}: {counts_small}")
        self.log(
            f"  seeding {s.rest_conversations} conversations × {s.rest_messages} messages"
            + (f" and {s.rest_tickets} tickets × {s.rest_events} events" if tickets_ok else "")
        )
        seeded_at = now()
        big = seed.seed_conversations(
            conversations=s.rest_conversations - s.rest_small,
            messages=s.rest_messages,
            log=self.log,
        )
        big_tickets = (
            seed.seed_tickets(
                tickets=s.rest_tickets - s.rest_small, events=s.rest_events, log=self.log
            )
            if tickets_ok
            else None
        )
        seed.analyze()
        seed_s = round(now() - seeded_at, 1)
        counts_big = {
            name: rest.query_count(path, key) for name, path in paths(big, big_tickets).items()
        }
        server = self.start(self.product_app)
        try:
            endpoints = {}
            for name, path in paths(big, big_tickets).items():
                measured = rest.http_latency(server.port, path, key, requests=s.rest_requests)
                measured["path"] = path
                measured["queries_small"] = counts_small[name]["queries"]
                measured["queries_full"] = counts_big[name]["queries"]
                measured["queries_constant"] = measured["queries_small"] == measured["queries_full"]
                endpoints[name] = measured
                lat = measured["latency_ms"]
                self.log(
                    f"  {name}: p50 {lat['p50']} p95 {lat['p95']} ms, {measured['rows']} rows,"
                    f" {measured['queries_full']} queries (at {s.rest_small}:"
                    f" {measured['queries_small']})"
                )
            if not tickets_ok:
                endpoints["tickets_filtered"] = rest.NOT_AVAILABLE
                endpoints["ticket_detail"] = rest.NOT_AVAILABLE
            out["6_rest"] = {
                "conversations": s.rest_conversations,
                "messages_per_conversation": s.rest_messages,
                "tickets": s.rest_tickets if tickets_ok else 0,
                "events_per_ticket": s.rest_events,
                "seed_s": seed_s,
                "endpoints": endpoints,
            }
            if self.wants("analytics"):
                out["7_analytics"] = (
                    self.analytics(server, key) if analytics_ok else rest.NOT_AVAILABLE
                )
        finally:
            self.stop(server)

    def analytics(self, server, key) -> dict:
        """Scenario 7: the summary over every conversation seeded (90 days of them)."""
        from datetime import timedelta
        from urllib.parse import quote

        from django.utils import timezone

        s = self.sizes
        more = s.analytics_conversations - s.rest_conversations
        if more > 0:
            self.log(f"7. analytics: seeding {more} more conversations")
            seed.seed_history(conversations=more, days=90, log=self.log)
            seed.analyze()
        since = quote((timezone.now() - timedelta(days=91)).isoformat())
        path = f"/api/v1/analytics/summary/?since={since}"
        measured = rest.http_latency(server.port, path, key, requests=s.analytics_requests)
        measured["path"] = path
        measured["conversations"] = max(s.analytics_conversations, s.rest_conversations)
        measured["queries"] = rest.query_count(path, key)["queries"]
        lat = measured["latency_ms"]
        self.log(f"  summary: p50 {lat['p50']} p95 {lat['p95']} ms, {measured['queries']} queries")
        return measured

    # --- ratios -----------------------------------------------------------------------

    def ratios(self) -> dict:
        """Product ÷ baseline, same run (for throughput higher is better, for latency,
        CPU and memory lower is better)."""
        base = self.results["baseline"]
        product = self.results["scenarios"]
        found = {}
        closed, base_closed = product.get("2_closed_loop"), base.get("closed_loop")
        if closed and base_closed:
            found["closed_loop_msg_per_s"] = ratio(closed["msg_per_s"], base_closed["msg_per_s"])
            found["closed_loop_us_per_msg"] = ratio(
                closed["server_us_per_msg"], base_closed["server_us_per_msg"]
            )
        for name in ("paced", "paced_fast"):
            p, b = product.get("1_paced", {}).get(name), base.get(name)
            if p and b:
                found[f"{name}_p99"] = ratio(p["latency_ms"]["p99"], b["latency_ms"]["p99"])
                found[f"{name}_us_per_msg"] = ratio(p["server_us_per_msg"], b["server_us_per_msg"])
        cross, paced = product.get("3_cross_process"), product.get("1_paced", {}).get("paced")
        if cross and paced:
            found["cross_process_p99_vs_single"] = ratio(
                cross["latency_ms"]["p99"], paced["latency_ms"]["p99"]
            )
        idle, base_idle = product.get("4_idle_sockets"), base.get("idle")
        if idle and base_idle:
            found["kb_per_socket"] = ratio(idle["kb_per_socket"], base_idle["kb_per_socket"])
            found["handshakes_per_s"] = ratio(
                idle["handshakes_per_s"], base_idle["handshakes_per_s"]
            )
        return found


def sizes_dict(sizes: Sizes) -> dict:
    return asdict(sizes)
