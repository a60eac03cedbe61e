"""channels_redis's core ``RedisChannelLayer`` (lists and BZPOPMIN, per-message expiry) in
place of the ``RedisPubSubChannelLayer`` that the settings choose when REDIS_URL is set.
``product`` and ``baseline`` are the two applications; nothing else changes."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.production")
django.setup()

from django.conf import settings  # noqa: E402


def core_layer() -> dict:
    pubsub = settings.CHANNEL_LAYERS["default"]
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": pubsub["CONFIG"]["hosts"],
                "prefix": pubsub["CONFIG"].get("prefix", "asgi"),
            },
        }
    }


if os.environ.get("REDIS_URL"):
    settings.CHANNEL_LAYERS = core_layer()

from bench.baseline import application as baseline  # noqa: E402
from helpdesk.asgi import application as product  # noqa: E402

__all__ = ["baseline", "product"]
