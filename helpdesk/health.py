"""Liveness and readiness for load balancers and orchestrators (P4)."""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

LAYER_TIMEOUT_S = 2


def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


async def readyz(request):
    """The database answers a query and the channel layer carries a message round trip."""
    checks = {"database": await _check_database(), "channel_layer": await _check_channel_layer()}
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


async def _check_database() -> str:
    def query():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    try:
        await sync_to_async(query, thread_sensitive=True)()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


async def _check_channel_layer() -> str:
    layer = get_channel_layer()
    try:
        channel = await layer.new_channel()
        payload = {"type": "health.check", "nonce": uuid.uuid4().hex}
        await layer.send(channel, payload)
        received = await asyncio.wait_for(layer.receive(channel), timeout=LAYER_TIMEOUT_S)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok" if received.get("nonce") == payload["nonce"] else "error: lost"
