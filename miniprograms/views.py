"""Serving mini-program bundles (not part of the JSON API).

A bundle is third-party code. It is served with a strict Content-Security-Policy whose
``sandbox`` directive (no ``allow-same-origin``) puts the page in an opaque origin: it cannot
read Plaza cookies or storage, and it talks to the host page only through postMessage
(plaza-sdk.js). No cookie is ever set on these responses. In production, serve ``/mp/`` from a
separate origin as well (MINIPROGRAM_BUNDLE_BASE_URL) — defence in depth.
"""

import mimetypes

from django.http import HttpResponse, JsonResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from miniprograms import bundles, links, selectors
from superapp.core.errors import error_body

BUNDLE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https:",
        "connect-src https:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "sandbox allow-scripts allow-forms allow-popups",
    ]
)


def _not_found() -> HttpResponse:
    return _harden(JsonResponse(error_body("not_found", "Not found."), status=404))


def _harden(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = BUNDLE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response.cookies.clear()
    return response


def _serve(version, path: str) -> HttpResponse:
    if version is None:
        return _not_found()
    path = path or f"{version.manifest['entry_page']}.html"
    if not bundles.is_servable(path):
        return _not_found()
    content = bundles.bundle_read(bytes(version.bundle), path)
    if content is None:
        return _not_found()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "no-cache"
    return _harden(response)


@require_GET
@xframe_options_sameorigin
def released_file(request, app_id: str, path: str = ""):
    return _serve(selectors.released_bundle(app_id=app_id), path)


@require_GET
@xframe_options_sameorigin
def trial_file(request, app_id: str, token: str, path: str = ""):
    version_id = links.trial_version_id(token=token)
    version = selectors.trial_bundle(app_id=app_id, version_id=version_id) if version_id else None
    return _serve(version, path)
