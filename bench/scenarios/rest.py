"""Scenarios 6 and 7: the REST API over bulk-seeded data. Latency is measured over HTTP
against the running server; query counts in-process with the same code, at a small and
at the full data size, to show they do not grow with the data."""

import http.client
import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.client import now
from bench.stats import summary

NOT_AVAILABLE = "not available"


def available(path: str) -> bool:
    """Whether ``path`` is routed in this checkout (tickets and analytics land later)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def query_count(path: str, key: str) -> dict:
    """Queries one GET of ``path`` runs, and its status. A first, uncounted GET takes
    the once-a-minute write of the token's last use out of the count."""
    client = Client(headers={"Authorization": f"Token {key}"})
    client.get(path, secure=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, secure=True)
    return {"status": response.status_code, "queries": len(queries)}


def http_latency(port: int, path: str, key: str, *, requests: int, warmup: int = 5) -> dict:
    """Sequential GETs of ``path`` on one kept-alive connection, as a client behind the
    HTTPS proxy sends them (``X-Forwarded-Proto: https``)."""
    headers = {
        "Authorization": f"Token {key}",
        "X-Forwarded-Proto": "https",
        "Host": "127.0.0.1",
        "Accept": "application/json",
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, statuses, size, rows = [], set(), 0, None
    try:
        for n in range(warmup + requests):
            start = now()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = now() - start
            statuses.add(response.status)
            if n >= warmup:
                times.append(elapsed)
            size = len(body)
            if rows is None and response.status == 200:
                data = json.loads(body)
                rows = len(data["results"]) if isinstance(data, dict) and "results" in data else 1
    finally:
        conn.close()
    return {
        "latency_ms": summary(times),
        "status": sorted(statuses),
        "bytes": size,
        "rows": rows,
    }
