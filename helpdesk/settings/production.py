"""Production: behind an HTTPS reverse proxy. ``manage.py check --deploy`` passes with no warning
once SECRET_KEY and ALLOWED_HOSTS come from the environment."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# Production sends real email: SMTP unless MAIL_PROVIDER names an ESP.
if MAIL_PROVIDER == "console":  # noqa: F405
    MAILERS["default"]["BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"  # noqa: F405
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Static files from collectstatic's output, compressed and cache-busted.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")  # noqa: F405
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
