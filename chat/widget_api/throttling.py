"""Rate limits of the widget's public endpoints, per client IP."""

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

FALLBACK_SCOPE = "widget_session"


class WidgetRateThrottle(ScopedRateThrottle):
    """A scope missing from ``DEFAULT_THROTTLE_RATES`` (``widget_offline``,
    ``widget_upload``) falls back to the ``widget_session`` rate instead of failing, so
    that the scopes can be tuned one by one in settings."""

    def get_rate(self):
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(self.scope) or rates.get(FALLBACK_SCOPE)
