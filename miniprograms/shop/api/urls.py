from django.urls import path

from miniprograms.shop import services
from miniprograms.shop.api import views

shop = "shops/<int:shop_id>"
manage = f"{shop}/manage"

urlpatterns = [
    path("brands/<int:brand_id>/shop", views.BrandShopView.as_view(), name="brand-shop"),
    path(shop, views.ShopDetailView.as_view(), name="shop"),
    path(f"{shop}/branding", views.ShopBrandingView.as_view(), name="shop-branding"),
    path(f"{shop}/collections", views.CollectionsView.as_view(), name="shop-collections"),
    path(f"{shop}/products", views.ProductsView.as_view(), name="shop-products"),
    path(
        f"{shop}/products/<int:product_id>",
        views.ProductDetailView.as_view(),
        name="shop-product",
    ),
    path(
        f"{shop}/products/<int:product_id>/publish",
        views.ProductPublishView.as_view(published=True),
        name="shop-product-publish",
    ),
    path(
        f"{shop}/products/<int:product_id>/unpublish",
        views.ProductPublishView.as_view(published=False),
        name="shop-product-unpublish",
    ),
    path(f"{shop}/products/<int:product_id>/skus", views.SkusView.as_view(), name="shop-skus"),
    path(f"{shop}/skus/<int:sku_id>", views.SkuDetailView.as_view(), name="shop-sku"),
    path(
        f"{shop}/products/<int:product_id>/reviews",
        views.ProductReviewsView.as_view(),
        name="shop-product-reviews",
    ),
    path(
        f"{shop}/products/<int:product_id>/teams",
        views.TeamOpenView.as_view(),
        name="shop-team-open",
    ),
    path(f"{shop}/catalogue/import", views.CatalogueImportView.as_view(), name="shop-import"),
    path(f"{shop}/catalogue/imports", views.CatalogueImportsView.as_view(), name="shop-imports"),
    path(
        f"{shop}/catalogue/imports/<int:import_id>",
        views.CatalogueImportDetailView.as_view(),
        name="shop-import-detail",
    ),
    path(f"{shop}/cart", views.CartView.as_view(), name="shop-cart"),
    path(f"{shop}/cart/items", views.CartItemsView.as_view(), name="shop-cart-items"),
    path(f"{shop}/checkout", views.CheckoutView.as_view(), name="shop-checkout"),
    path(f"{manage}/products", views.StaffProductsView.as_view(), name="shop-manage-products"),
    path(f"{manage}/orders", views.StaffOrdersView.as_view(), name="shop-manage-orders"),
    path(
        f"{manage}/orders/<int:order_id>/ship",
        views.OrderShipView.as_view(),
        name="shop-order-ship",
    ),
    path(
        f"{manage}/orders/<int:order_id>/deliver",
        views.OrderDeliverView.as_view(),
        name="shop-order-deliver",
    ),
    path(
        f"{manage}/orders/<int:order_id>/refund",
        views.OrderRefundView.as_view(),
        name="shop-order-refund-brand",
    ),
    path(
        f"{manage}/orders/<int:order_id>/cancel",
        views.OrderBrandCancelView.as_view(),
        name="shop-order-cancel-brand",
    ),
    path(
        f"{manage}/refund-requests/<int:request_id>/decision",
        views.RefundDecisionView.as_view(),
        name="shop-refund-decision",
    ),
    path(f"{manage}/coupons", views.CouponsView.as_view(), name="shop-coupons"),
    path(
        f"{manage}/coupons/<int:coupon_id>/disable",
        views.CouponDisableView.as_view(),
        name="shop-coupon-disable",
    ),
    path(f"{manage}/reviews", views.StaffReviewsView.as_view(), name="shop-manage-reviews"),
    path(
        f"{manage}/reviews/<int:review_id>/reply",
        views.ReviewReplyView.as_view(),
        name="shop-review-reply",
    ),
    path(f"{manage}/share-links", views.ShareLinksView.as_view(), name="shop-share-links"),
    path("shop/orders", views.MyOrdersView.as_view(), name="shop-my-orders"),
    path("shop/orders/<int:order_id>", views.MyOrderView.as_view(), name="shop-my-order"),
    path(
        "shop/orders/<int:order_id>/cancel",
        views.BuyerOrderActionView.as_view(buyer_action=services.order_cancel),
        name="shop-order-cancel",
    ),
    path("shop/orders/<int:order_id>/pay", views.OrderPayView.as_view(), name="shop-order-pay"),
    path(
        "shop/orders/<int:order_id>/confirm-receipt",
        views.BuyerOrderActionView.as_view(buyer_action=services.order_complete),
        name="shop-order-confirm",
    ),
    path(
        "shop/orders/<int:order_id>/refund-requests",
        views.RefundRequestView.as_view(),
        name="shop-order-refund",
    ),
    path("shop/coupons", views.MyCouponsView.as_view(), name="shop-my-coupons"),
    path("shop/teams/<int:team_id>", views.TeamView.as_view(), name="shop-team"),
    path("shop/teams/<int:team_id>/join", views.TeamJoinView.as_view(), name="shop-team-join"),
    path("shop/reviews", views.ReviewsView.as_view(), name="shop-reviews"),
    path(
        "shop/reviews/<int:review_id>/reports",
        views.ReviewReportView.as_view(),
        name="shop-review-report",
    ),
    path(
        "shop/share-links/<str:code>/open",
        views.ShareLinkOpenView.as_view(),
        name="shop-share-link-open",
    ),
    path("shop/moderation/reports", views.ModerationReportsView.as_view(), name="shop-reports"),
    path(
        "shop/moderation/reviews/<int:review_id>",
        views.ModerationReviewView.as_view(),
        name="shop-moderate",
    ),
]
