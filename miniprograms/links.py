"""URLs of mini-programs: bundle locations (released and signed trial paths), deep links with a
``scene`` (what a QR code carries) and long links, and QR codes as SVG (segno)."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core import signing

TRIAL_SALT = "miniprograms.trial"


def bundle_url(*, miniprogram, version) -> str:
    """Released: the app's own path. Trial: a path with a signed, expiring tester token in it,
    so relative URLs inside the bundle keep working without cookies."""
    base = f"{settings.MINIPROGRAM_BUNDLE_BASE_URL}/{miniprogram.app_id}/"
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


def scene_link_url(*, app_id: str, path: str, scene: str) -> str:
    query = urlencode({"path": path, **({"scene": scene} if scene else {})})
    return f"{settings.MINIPROGRAM_LINK_BASE_URL}/{app_id}?{query}"


def long_link_url(link) -> str:
    return f"{settings.MINIPROGRAM_LINK_BASE_URL}/l/{link.code}"


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4)
