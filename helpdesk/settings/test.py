"""The test suite: the environment-driven settings, tasks run inline, mail kept in memory."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK

DEBUG = False
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Argon2 is deliberately slow; tests log in thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="comptoir-test-media-")
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"widget_session": "1000/min"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not the shared-cache memory database: threads and server processes in the
    # tests then lock as SQLite really does (waiting), instead of failing on table locks.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"comptoir-test-{os.getpid()}.sqlite3")
    }
