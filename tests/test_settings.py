"""Settings follow the environment (helpdesk.settings.base), read in a fresh interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "pool": db.get("OPTIONS", {}).get("pool"),
    "prepare_threshold": db.get("OPTIONS", {}).get("prepare_threshold", "unset"),
    "channels": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "channel_hosts": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "mailer": settings.MAILERS["default"]["BACKEND"],
    "anymail": settings.ANYMAIL,
    "debug": settings.DEBUG,
}))
"""

# Variables the settings read: none may leak in from the shell running the tests.
READ_BY_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "MAIL_PROVIDER",
    "DEBUG",
    "CHANNEL_PREFIX",
    "DATABASE_PREPARED_STATEMENTS",
)


def settings_under(**env: str) -> dict:
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in READ_BY_SETTINGS and not name.startswith("ANYMAIL_")
    }
    clean["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings.base"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_means_the_embedded_defaults():
    probe = settings_under()

    assert probe["engine"] == "django.db.backends.sqlite3"
    assert probe["name"].endswith("db.sqlite3")
    assert probe["pool"] is None
    assert probe["channels"] == "channels.layers.InMemoryChannelLayer"
    assert probe["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert probe["mailer"] == "django.core.mail.backends.console.EmailBackend"
    assert probe["anymail"] == {}
    assert probe["debug"] is False


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    probe = settings_under(DATABASE_URL="postgres://u@h/db", REDIS_URL="redis://localhost:6379/1")

    assert probe["engine"] == "django.db.backends.postgresql"
    assert probe["name"] == "db"
    assert probe["conn_max_age"] == 0
    assert probe["pool"] == {"min_size": 2, "max_size": 20, "timeout": 10}
    assert probe["prepare_threshold"] == "unset"
    assert probe["channels"] == "helpdesk.channel_layer.BatchingPubSubChannelLayer"
    assert probe["channel_hosts"] == ["redis://localhost:6379/1"]
    assert probe["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert probe["cache_location"] == "redis://localhost:6379/1"


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    probe = settings_under(DATABASE_URL="postgres://u@h/db", DATABASE_PREPARED_STATEMENTS="false")

    assert probe["prepare_threshold"] is None


def test_mail_provider_selects_an_anymail_backend_and_its_settings():
    probe = settings_under(MAIL_PROVIDER="mailgun", ANYMAIL_MAILGUN_API_KEY="x")

    assert probe["mailer"] == "anymail.backends.mailgun.EmailBackend"
    assert probe["anymail"] == {"MAILGUN_API_KEY": "x"}


def test_mail_provider_smtp_is_djangos_backend():
    assert settings_under(MAIL_PROVIDER="smtp")["mailer"] == (
        "django.core.mail.backends.smtp.EmailBackend"
    )
