"""The product and the baseline on another channels-redis layer than the settings' batching
one, for the comparisons of ``make bench``: ``BENCH_LAYER=pubsub`` is the stock
``RedisPubSubChannelLayer`` (one PUBLISH at a time), ``BENCH_LAYER=core`` the core
``RedisChannelLayer`` (lists and BZPOPMIN, per-message expiry). Nothing else changes."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.production")
django.setup()

from django.conf import settings  # noqa: E402

BACKENDS = {
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    "core": "channels_redis.core.RedisChannelLayer",
}

if os.environ.get("REDIS_URL"):
    configured = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": BACKENDS[os.environ.get("BENCH_LAYER", "core")],
            "CONFIG": {
                "hosts": configured["CONFIG"]["hosts"],
                "prefix": configured["CONFIG"].get("prefix", "asgi"),
            },
        }
    }

from bench.baseline import application as baseline  # noqa: E402
from helpdesk.asgi import application as product  # noqa: E402

__all__ = ["baseline", "product"]
