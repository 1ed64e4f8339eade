"""Serving mini-program bundles (not part of the JSON API), and the long-link redirect.

A bundle is third-party code. It is served with a strict Content-Security-Policy whose
``sandbox`` directive (no ``allow-same-origin``) puts the page in an opaque origin: it cannot
read Plaza cookies or storage, and it talks to the host page only through postMessage
(plaza-sdk.js). No cookie is ever set on these responses. In production, serve ``/mp/`` from a
separate origin as well (MINIPROGRAM_BUNDLE_BASE_URL) — defence in depth.

Because the sandboxed page has an opaque origin, every request it makes for the bundle's own
scripts, styles and images is cross-origin: bundle files therefore say
``Cross-Origin-Resource-Policy: cross-origin`` (they are public code, like any CDN asset). The
Plaza app's own pages keep the project's strict headers.
"""

import mimetypes
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, HttpResponseRedirect, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.text import compress_string
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from miniprograms import bundles, links, selectors
from superapp.core.errors import NotFound, error_body

# Development servers a bundle may call while DEBUG is on (examples/coffee: 127.0.0.1:8401).
# (CSP host sources cannot name IPv6 literals: Chromium drops "http://[::1]:*" as invalid.)
DEVELOPMENT_CONNECT_SOURCES = ("http://localhost:*", "http://127.0.0.1:*")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def bundle_csp() -> str:
    """The bundle pages' policy. ``frame-ancestors`` admits the Plaza app's origin
    (``PUBLIC_BASE_URL``) besides the serving origin, so a bundle on a separate origin can be
    framed by the app; ``connect-src`` admits Plaza itself (its API) and localhost development
    servers only under DEBUG."""
    ancestors = [
        "'self'",
        *([_origin(settings.PUBLIC_BASE_URL)] if settings.PUBLIC_BASE_URL else []),
    ]
    # Plaza's own API (the Storefront API, docs/shop.md) is reachable from every bundle.
    plaza = [_origin(settings.PUBLIC_BASE_URL)] if settings.PUBLIC_BASE_URL else []
    connect = [
        "'self'",
        *plaza,
        "https:",
        *(DEVELOPMENT_CONNECT_SOURCES if settings.DEBUG else ()),
    ]
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: https:",
            f"connect-src {' '.join(connect)}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {' '.join(ancestors)}",
            "sandbox allow-scripts allow-forms allow-popups",
        ]
    )


def _not_found() -> HttpResponse:
    return _harden(JsonResponse(error_body("not_found", "Not found."), status=404))


def _harden(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = bundle_csp()
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response.cookies.clear()
    return response


def _serve(request, version, path: str) -> HttpResponse:
    if version is None:
        return _not_found()
    if not path:
        # The entry page's relative URLs (``../plaza-sdk.js``) must resolve inside the bundle,
        # so the bundle's root sends the frame to the page's own path — with the query, which
        # carries ``code`` and ``state`` when the root is the app's OAuth redirect URI.
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponseRedirect(
            f"{request.path}{version.manifest['entry_page']}.html" + (f"?{query}" if query else "")
        )
        response["Cache-Control"] = "no-cache"
        return _harden(response)
    if not bundles.is_servable(path):
        return _not_found()
    response = _bundle_file(request, version, path)
    return _not_found() if response is None else _harden(response)


# Text a bundle is made of, sent gzipped to a browser that takes it (a storefront's script:
# 268,494 → 84,100 bytes, fetched again on every open: docs/miniprograms.md). Safe from
# BREACH-style guessing: a bundle file is public code with no secret in it.
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


def _bundle_file(request, version, path: str) -> HttpResponse | None:
    """The file at ``path`` of ``version``, gzipped if it is text and the browser takes gzip;
    304 if the browser has it already (the zip is not read then); None if there is no such
    file. A browser that kept a file asks again each time (a release changes what a path
    holds) and is answered 304 while the version is the same."""
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    compressible = content_type.startswith(_COMPRESSIBLE)
    gzipped = compressible and _accepts_gzip(request)
    etag = _etag(version, gzipped=gzipped)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        content = bundles.bundle_read(bytes(version.bundle), path)
        if content is None:
            return None
        response = HttpResponse(compress_string(content) if gzipped else content, content_type)
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["Cache-Control"] = "no-cache"
    response["ETag"] = etag
    if compressible:
        patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _accepts_gzip(request) -> bool:
    return bool(re.search(r"\bgzip\b", request.headers.get("Accept-Encoding", "")))


def _etag(version, *, gzipped: bool) -> str:
    """One tag per version and encoding: a version's files never change (a new upload is a new
    version), and the time it was made tells apart versions that reuse a deleted one's id."""
    made = int(version.created_at.timestamp() * 1_000_000)
    return f'"{version.pk}-{made}{"-gzip" if gzipped else ""}"'


# X-Frame-Options cannot name another origin; frame-ancestors in the CSP decides framing.
@require_GET
@xframe_options_exempt
def released_file(request, app_id: str, path: str = ""):
    return _serve(request, selectors.released_bundle(app_id=app_id), path)


@require_GET
@xframe_options_exempt
def trial_file(request, app_id: str, token: str, path: str = ""):
    version_id = links.trial_version_id(token=token)
    version = selectors.trial_bundle(app_id=app_id, version_id=version_id) if version_id else None
    return _serve(request, version, path)


@require_GET
def long_link(request, code: str):
    """``/mp/l/{code}``: send the person to the Plaza app route that opens the mini-program at
    the link's page with its query."""
    try:
        link = selectors.share_link_resolve(code=code)
    except NotFound:
        return JsonResponse(error_body("link_not_found", "No such link."), status=404)
    target = links.app_open_path(app_id=link.miniprogram.app_id, path=link.path, query=link.query)
    return HttpResponseRedirect(links.public_base_url(request) + target)
