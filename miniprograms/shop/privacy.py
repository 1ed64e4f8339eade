"""Data rights: what the shop holds about a user, and how it forgets them.

Orders and refunds stay (they are money records) but lose the shipping address; carts,
reviews, reports and link visits go.
"""

from miniprograms.shop.models import (
    Attribution,
    Cart,
    Coupon,
    Order,
    Review,
    ReviewReport,
    ShareLink,
)


def export(user) -> dict:
    orders = Order.objects.filter(buyer=user).prefetch_related("lines").order_by("id")
    return {
        "orders": [
            {
                "id": o.pk,
                "shop_id": o.shop_id,
                "status": o.status,
                "total": {"amount": o.total, "currency": o.currency},
                "refunded_amount": o.refunded_amount,
                "shipping_address": o.shipping_address,
                "created_at": o.created_at.isoformat(),
                "lines": [
                    {"title": li.title, "options": li.options, "quantity": li.quantity}
                    for li in o.lines.all()
                ],
            }
            for o in orders
        ],
        "carts": [
            {"shop_id": c.shop_id, "items": [(i.sku_id, i.quantity) for i in c.items.all()]}
            for c in Cart.objects.filter(user=user).prefetch_related("items")
        ],
        "reviews": list(
            Review.objects.filter(author=user).values(
                "id", "product_id", "rating", "text", "photos"
            )
        ),
        "review_reports": list(
            ReviewReport.objects.filter(reporter=user).values("review_id", "reason")
        ),
        "coupons": list(Coupon.objects.filter(owner=user).values("code", "kind", "value")),
        "share_links_opened": list(
            Attribution.objects.filter(user=user).values("link__code", "created_at")
        ),
        "share_links_created": list(
            ShareLink.objects.filter(associate=user).values("code", "shop_id", "created_at")
        ),
    }


def erase(user) -> None:
    Order.objects.filter(buyer=user).update(shipping_address={})
    Cart.objects.filter(user=user).delete()
    Review.objects.filter(author=user).delete()
    ReviewReport.objects.filter(reporter=user).delete()
    Attribution.objects.filter(user=user).delete()
