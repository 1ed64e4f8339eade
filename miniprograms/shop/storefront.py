"""The brands' storefront: one mini-program bundle (web/storefront, built by ``make web-build``)
released as the shop's own mini-program for every brand that has a shop (docs/shop.md).

The bundle is the built files as they are, plus ``app.json`` (the manifest), ``plaza-sdk.js``
(the public SDK, miniprograms/static) and ``storefront-config.js`` (which shop this release
serves).
Its version is named after a hash of the bundle, so releasing again changes nothing until the
build or the shop's facts change.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from miniprograms import services as miniprogram_services
from miniprograms.shop.errors import STOREFRONT_NOT_BUILT
from miniprograms.shop.models import Shop
from superapp.core.errors import Conflict

#: What the storefront asks a person for: shopping as them, and their address book.
STOREFRONT_SCOPES = ["shop", "address", "pay"]
SDK_FILE = Path(settings.BASE_DIR) / "miniprograms" / "static" / "plaza-sdk.js"
# A fixed timestamp: the same files make the same zip, byte for byte.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Release:
    shop: Shop
    version: str
    released: bool  # False: this very bundle was already the released version


def built_files() -> dict[str, bytes]:
    """The built storefront's files by path; 409 ``storefront_not_built`` without a build
    (before anything is written)."""
    dist = Path(settings.STOREFRONT_DIST_DIR)
    if not (dist / "index.html").is_file():
        raise Conflict(
            f"The storefront is not built ({dist}/index.html is missing): run `make web-build`.",
            code=STOREFRONT_NOT_BUILT,
        )
    return {
        path.relative_to(dist).as_posix(): path.read_bytes()
        for path in sorted(dist.rglob("*"))
        if path.is_file()
    }


def storefront_bundle(shop: Shop, files: dict[str, bytes]) -> bytes:
    manifest = {
        "name": shop.name[:64],
        "pages": ["index"],
        "entry_page": "index",
        "scopes": STOREFRONT_SCOPES,
        # the storefront's pages (CONTRACTS.md), all drawn by index.html
        "routes": ["/", "/products/", "/cart", "/orders", "/orders/", "/teams/"],
    }
    extra = {
        "app.json": json.dumps(manifest).encode(),
        "plaza-sdk.js": SDK_FILE.read_bytes(),
        # a classic script, not JSON: the sandboxed page's fetches of its own files are
        # cross-origin (its origin is opaque) and bundle files answer no CORS
        "storefront-config.js": (
            "window.plazaStorefront = "
            + json.dumps(
                {
                    "shop_id": shop.pk,
                    "app_id": shop.miniprogram.app_id,
                    "currency": shop.currency,
                    # where the Storefront API is ("": the origin that serves the bundle)
                    "api_base_url": settings.PUBLIC_BASE_URL,
                    "max_review_photos": settings.SHOP_MAX_REVIEW_PHOTOS,
                }
            )
            + ";\n"
        ).encode(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted({**files, **extra}.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), content)
    return out.getvalue()


def _storefront_release(*, shop: Shop, files: dict[str, bytes] | None = None) -> Release:
    """Release the built storefront (or ``files``) as ``shop``'s mini-program (idempotent)."""
    bundle = storefront_bundle(shop, built_files() if files is None else files)
    version = "sf-" + hashlib.sha256(bundle).hexdigest()[:12]
    miniprogram = miniprogram_services.public_client_set(
        miniprogram=shop.miniprogram, scopes=STOREFRONT_SCOPES
    )
    _, released = miniprogram_services.first_party_release(
        miniprogram=miniprogram,
        version=version,
        bundle=bundle,
        description=f"{shop.name}: browse the collections, order and pay in Plaza.",
    )
    return Release(shop=shop, version=version, released=released)


storefront_release = transaction.atomic(_storefront_release)  # manage.py storefront_release
# a new shop's first release joins shop_enable's transaction (docs/architecture.md,
# "Transactions"): it is given the files, so the one refusal it answers (no build) comes first
storefront_release_nested = transaction.atomic(savepoint=False)(_storefront_release)


def storefront_release_all() -> list[Release]:
    """Every shop's storefront, brought to the current build (``manage.py storefront_release``)."""
    files = built_files()
    shops = Shop.objects.select_related("miniprogram__oauth_application").order_by("pk")
    return [storefront_release(shop=shop, files=files) for shop in shops]
