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

# A process holding thousands of sockets holds millions of long-lived objects, and the
# cyclic collector's passes over them made each handshake dearer as sockets piled up
# (docs/benchmarks.md). What start-up loaded is frozen out of its reach, and collections run
# after 50,000 allocations rather than 700: reference counting frees almost everything.
gc.freeze()
gc.set_threshold(50_000, 20, 100)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
