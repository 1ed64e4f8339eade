"""WebSocket routes of every app."""

from django.urls import path

from miniprograms.live.consumers import LiveRoomConsumer
from superapp.realtime.consumers import UserEventsConsumer

websocket_urlpatterns = [
    path("ws/", UserEventsConsumer.as_asgi()),
    path("ws/live/<int:show_id>/", LiveRoomConsumer.as_asgi()),
]
