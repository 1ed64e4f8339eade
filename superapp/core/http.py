"""HTTP for the ASGI server: Django's synchronous handler on a pool of worker threads.

Every API view is synchronous. Django's ASGI handler runs each request through an async
middleware chain whose synchronous parts (``MiddlewareMixin.process_request`` and
``process_response`` of every middleware, then the view) each hop from the event loop to a
thread and back, on a thread created for that request: about twenty thread hand-offs per
request, which measured as a third of a server's CPU under the messaging bench. Here a request
crosses once: the body is read on the loop, the whole WSGI request runs on a pooled thread (its
own database connection comes from the process-wide pool), and the finished response is sent
from the loop. ``async_to_sync`` inside a request (socket pushes) reaches the server's loop, as
it did under Django's handler.

Request bodies are limited while they stream in, before anything is buffered: a body longer
than its route's limit (``body_limit_for``: ``HTTP_BODY_LIMITS`` patterns, else
``HTTP_MAX_BODY_BYTES``) is answered 413 ``request_too_large`` as soon as its announced
``Content-Length`` or the bytes received so far pass the limit, whoever the caller is.

Responses are sent whole, which suits an API whose largest answers are settlement reports and
mini-program bundle files (2 MB at most). WebSockets stay on Channels (superapp/asgi.py).
"""

import json
from concurrent.futures import ThreadPoolExecutor
from fnmatch import fnmatchcase
from io import BytesIO

from asgiref.sync import sync_to_async
from asgiref.wsgi import WsgiToAsgiInstance
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from superapp.core.errors import REQUEST_TOO_LARGE


def body_limit_for(path: str) -> int:
    """The most bytes a request body to ``path`` may hold: the first ``HTTP_BODY_LIMITS``
    pattern (shell-style, ``*`` matches anything) that matches the path, else
    ``HTTP_MAX_BODY_BYTES``. Upload routes list their own pattern there."""
    for pattern, limit in settings.HTTP_BODY_LIMITS.items():
        if fnmatchcase(path, pattern):
            return limit
    return settings.HTTP_MAX_BODY_BYTES


def _announced_length(scope) -> int:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


class ThreadedWsgiApplication:
    def __init__(self, wsgi_application: WSGIHandler, threads: int):
        self.wsgi_application = wsgi_application
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="plaza-http")
        self._run = sync_to_async(self._respond, thread_sensitive=False, executor=self.executor)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"HTTP application received a {scope['type']!r} scope")
        limit = body_limit_for(scope["path"])
        if _announced_length(scope) > limit:
            return await _send_too_large(send, limit)
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                return await _send_too_large(send, limit)
            if not message.get("more_body"):
                break
        start, content = await self._run(scope, bytes(body))
        await send(start)
        await send({"type": "http.response.body", "body": content})

    def _respond(self, scope, body: bytes) -> tuple[dict, bytes]:
        """Run the WSGI application to completion on this worker thread (close() included:
        it sends ``request_finished``, which returns the database connection to the pool)."""
        adapter = WsgiToAsgiInstance(self.wsgi_application)
        adapter.scope = scope
        try:
            environ = adapter.build_environ(scope, BytesIO(body))
        except ValueError:  # too many duplicate headers
            return _plain(400, b"Bad Request"), b"Bad Request"
        # The body is read whole, so its length is known even when the client streamed it
        # (chunked transfer encoding has no Content-Length; Django would read nothing).
        environ["CONTENT_LENGTH"] = str(len(body))
        result = self.wsgi_application(environ, adapter.start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return adapter.response_start, content


async def _send_too_large(send, limit: int) -> None:
    body = json.dumps(
        {"code": REQUEST_TOO_LARGE, "detail": f"The request body exceeds {limit} bytes."}
    ).encode()
    start = _plain(413, body)
    start["headers"] = [(b"content-type", b"application/json"), *start["headers"][1:]]
    start["headers"].append((b"connection", b"close"))
    await send(start)
    await send({"type": "http.response.body", "body": body})


def _plain(status: int, body: bytes) -> dict:
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
    }
