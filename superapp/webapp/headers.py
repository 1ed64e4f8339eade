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


def app_content_security_policy(bundle_base_url: str) -> str:
    """Scripts and styles only from Plaza itself (no inline code), never framed, frames only
    from the mini-program bundle origin, connections (fetch and the socket) only to Plaza."""
    parts = urlsplit(bundle_base_url)
    bundle_origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob: https:",
            # Voice notes and videos: Plaza's own media, a bucket or CDN over HTTPS, and blob:
            # for a recording played before it is sent.
            "media-src 'self' blob: https:",
            "connect-src 'self'",
            f"frame-src {bundle_origin}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def is_immutable_app_file(path: str, url: str) -> bool:
    """Vite's hashed bundles (``/assets/*``) never change under their name."""
    return url.startswith("/assets/")


def add_app_headers(headers, path: str, url: str) -> None:
    """Whitenoise hook: the app's root files (index.html, assets) carry the app's CSP."""
    if url.startswith("/static/"):
        return
    from django.conf import settings

    headers["Content-Security-Policy"] = app_content_security_policy(
        settings.MINIPROGRAM_BUNDLE_BASE_URL
    )
