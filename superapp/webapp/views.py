import secrets

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from superapp.core.errors import json_not_found
from superapp.webapp.headers import (
    RESERVED_PREFIXES,
    app_content_security_policy,
    with_style_nonce,
)


def _reserved(path: str) -> bool:
    return any(path.startswith(p) or path == p.rstrip("/") for p in RESERVED_PREFIXES)


@csrf_exempt  # reads only; any other method on an unknown path is the API's JSON 404
def app_index(request, route: str = ""):
    """The app's shell for ``/`` and every client route (history fallback). Reserved prefixes,
    methods other than GET/HEAD and missing files with an extension keep the API's JSON 404."""
    index = settings.WEB_APP_DIR / "index.html"
    if (
        request.method not in ("GET", "HEAD")
        or _reserved(request.path)
        or "." in route.rsplit("/", 1)[-1]
        or not index.is_file()
    ):
        return json_not_found(request, None)
    nonce = secrets.token_urlsafe(18)  # a new one for every answer: nobody can guess it
    response = HttpResponse(
        with_style_nonce(index.read_bytes(), nonce), content_type="text/html; charset=utf-8"
    )
    response["Content-Security-Policy"] = app_content_security_policy(
        settings.MINIPROGRAM_BUNDLE_BASE_URL, settings.LIVE_MEDIA_PUBLIC_URL, style_nonce=nonce
    )
    response["Cache-Control"] = "no-cache"
    return response
