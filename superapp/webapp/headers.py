"""Security headers of the app's pages and files (no Django imports: settings load this)."""

from urllib.parse import urlsplit

# Paths the app never answers: the API, OAuth, sockets, mini-program bundles, the admins,
# static files, health and metrics (CLIENT.md, Layout).
RESERVED_PREFIXES = (
    "/api/",
    "/o/",
    "/ws/",
    "/mp/",
    "/admin/",
    "/brand-admin/",
    "/static/",
    "/healthz",
    "/metrics",
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def app_content_security_policy(
    bundle_base_url: str, media_public_url: str = "", style_nonce: str = ""
) -> str:
    """Scripts and styles only from Plaza itself (no inline code; the one exception, a
    ``<style>`` element carrying the page's ``style_nonce``, see :func:`with_style_nonce`),
    never framed, frames only from the mini-program bundle origin, connections (fetch and the
    socket) only to Plaza and the live media server (hls.js fetches its playlists and
    segments); video from Plaza, the media server, MSE's ``blob:`` and https (external streams
    and replays)."""
    bundle_origin = _origin(bundle_base_url) or "'self'"
    media_origin = _origin(media_public_url)
    media = f" {media_origin}" if media_origin else ""
    nonce = f" 'nonce-{style_nonce}'" if style_nonce else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self'{nonce}",
            "img-src 'self' data: blob: https:",
            f"connect-src 'self'{media}",
            f"media-src 'self' blob: https:{media}",
            f"frame-src {bundle_origin}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def with_style_nonce(html: bytes, nonce: str) -> bytes:
    """The app's shell with the nonce its own scripts put on the ``<style>`` elements they add
    (a dialog's scroll lock: Radix's ``react-remove-scroll`` asks ``get-nonce``, which the app
    gives this ``<meta>``'s content). Without it the CSP refuses those styles, and the page
    behind an open dialog keeps scrolling."""
    meta = f'<meta name="csp-nonce" content="{nonce}">'.encode()
    return html.replace(b"<head>", b"<head>" + meta, 1)


def is_immutable_app_file(path: str, url: str) -> bool:
    """Vite's hashed bundles (``/assets/*``) never change under their name."""
    return url.startswith("/assets/")


def add_app_headers(headers, path: str, url: str) -> None:
    """Whitenoise hook: the app's root files (index.html, assets) carry the app's CSP."""
    if url.startswith("/static/"):
        return
    from django.conf import settings

    headers["Content-Security-Policy"] = app_content_security_policy(
        settings.MINIPROGRAM_BUNDLE_BASE_URL, settings.LIVE_MEDIA_PUBLIC_URL
    )
