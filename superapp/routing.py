"""WebSocket routes of every app."""

from django.urls import path

from superapp.realtime.consumers import UserEventsConsumer

websocket_urlpatterns = [
    path("ws/", UserEventsConsumer.as_asgi()),
]
