"""Cross-origin calls to the Storefront API (docs/shop.md, "Storefront API").

A storefront runs in a sandboxed frame whose origin is opaque (``Origin: null``), or on a
developer's own origin. The Storefront API is authorised by a bearer token only (never a
cookie), so answering CORS for any origin on exactly these paths lends nobody an ambient
credential (``/api/v1/media`` is there for review photos, the only upload a storefront's
token may make); every other API path keeps ``CORS_ALLOWED_ORIGINS``.
"""

import re

STOREFRONT_PATHS = re.compile(
    r"^/(?:o/token/"
    r"|api/v1/(?:shops/\d+(?:/(?:collections|products(?:/\d+(?:/(?:reviews|teams))?)?"
    r"|cart(?:/items)?|checkout))?"
    r"|brands/\d+/shop|shop/.+|me/addresses|media))$"
)


def storefront_cors(sender, request, **kwargs) -> bool:
    """``corsheaders.signals.check_request_enabled``: admit any origin on Storefront paths."""
    return bool(STOREFRONT_PATHS.match(request.path_info))
