"""``python -m bench`` (``make bench``): the whole benchmark on PostgreSQL and Redis.

Creates its own database (``comptoir_bench``, dropped at the end) and uses its own Redis
database number and channel prefix; starts and stops its own servers on loopback. Writes
``bench/results/latest.json`` and ``latest.md`` and prints the table.

Options: ``--smoke`` (tiny sizes, seconds), ``--only chat,rest`` (a subset),
``--runs N``, ``--no-profile`` (skip py-spy on the server during an extra closed-loop run),
``--server daphne``, ``--no-compare``, ``--sqlite`` (the embedded default: SQLite and the
in-memory layer, single-process scenarios only).
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.report import RESULTS

ADMIN_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE = os.environ.get("BENCH_DATABASE", "comptoir_bench")
PREFIX = "comptoir-bench"


def say(line: str = "") -> None:
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


def _parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes")
    parser.add_argument("--only", default="", help="comma-separated scenario groups")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the py-spy run (on by default)"
    )
    parser.add_argument("--server", default="uvicorn", choices=["uvicorn", "daphne"])
    parser.add_argument("--no-compare", action="store_true")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument(
        "--product-app",
        default="helpdesk.asgi:application",
        help="another ASGI entry point for the product (bench/variants/: proposed changes)",
    )
    return parser.parse_args(argv)


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def main(argv=None) -> int:
    args = _parse(argv)
    from bench import runner

    sizes = runner.SMOKE if args.smoke else runner.FULL
    if args.runs:
        sizes = replace(sizes, runs=args.runs)
    if args.no_compare:
        sizes = replace(sizes, compare=False)
    only = [s for s in args.only.split(",") if s] or None
    log_dir = RESULTS / "logs"
    if log_dir.exists():
        for old in log_dir.iterdir():
            old.unlink()
    sqlite_path = None
    if args.sqlite:
        sqlite_path = Path(tempfile.gettempdir()) / f"comptoir-bench-{os.getpid()}.sqlite3"
        database_url, redis_url = f"sqlite:///{sqlite_path}", None
    else:
        database_url, redis_url = f"{ADMIN_URL}/{DATABASE}", REDIS_URL
    environment = runner.Environment(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secrets.token_urlsafe(50),
        prefix=f"{PREFIX}-{os.getpid()}",
        log_dir=log_dir,
        server=args.server,
        pin=not args.no_pin,
    )
    # This process seeds and counts queries with the servers' own settings.
    os.environ.update(
        {k: v for k, v in environment.server_env().items() if k not in ("PYTHONUNBUFFERED",)}
    )
    if not redis_url:
        os.environ.pop("REDIS_URL", None)
    started = time.monotonic()
    if not args.sqlite:
        _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        _admin(f"CREATE DATABASE {DATABASE}")
        _flush_redis(redis_url)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        say(f"migrating {database_url}")
        call_command("migrate", verbosity=0, interactive=False)

        def log(line):
            say(f"[{time.monotonic() - started:6.1f}s] {line}")

        bench = runner.Bench(
            sizes,
            environment,
            log=log,
            only=only,
            profile=not (args.no_profile or args.smoke),
            product_app=args.product_app,
        )
        results = bench.run()
        from bench import report

        results["machine"] = report.machine(environment, bench.server_core, bench.client_core)
        results["sizes"] = runner.sizes_dict(sizes)
        results["targets"] = report.targets(results)
        results["total_s"] = round(time.monotonic() - started, 1)
        json_path, table_path = report.write(results)
        say()
        say(report.render(results))
        say(f"written: {json_path} and {table_path} ({results['total_s']} s in all)")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.sqlite:
            _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            _flush_redis(redis_url)
        elif sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
