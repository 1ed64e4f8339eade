from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from superapp.realtime import selectors
from superapp.realtime.services import user_group


class UserEventsConsumer(AsyncJsonWebsocketConsumer):
    """One socket per signed-in client. The server pushes the user's events as they commit;
    the client may send ``{"type": "sync", "cursor": C}`` to be sent what it missed, and
    ``{"type": "ping"}`` to keep the connection alive."""

    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "sync":
            await self._send_missed(content.get("cursor"))
        else:
            await self.send_json({"type": "error", "code": "unknown_command"})

    async def _send_missed(self, cursor) -> None:
        if not isinstance(cursor, int) or cursor < 0:
            await self.send_json({"type": "error", "code": "invalid_cursor"})
            return
        events = await database_sync_to_async(selectors.events_since)(
            user=self.scope["user"], cursor=cursor, limit=settings.SYNC_MAX_EVENTS
        )
        for event in events:
            await self.send_json(event.as_message())

    async def user_event(self, message):
        await self.send_json(message["event"])
