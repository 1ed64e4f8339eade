"""Every write of the shop: enabling, catalogue, carts, checkout, the order state machine,
coupons, group buying, reviews and attribution.

Stock is reserved at checkout with one conditional ``UPDATE ... SET stock = stock - q WHERE
stock >= q`` per SKU (in SKU-id order, so concurrent checkouts cannot deadlock) and released
with the opposite update; a buyer who misses gets 409 ``out_of_stock`` and nothing is written.
Money never moves here: refunds are recorded as approved :class:`RefundRequest` rows that
``payment.py`` executes through payments (right after commit, and by beat), and payments'
events drive ``order_pay``/``refund_record_executed``.

Split by feature; this package root re-exports what other apps, the shop's api/ and tests call
(everything else is private to the package). Lower layers first: ``status``, ``pricing``,
``catalogue``, ``cart`` (stock), ``order_state`` (the state machine), ``refunds``,
``team_settlement``, ``paid``, then the entry points in ``checkout``, ``orders``, ``teams``,
``coupons``, ``reviews`` and ``sharing``.
"""

from miniprograms.shop.errors import InvalidTransition, OutOfStock
from miniprograms.shop.services.branding import shop_branding_update
from miniprograms.shop.services.cart import cart_item_set
from miniprograms.shop.services.catalogue import (
    catalogue_import,
    catalogue_import_run,
    catalogue_import_start,
    collection_create,
    product_create,
    product_publish,
    product_update,
    shop_enable,
    sku_create,
    sku_update,
)
from miniprograms.shop.services.checkout import order_checkout, order_checkout_nested
from miniprograms.shop.services.coupons import coupon_create, coupon_disable, coupon_issue_reward
from miniprograms.shop.services.holds import stock_holds_release_expired
from miniprograms.shop.services.orders import (
    order_cancel,
    order_complete,
    order_deliver,
    order_expire,
    order_pay,
    order_payable,
    order_payorder_create_nested,
    order_ship,
)
from miniprograms.shop.services.pricing import discounted
from miniprograms.shop.services.refunds import (
    order_cancel_by_brand,
    order_refund,
    refund_record_executed,
    refund_request_create,
    refund_request_decide,
)
from miniprograms.shop.services.reviews import (
    review_create,
    review_moderate,
    review_reply,
    review_report,
)
from miniprograms.shop.services.sharing import share_link_create, share_link_open
from miniprograms.shop.services.team_settlement import team_expire, team_refund_amount
from miniprograms.shop.services.teams import team_join, team_open

__all__ = [
    "InvalidTransition",
    "OutOfStock",
    "cart_item_set",
    "catalogue_import",
    "catalogue_import_run",
    "catalogue_import_start",
    "collection_create",
    "coupon_create",
    "coupon_disable",
    "coupon_issue_reward",
    "discounted",
    "order_cancel",
    "order_cancel_by_brand",
    "order_checkout",
    "order_checkout_nested",
    "order_complete",
    "order_deliver",
    "order_expire",
    "order_pay",
    "order_payable",
    "order_payorder_create_nested",
    "order_refund",
    "order_ship",
    "product_create",
    "product_publish",
    "product_update",
    "refund_record_executed",
    "refund_request_create",
    "refund_request_decide",
    "review_create",
    "review_moderate",
    "review_reply",
    "review_report",
    "share_link_create",
    "share_link_open",
    "shop_branding_update",
    "shop_enable",
    "sku_create",
    "sku_update",
    "stock_holds_release_expired",
    "team_expire",
    "team_join",
    "team_open",
    "team_refund_amount",
]
