"""ASGI entry point: HTTP through Django, WebSockets through Channels.

``get_asgi_application()`` runs first so that the apps are loaded before the consumers
(which import models) are.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.dev")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402

# What start-up loaded (Django, the apps, every module) is frozen out of the cyclic
# collector's reach, so that its full passes only walk what sockets hold. Raising the
# thresholds as well made those passes rarer but long enough to show in the chat's p99
# (docs/benchmarks.md); the defaults stay.
gc.freeze()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
