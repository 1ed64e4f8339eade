"""URLs of mini-programs: bundle locations (released and signed trial paths), deep links with a
``scene`` (what a QR code carries) and long links, and QR codes as SVG (segno).

Absolute URLs start from the configured public base (``PUBLIC_BASE_URL``, and
``MINIPROGRAM_BUNDLE_BASE_URL`` for bundles) or, when that is not set, from the origin of the
request being answered — so they are right on whatever host and port serves Plaza."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core import signing

TRIAL_SALT = "miniprograms.trial"


def public_base_url(request) -> str:
    """Where people reach the Plaza app: ``PUBLIC_BASE_URL`` or the request's origin."""
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")


def bundle_base_url(request) -> str:
    """Where bundles are served: ``MINIPROGRAM_BUNDLE_BASE_URL`` or ``/mp`` on the request's
    origin."""
    return settings.MINIPROGRAM_BUNDLE_BASE_URL or request.build_absolute_uri("/mp")


def oauth_redirect_uri(*, app_id: str) -> str:
    """The app's registered OAuth redirect URI (its bundle path), fixed when no request is at
    hand: from ``MINIPROGRAM_BUNDLE_BASE_URL``, else ``PUBLIC_BASE_URL``."""
    base = settings.MINIPROGRAM_BUNDLE_BASE_URL or f"{settings.PUBLIC_BASE_URL}/mp"
    return f"{base}/{app_id}/"


def bundle_url(*, request, miniprogram, version) -> str:
    """Released: the app's own path. Trial: a path with a signed, expiring tester token in it,
    so relative URLs inside the bundle keep working without cookies."""
    base = f"{bundle_base_url(request)}/{miniprogram.app_id}/"
    if version.status != version.Status.TRIAL:
        return base
    token = signing.dumps({"v": version.pk}, salt=TRIAL_SALT, compress=True)
    return f"{base}~trial/{token}/"


def trial_version_id(*, token: str) -> int | None:
    try:
        payload = signing.loads(
            token, salt=TRIAL_SALT, max_age=settings.MINIPROGRAM_TRIAL_LINK_SECONDS
        )
    except signing.BadSignature:
        return None
    return payload["v"]


def app_open_path(*, app_id: str, path: str, scene: str = "", query: str = "") -> str:
    """The Plaza app's route that opens a mini-program at a page, with its scene or query
    (docs/miniprograms.md, "Sharing and entry points")."""
    params = {
        "path": path,
        **({"scene": scene} if scene else {}),
        **({"query": query} if query else {}),
    }
    return f"/apps/{app_id}?{urlencode(params)}"


def scene_link_url(*, base_url: str, app_id: str, path: str, scene: str) -> str:
    return base_url + app_open_path(app_id=app_id, path=path, scene=scene)


def long_link_url(*, base_url: str, link) -> str:
    return f"{base_url}/mp/l/{link.code}"


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4)
