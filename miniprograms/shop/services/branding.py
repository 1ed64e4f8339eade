"""The storefront's branding: its logo, accent colour and home banners."""

import re

from django.conf import settings
from django.db import transaction

from miniprograms.shop import selectors
from miniprograms.shop.errors import (
    BANNER_TARGET_NOT_FOUND,
    INVALID_ACCENT_COLOR,
    TOO_MANY_BANNERS,
)
from miniprograms.shop.models import Collection, Product, Shop
from miniprograms.shop.services.catalogue import _image_urls
from superapp.core.errors import InvalidInput
from superapp.official.selectors import MANAGERS

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TARGETS = {"collection": Collection, "product": Product}


def _banner(actor, shop: Shop, banner: dict, index: int) -> dict:
    [image] = _image_urls(actor, [banner["image"]], "product")
    link = banner.get("link")
    if link:
        model = _TARGETS[link["kind"]]
        if not model.objects.filter(shop=shop, pk=link["id"]).exists():
            raise InvalidInput(
                fields={f"banners[{index}].link": [f"No such {link['kind']} in this shop."]},
                code=BANNER_TARGET_NOT_FOUND,
            )
        link = {"kind": link["kind"], "id": link["id"]}
    return {"image": image, "link": link or None}


@transaction.atomic
def shop_branding_update(*, actor, shop_id: int, **changes) -> Shop:
    """Change the given branding fields: ``logo`` (an upload id or URL; empty clears it),
    ``accent_color`` (#rrggbb, stored lower-case; empty clears it) and ``banners`` (the whole
    list, in order, each an image and an optional link to a collection or product)."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    fields = []
    if "accent_color" in changes:
        color = changes["accent_color"] or ""
        if color and not _COLOR.match(color):
            raise InvalidInput(
                fields={"accent_color": ["A colour is written #rrggbb."]},
                code=INVALID_ACCENT_COLOR,
            )
        shop.accent_color = color.lower()
        fields.append("accent_color")
    if "logo" in changes:
        logo = changes["logo"]
        shop.logo = _image_urls(actor, [logo], "product")[0] if logo else ""
        fields.append("logo")
    if "banners" in changes:
        banners = changes["banners"]
        if len(banners) > settings.SHOP_MAX_BANNERS:
            raise InvalidInput(
                fields={"banners": [f"At most {settings.SHOP_MAX_BANNERS} banners."]},
                code=TOO_MANY_BANNERS,
            )
        shop.banners = [_banner(actor, shop, b, i) for i, b in enumerate(banners)]
        fields.append("banners")
    if fields:
        shop.save(update_fields=fields)
    return shop
