"""ASGI entry point: HTTP through Django, WebSockets through Channels, one process for both."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from superapp.realtime.auth import BearerTokenAuthMiddleware  # noqa: E402
from superapp.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Sockets authenticate with a bearer token, never a cookie, so no Origin check is needed
        # (native clients send none) and cross-site socket hijacking has nothing to ride on.
        "websocket": BearerTokenAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
