"""Attribution: share links staff create and buyers open."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from miniprograms.shop import selectors
from miniprograms.shop.models import (
    Attribution,
    Product,
    ShareLink,
)
from superapp.core.errors import NotFound

# --- Social selling attribution ------------------------------------------------------------------


@transaction.atomic
def share_link_create(
    *, actor, shop_id: int, product_id: int | None = None, moment_id: int | None = None
) -> ShareLink:
    """A brand associate's link, shared in chat or in a Moments post (``moment_id``)."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor)
    if product_id is not None and not Product.objects.filter(shop=shop, pk=product_id).exists():
        raise NotFound("No such product.", code="product_not_found")
    return ShareLink.objects.create(
        shop=shop,
        associate=actor,
        product_id=product_id,
        moment_id=moment_id,
        source=ShareLink.Source.MOMENT if moment_id else ShareLink.Source.ASSOCIATE,
        code=secrets.token_urlsafe(12),
    )


@transaction.atomic
def share_link_open(*, actor, code: str) -> ShareLink:
    """The buyer followed a link: their orders in this shop within the window credit it."""
    link = ShareLink.objects.filter(code=code).first()
    if link is None:
        raise NotFound("No such link.", code="share_link_not_found")
    Attribution.objects.create(
        user=actor,
        link=link,
        shop_id=link.shop_id,
        expires_at=timezone.now() + timedelta(days=settings.SHOP_ATTRIBUTION_WINDOW_DAYS),
    )
    return link
