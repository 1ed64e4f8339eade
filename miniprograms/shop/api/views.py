import csv
import io

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from miniprograms.shop import payment, selectors, services
from miniprograms.shop.api import serializers as s
from miniprograms.shop.errors import CSV_TOO_LARGE, INVALID_CSV
from miniprograms.shop.models import Collection, Coupon, Order, Product, Review, ReviewReport
from superapp.core.api import SelectorListView, validated
from superapp.core.errors import InvalidInput
from superapp.core.idempotency import run_idempotent
from superapp.core.permissions import IsConsumer, IsPlatformStaff, IsShopper
from superapp.official.selectors import MANAGERS

TAGS = ["shop"]


# --- Shop and catalogue --------------------------------------------------------------------------


class BrandShopView(APIView):
    permission_classes = [IsShopper]
    granted_methods = SAFE_METHODS  # its writes are the brand's

    @extend_schema(responses={200: s.ShopOutput}, tags=TAGS)
    def get(self, request, brand_id: int):
        return Response(s.ShopOutput(selectors.shop_for_brand(brand_id=brand_id)).data)

    @extend_schema(request=s.ShopEnableInput, responses={201: s.ShopOutput}, tags=TAGS)
    def post(self, request, brand_id: int):
        data = validated(s.ShopEnableInput, request.data)
        shop = services.shop_enable(actor=request.user, brand_id=brand_id, **data)
        return Response(s.ShopOutput(shop).data, status=status.HTTP_201_CREATED)


class ShopBrandingView(APIView):
    @extend_schema(
        request=s.ShopBrandingInput,
        responses={200: s.ShopOutput},
        tags=TAGS,
        description="Brand managers change the storefront's logo, accent colour (#rrggbb) and "
        "home banners (each an image, optionally linking to a collection or product of the "
        "shop). 400 `invalid_accent_color`, `banner_target_not_found`, `too_many_banners`.",
    )
    def patch(self, request, shop_id: int):
        data = validated(s.ShopBrandingInput, request.data, partial=True)
        services.shop_branding_update(actor=request.user, shop_id=shop_id, **data)
        return Response(s.ShopOutput(selectors.shop_get(shop_id=shop_id)).data)


class ShopDetailView(APIView):
    permission_classes = [IsShopper]
    granted_methods = SAFE_METHODS  # its writes are the brand's

    @extend_schema(responses={200: s.ShopOutput}, tags=TAGS)
    def get(self, request, shop_id: int):
        return Response(s.ShopOutput(selectors.shop_get(shop_id=shop_id)).data)


@extend_schema_view(get=extend_schema(tags=TAGS))
class CollectionsView(SelectorListView):
    permission_classes = [IsShopper]
    granted_methods = SAFE_METHODS  # its writes are the brand's
    model = Collection
    serializer_class = s.CollectionOutput
    pagination_class = None

    @staticmethod
    def selector(request, shop_id):
        return selectors.shop_get(shop_id=shop_id).collections.order_by("title")

    @extend_schema(request=s.CollectionInput, responses={201: s.CollectionOutput}, tags=TAGS)
    def post(self, request, shop_id: int):
        data = validated(s.CollectionInput, request.data)
        collection = services.collection_create(actor=request.user, shop_id=shop_id, **data)
        return Response(s.CollectionOutput(collection).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(parameters=[s.ProductSearchQuery], tags=TAGS))
class ProductSearchView(SelectorListView):
    """Published products: search by text, collection and price range (in ``currency``)."""

    permission_classes = [IsShopper]
    granted_methods = SAFE_METHODS  # its writes are the brand's

    model = Product
    serializer_class = s.ProductOutput
    include_drafts = False

    def get_shop(self, shop_id: int):
        return selectors.shop_get(shop_id=shop_id)

    def selector(self, request, shop_id):
        query = validated(s.ProductSearchQuery, request.query_params)
        return selectors.products_search(
            shop=self.get_shop(shop_id),
            text=query["q"],
            collection_id=query.get("collection"),
            currency=query.get("currency"),
            min_price=query.get("min_price"),
            max_price=query.get("max_price"),
            include_drafts=self.include_drafts,
        )


class ProductsView(ProductSearchView):
    @extend_schema(request=s.ProductInput, responses={201: s.ProductOutput}, tags=TAGS)
    def post(self, request, shop_id: int):
        data = validated(s.ProductInput, request.data)
        product = services.product_create(actor=request.user, shop_id=shop_id, **data)
        return _product_response(product, status.HTTP_201_CREATED)


class StaffProductsView(ProductSearchView):
    """Every product of the shop, drafts included (brand staff)."""

    permission_classes = [IsConsumer]  # brand staff, through the first-party app only
    include_drafts = True

    def get_shop(self, shop_id: int):
        return selectors.shop_for_staff(shop_id=shop_id, user=self.request.user)


def _product_response(product, code=status.HTTP_200_OK) -> Response:
    fresh = selectors.product_get(shop=product.shop, product_id=product.pk, include_drafts=True)
    return Response(s.ProductOutput(fresh).data, status=code)


class ProductDetailView(APIView):
    permission_classes = [IsShopper]
    granted_methods = SAFE_METHODS  # its writes are the brand's

    @extend_schema(responses={200: s.ProductOutput}, tags=TAGS)
    def get(self, request, shop_id: int, product_id: int):
        shop = selectors.shop_get(shop_id=shop_id)
        product = selectors.product_get(shop=shop, product_id=product_id)
        return Response(s.ProductOutput(product).data)

    @extend_schema(request=s.ProductUpdateInput, responses={200: s.ProductOutput}, tags=TAGS)
    def patch(self, request, shop_id: int, product_id: int):
        data = validated(s.ProductUpdateInput, request.data)
        product = services.product_update(
            actor=request.user, shop_id=shop_id, product_id=product_id, **data
        )
        return _product_response(product)


class ProductPublishView(APIView):
    published = True

    @extend_schema(request=None, responses={200: s.ProductOutput}, tags=TAGS)
    def post(self, request, shop_id: int, product_id: int):
        product = services.product_publish(
            actor=request.user, shop_id=shop_id, product_id=product_id, published=self.published
        )
        return _product_response(product)


class SkusView(APIView):
    @extend_schema(request=s.SkuInput, responses={201: s.SkuOutput}, tags=TAGS)
    def post(self, request, shop_id: int, product_id: int):
        data = validated(s.SkuInput, request.data)
        sku = services.sku_create(
            actor=request.user, shop_id=shop_id, product_id=product_id, **data
        )
        return Response(s.SkuOutput(sku).data, status=status.HTTP_201_CREATED)


class SkuDetailView(APIView):
    @extend_schema(request=s.SkuUpdateInput, responses={200: s.SkuOutput}, tags=TAGS)
    def patch(self, request, shop_id: int, sku_id: int):
        data = validated(s.SkuUpdateInput, request.data)
        sku = services.sku_update(actor=request.user, shop_id=shop_id, sku_id=sku_id, **data)
        return Response(s.SkuOutput(sku).data)


class CatalogueImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.CatalogueImportInput},
        responses={200: s.ImportReportOutput},
        tags=TAGS,
    )
    def post(self, request, shop_id: int):
        # who may import is settled before the upload is parsed or read
        selectors.shop_for_staff(shop_id=shop_id, user=request.user, roles=MANAGERS)
        rows = _read_csv(request)
        report = services.catalogue_import(actor=request.user, shop_id=shop_id, rows=rows)
        return Response(s.ImportReportOutput(report).data)


def _read_csv(request) -> list[dict]:
    upload = validated(s.CatalogueImportInput, request.data)["file"]
    if upload.size > settings.SHOP_MAX_CSV_BYTES:
        raise InvalidInput("The file is too large.", code=CSV_TOO_LARGE)
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The file must be UTF-8 CSV.", code=INVALID_CSV) from exc
    return list(csv.DictReader(io.StringIO(text)))


class CatalogueImportsView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.CatalogueImportInput},
        responses={202: s.CatalogueImportOutput},
        tags=TAGS,
        description="Queues the CSV for a task that applies it in batches (same columns and "
        "rules as `catalogue/import`); follow its progress and rejected rows at "
        "`catalogue/imports/{import_id}`.",
    )
    def post(self, request, shop_id: int):
        # who may import is settled before the upload is parsed or read
        selectors.shop_for_staff(shop_id=shop_id, user=request.user, roles=MANAGERS)
        job = services.catalogue_import_start(
            actor=request.user, shop_id=shop_id, rows=_read_csv(request)
        )
        return Response(s.CatalogueImportOutput(job).data, status=status.HTTP_202_ACCEPTED)


class CatalogueImportDetailView(APIView):
    @extend_schema(responses={200: s.CatalogueImportOutput}, tags=TAGS)
    def get(self, request, shop_id: int, import_id: int):
        shop = selectors.shop_for_staff(shop_id=shop_id, user=request.user, roles=MANAGERS)
        job = selectors.catalogue_import_get(shop=shop, import_id=import_id)
        return Response(s.CatalogueImportOutput(job).data)


@extend_schema_view(get=extend_schema(tags=TAGS))
class ProductReviewsView(SelectorListView):
    permission_classes = [IsShopper]
    granted_methods = SAFE_METHODS  # its writes are the brand's
    model = Review
    serializer_class = s.ReviewOutput

    @staticmethod
    def selector(request, shop_id, product_id):
        shop = selectors.shop_get(shop_id=shop_id)
        product = selectors.product_get(shop=shop, product_id=product_id)
        return selectors.reviews_for_product(product=product)


# --- Cart and checkout ---------------------------------------------------------------------------


def _cart_response(user, shop_id: int) -> Response:
    shop = selectors.shop_get(shop_id=shop_id)
    _, items = selectors.cart_for(user=user, shop=shop)
    return Response(s.CartOutput({"shop_id": shop.pk, "items": items}).data)


class CartView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(responses={200: s.CartOutput}, tags=TAGS)
    def get(self, request, shop_id: int):
        return _cart_response(request.user, shop_id)


class CartItemsView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(request=s.CartItemInput, responses={200: s.CartOutput}, tags=TAGS)
    def put(self, request, shop_id: int):
        data = validated(s.CartItemInput, request.data)
        services.cart_item_set(actor=request.user, shop_id=shop_id, **data)
        return _cart_response(request.user, shop_id)


def _order_created(order) -> Response:
    fresh = selectors.order_for_buyer(user=order.buyer, order_id=order.pk)
    return Response(s.OrderOutput(fresh).data, status=status.HTTP_201_CREATED)


class CheckoutView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(
        request=s.CheckoutInput,
        responses={201: s.OrderOutput},
        tags=TAGS,
        description="Creates an order and reserves its stock; 409 `out_of_stock` when an item "
        "ran out. Honours `Idempotency-Key`.",
    )
    def post(self, request, shop_id: int):
        data = validated(s.CheckoutInput, request.data)

        def checkout():
            order = services.order_checkout(actor=request.user, shop_id=shop_id, **data)
            # the order as placed, lines included: nothing changed it since (a team's or a
            # deal's order, below, may have been settled meanwhile and is read back)
            return Response(s.OrderOutput(order).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, checkout)


class TeamOpenView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(request=s.TeamOpenInput, responses={201: s.OrderOutput}, tags=TAGS)
    def post(self, request, shop_id: int, product_id: int):
        data = validated(s.TeamOpenInput, request.data)

        def open_team():
            order = services.team_open(
                actor=request.user, shop_id=shop_id, product_id=product_id, **data
            )
            return _order_created(order)

        return run_idempotent(request, open_team)


class TeamView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(responses={200: s.TeamOutput}, tags=TAGS)
    def get(self, request, team_id: int):
        return Response(s.TeamOutput(selectors.team_get(team_id=team_id)).data)


class TeamJoinView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(request=s.TeamOpenInput, responses={201: s.OrderOutput}, tags=TAGS)
    def post(self, request, team_id: int):
        data = validated(s.TeamOpenInput, request.data)

        def join():
            order = services.team_join(actor=request.user, team_id=team_id, **data)
            return _order_created(order)

        return run_idempotent(request, join)


# --- Buyer's orders ------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(tags=TAGS))
class MyOrdersView(SelectorListView):
    permission_classes = [IsShopper]
    model = Order
    serializer_class = s.OrderOutput

    @staticmethod
    def selector(request):
        return selectors.orders_for_buyer(user=request.user)


class MyOrderView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(responses={200: s.OrderOutput}, tags=TAGS)
    def get(self, request, order_id: int):
        order = selectors.order_for_buyer(user=request.user, order_id=order_id)
        return Response(s.OrderOutput(order).data)


class BuyerOrderActionView(APIView):
    """cancel (unpaid) or confirm-receipt (delivered → completed)."""

    permission_classes = [IsShopper]

    buyer_action = None

    @extend_schema(request=None, responses={200: s.OrderOutput}, tags=TAGS)
    def post(self, request, order_id: int):
        self.buyer_action(actor=request.user, order_id=order_id)
        order = selectors.order_for_buyer(user=request.user, order_id=order_id)
        return Response(s.OrderOutput(order).data)


class OrderPayView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(
        request=None,
        responses={201: s.OrderPayOutput, 200: s.OrderPayOutput},
        tags=TAGS,
        description="Creates the pay order of an unpaid order whose stock is still reserved "
        "(201); asking again answers the same `prepay_id` (200). The buyer then confirms it "
        "with the PIN at `POST /api/v1/pay/orders/{prepay_id}/confirm`. 422 "
        "`invalid_order_status` (not unpaid) or `reservation_expired`; 409 `shop_sandbox` while "
        "the shop's mini-program is in sandbox mode (the shop takes real money only).",
    )
    def post(self, request, order_id: int):
        order, created = payment.order_payorder_create(actor=request.user, order_id=order_id)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.OrderPayOutput(order).data, status=code)


class RefundRequestView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(request=s.RefundRequestInput, responses={201: s.RefundRequestOutput}, tags=TAGS)
    def post(self, request, order_id: int):
        data = validated(s.RefundRequestInput, request.data)
        refund = services.refund_request_create(actor=request.user, order_id=order_id, **data)
        return Response(s.RefundRequestOutput(refund).data, status=status.HTTP_201_CREATED)


# --- Brand staff: orders, refunds, coupons, replies, links ---------------------------------------


@extend_schema_view(get=extend_schema(parameters=[s.OrderListQuery], tags=TAGS))
class StaffOrdersView(SelectorListView):
    model = Order
    serializer_class = s.StaffOrderOutput

    @staticmethod
    def selector(request, shop_id):
        shop = selectors.shop_for_staff(shop_id=shop_id, user=request.user)
        query = validated(s.OrderListQuery, request.query_params)
        return selectors.orders_for_shop(
            shop=shop,
            status=query.get("status"),
            text=query["q"],
            created_from=query.get("created_from"),
            created_to=query.get("created_to"),
        )


def _staff_order_response(order) -> Response:
    fresh = selectors.orders_for_shop(shop=order.shop).get(pk=order.pk)
    return Response(s.StaffOrderOutput(fresh).data)


class OrderShipView(APIView):
    @extend_schema(request=s.ShipInput, responses={200: s.StaffOrderOutput}, tags=TAGS)
    def post(self, request, shop_id: int, order_id: int):
        data = validated(s.ShipInput, request.data)
        order = services.order_ship(actor=request.user, shop_id=shop_id, order_id=order_id, **data)
        return _staff_order_response(order)


class OrderDeliverView(APIView):
    @extend_schema(request=None, responses={200: s.StaffOrderOutput}, tags=TAGS)
    def post(self, request, shop_id: int, order_id: int):
        order = services.order_deliver(actor=request.user, shop_id=shop_id, order_id=order_id)
        return _staff_order_response(order)


class OrderRefundView(APIView):
    @extend_schema(
        request=s.BrandRefundInput,
        responses={201: s.RefundRequestOutput},
        tags=TAGS,
        description="Brand managers pay back `amount` (default: all that is still refundable) "
        "of a paid, shipped or delivered order, through payments, right after the call. 422 "
        "`refund_too_large` (with `refundable`), `nothing_to_refund`, `invalid_order_status`.",
    )
    def post(self, request, shop_id: int, order_id: int):
        data = validated(s.BrandRefundInput, request.data)
        refund = services.order_refund(
            actor=request.user, shop_id=shop_id, order_id=order_id, **data
        )
        return Response(s.RefundRequestOutput(refund).data, status=status.HTTP_201_CREATED)


class OrderBrandCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.StaffOrderOutput},
        tags=TAGS,
        description="Brand managers cancel an unpaid order (stock released), or a paid, "
        "unshipped one: refunded in full with every unit restocked, then `refunded`.",
    )
    def post(self, request, shop_id: int, order_id: int):
        order = services.order_cancel_by_brand(
            actor=request.user, shop_id=shop_id, order_id=order_id
        )
        return _staff_order_response(order)


class RefundDecisionView(APIView):
    @extend_schema(request=s.RefundDecisionInput, responses={200: s.RefundRequestOutput}, tags=TAGS)
    def post(self, request, shop_id: int, request_id: int):
        data = validated(s.RefundDecisionInput, request.data)
        refund = services.refund_request_decide(
            actor=request.user, shop_id=shop_id, request_id=request_id, **data
        )
        return Response(s.RefundRequestOutput(refund).data)


@extend_schema_view(get=extend_schema(tags=TAGS))
class CouponsView(SelectorListView):
    model = Coupon
    serializer_class = s.CouponOutput

    @staticmethod
    def selector(request, shop_id):
        shop = selectors.shop_for_staff(shop_id=shop_id, user=request.user, roles=MANAGERS)
        return selectors.coupons_for_brand(brand_id=shop.brand_id)

    @extend_schema(request=s.CouponInput, responses={201: s.CouponOutput}, tags=TAGS)
    def post(self, request, shop_id: int):
        data = validated(s.CouponInput, request.data)
        coupon = services.coupon_create(actor=request.user, shop_id=shop_id, **data)
        return Response(s.CouponOutput(coupon).data, status=status.HTTP_201_CREATED)


class CouponDisableView(APIView):
    @extend_schema(request=None, responses={200: s.CouponOutput}, tags=TAGS)
    def post(self, request, shop_id: int, coupon_id: int):
        coupon = services.coupon_disable(actor=request.user, shop_id=shop_id, coupon_id=coupon_id)
        return Response(s.CouponOutput(coupon).data)


@extend_schema_view(get=extend_schema(tags=TAGS))
class MyCouponsView(SelectorListView):
    """The caller's personal coupons (e.g. loyalty rewards) that are still valid."""

    permission_classes = [IsShopper]
    model = Coupon
    serializer_class = s.CouponOutput

    @staticmethod
    def selector(request):
        return selectors.coupons_for_user(user=request.user)


@extend_schema_view(get=extend_schema(tags=TAGS))
class StaffReviewsView(SelectorListView):
    """Every review of the shop's products, newest first, with its open reports."""

    model = Review
    serializer_class = s.StaffReviewOutput

    @staticmethod
    def selector(request, shop_id):
        shop = selectors.shop_for_staff(shop_id=shop_id, user=request.user)
        return selectors.reviews_for_shop(shop=shop)


class ReviewReplyView(APIView):
    @extend_schema(request=s.ReplyInput, responses={200: s.ReviewOutput}, tags=TAGS)
    def post(self, request, shop_id: int, review_id: int):
        data = validated(s.ReplyInput, request.data)
        review = services.review_reply(
            actor=request.user, shop_id=shop_id, review_id=review_id, **data
        )
        return Response(s.ReviewOutput(review).data)


class ShareLinksView(APIView):
    @extend_schema(request=s.ShareLinkInput, responses={201: s.ShareLinkOutput}, tags=TAGS)
    def post(self, request, shop_id: int):
        data = validated(s.ShareLinkInput, request.data)
        link = services.share_link_create(actor=request.user, shop_id=shop_id, **data)
        return Response(s.ShareLinkOutput(link).data, status=status.HTTP_201_CREATED)


class ShareLinkOpenView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(request=None, responses={200: s.ShareLinkOutput}, tags=TAGS)
    def post(self, request, code: str):
        link = services.share_link_open(actor=request.user, code=code)
        return Response(s.ShareLinkOutput(link).data)


# --- Reviews and moderation ----------------------------------------------------------------------


class ReviewsView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(request=s.ReviewInput, responses={201: s.ReviewOutput}, tags=TAGS)
    def post(self, request):
        data = validated(s.ReviewInput, request.data)
        review = services.review_create(actor=request.user, **data)
        return Response(s.ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewReportView(APIView):
    permission_classes = [IsShopper]

    @extend_schema(request=s.ReportInput, responses={201: s.ReportOutput}, tags=TAGS)
    def post(self, request, review_id: int):
        data = validated(s.ReportInput, request.data)
        report = services.review_report(actor=request.user, review_id=review_id, **data)
        return Response(s.ReportOutput(report).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=TAGS))
class ModerationReportsView(SelectorListView):
    permission_classes = [IsPlatformStaff]
    model = ReviewReport
    serializer_class = s.ReportOutput

    @staticmethod
    def selector(request):
        return selectors.reports_open()


class ModerationReviewView(APIView):
    permission_classes = [IsPlatformStaff]

    @extend_schema(request=s.ModerationInput, responses={200: s.ReviewOutput}, tags=TAGS)
    def post(self, request, review_id: int):
        data = validated(s.ModerationInput, request.data)
        review = services.review_moderate(actor=request.user, review_id=review_id, **data)
        return Response(s.ReviewOutput(review).data)
