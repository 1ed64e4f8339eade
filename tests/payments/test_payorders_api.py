"""Pay orders (mini-program token with scope ``pay``), confirmation, merchant notification,
close, expiry, refunds and the settlement report."""

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from miniprograms.services import identity_for
from payments import selectors, services
from payments.models import PayOrder, Refund
from payments.services.payorders import SWEPT_UNTIL
from payments.tasks import close_expired_payorders
from superapp.core import signing
from superapp.core.models import DomainEvent
from superapp.webhooks.models import WebhookDelivery
from tests.factories import UserFactory
from tests.helpers import (
    Receiver,
    app_server_token,
    assert_queries_constant,
    assert_refused,
    consumer_client,
)
from tests.payments.factories import PIN, merchant_app, pay_order, payer

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/pay/orders"


def app_client(miniprogram, secret, scope="pay") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {app_server_token(miniprogram, secret, scope)}")
    return client


@pytest.fixture
def merchant():
    miniprogram, secret = merchant_app()
    miniprogram.client = app_client(miniprogram, secret)
    return miniprogram


def order_body(miniprogram, user, **overrides):
    return {
        "out_trade_no": "T-1",
        "payer_openid": identity_for(miniprogram=miniprogram, user=user).openid,
        "amount": 2000,
        "currency": "EUR",
        "description": "Two coffees",
        "notify_url": "https://merchant.example/notify",
        **overrides,
    }


def wallet(user) -> int:
    return sum(b["available"] for b in selectors.wallet_balances(user=user))


def merchant_total(miniprogram) -> int:
    rows = selectors.merchant_balances(organisation_id=miniprogram.organisation_id)
    return sum(row["available"] for row in rows)


def test_a_merchant_creates_an_order_and_a_retry_returns_the_same_one(merchant):
    buyer = payer()
    created = merchant.client.post(ORDERS, order_body(merchant, buyer), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "pending"
    retried = merchant.client.post(ORDERS, order_body(merchant, buyer), format="json")
    assert retried.status_code == 200
    assert retried.json()["prepay_id"] == created.json()["prepay_id"]
    other = merchant.client.post(ORDERS, order_body(merchant, buyer, amount=2001), format="json")
    assert_refused(other, 409, "out_trade_no_reused")
    assert PayOrder.objects.count() == 1


def test_out_trade_no_is_unique_per_merchant_not_globally(merchant):
    buyer = payer()
    other_merchant = merchant_app("Other")[0]
    first = pay_order(merchant, buyer, 100, out_trade_no="same")
    second = pay_order(other_merchant, buyer, 100, out_trade_no="same")
    assert first.prepay_id != second.prepay_id


def test_creating_orders_needs_the_pay_scope_and_a_known_openid(merchant):
    miniprogram, secret = merchant_app()
    no_scope = app_client(miniprogram, secret, scope="profile")
    buyer = payer()
    assert no_scope.post(ORDERS, order_body(miniprogram, buyer)).status_code == 403
    assert consumer_client(buyer).post(ORDERS, order_body(miniprogram, buyer)).status_code == 403
    foreign_openid = order_body(miniprogram, buyer)["payer_openid"]  # another app's openid
    response = merchant.client.post(
        ORDERS, order_body(merchant, buyer, payer_openid=foreign_openid)
    )
    assert_refused(response, 404, "openid_not_found")


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 0},
        {"amount": -5},
        {"currency": "EURO"},
        {"notify_url": "not a url"},
        {"out_trade_no": ""},
    ],
)
def test_bad_orders_get_400_and_create_nothing(merchant, change):
    response = merchant.client.post(ORDERS, order_body(merchant, payer(), **change), format="json")
    assert_refused(response, 400, "validation_error")
    assert not PayOrder.objects.exists()


def test_only_the_merchant_app_and_the_payer_see_an_order(merchant):
    buyer = payer()
    order = pay_order(merchant, buyer, 500)
    path = f"{ORDERS}/{order.prepay_id}"
    assert merchant.client.get(path).json()["status"] == "pending"
    assert consumer_client(buyer).get(path).json()["amount"] == 500
    assert consumer_client(UserFactory()).get(path).status_code == 404
    other_merchant, secret = merchant_app("Other")
    assert app_client(other_merchant, secret).get(path).status_code == 404


def test_the_payer_confirms_with_the_pin_and_money_moves_in_one_transaction(
    merchant, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_MERCHANT_FEE_BPS = 60
    buyer = payer(10_000)
    with Receiver() as endpoint:
        order = pay_order(merchant, buyer, 5000, notify_url=endpoint.url)
        with django_capture_on_commit_callbacks(execute=True):
            response = consumer_client(buyer).post(
                f"{ORDERS}/{order.prepay_id}/confirm", {"pin": PIN}, format="json"
            )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paid"
    assert wallet(buyer) == 5000
    assert merchant_total(merchant) == 5000 - 30
    assert selectors.ledger_report().ok

    [notification] = endpoint.requests
    secret = services.merchant_key_get(organisation_id=merchant.organisation_id)
    signing.verify(
        secret, notification["headers"]["Plaza-Signature"], notification["body"], tolerance=60
    )
    data = json.loads(notification["body"])["data"]
    assert data["prepay_id"] == order.prepay_id
    assert data["status"] == "paid"
    assert data["payer_openid"] == identity_for(miniprogram=merchant, user=buyer).openid
    delivery = WebhookDelivery.objects.get()
    assert delivery.expires_at - delivery.created_at >= timedelta(hours=24) - timedelta(seconds=1)


def test_paying_emits_payments_payorder_paid_with_the_contract_payload(merchant):
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 2500, out_trade_no="ORD-9")
    services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    order.refresh_from_db()
    event = DomainEvent.objects.get(type="payments.payorder_paid")
    assert event.payload == {
        "prepay_id": order.prepay_id,
        "app_id": merchant.app_id,
        "organisation_id": merchant.organisation_id,
        "payer_user_id": buyer.pk,
        "amount": 2500,
        "currency": "EUR",
        "out_trade_no": "ORD-9",
        "paid_at": order.paid_at.isoformat(),
    }


def test_the_merchant_key_endpoint_returns_a_stable_secret(merchant):
    first = merchant.client.get("/api/v1/pay/merchant-key").json()["webhook_secret"]
    assert merchant.client.get("/api/v1/pay/merchant-key").json()["webhook_secret"] == first


def test_confirming_again_answers_paid_and_charges_once(merchant):
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 3000)
    client = consumer_client(buyer)
    for _ in range(2):
        response = client.post(f"{ORDERS}/{order.prepay_id}/confirm", {"pin": PIN})
        assert response.json()["status"] == "paid"
        assert response.json() == client.get(f"{ORDERS}/{order.prepay_id}").json()
    assert wallet(buyer) == 7000


@pytest.mark.parametrize(
    ("balance", "pin", "code"),
    [(1000, PIN, "insufficient_funds"), (10_000, "111111", "invalid_pin")],
)
def test_a_refused_confirmation_moves_nothing(merchant, balance, pin, code):
    buyer = payer(balance)
    order = pay_order(merchant, buyer, 3000)
    response = consumer_client(buyer).post(f"{ORDERS}/{order.prepay_id}/confirm", {"pin": pin})
    assert_refused(response, 422, code)
    order.refresh_from_db()
    assert order.status == "pending"
    assert wallet(buyer) == balance
    assert not DomainEvent.objects.filter(type="payments.payorder_paid").exists()
    assert not WebhookDelivery.objects.filter(event_type="payment.succeeded").exists()


def test_someone_else_cannot_pay_the_order(merchant):
    order = pay_order(merchant, payer(), 3000)
    stranger = payer(10_000)
    response = consumer_client(stranger).post(f"{ORDERS}/{order.prepay_id}/confirm", {"pin": PIN})
    assert response.status_code == 404


def test_an_order_expires_after_two_hours_and_beat_closes_it(merchant):
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 3000)
    assert order.expires_at - order.created_at == pytest.approx(
        timedelta(hours=2), abs=timedelta(seconds=5)
    )
    PayOrder.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = consumer_client(buyer).post(f"{ORDERS}/{order.prepay_id}/confirm", {"pin": PIN})
    assert_refused(response, 422, "payorder_expired")
    fresh = pay_order(merchant, buyer, 100)
    assert close_expired_payorders.delay().get() == 1
    order.refresh_from_db()
    fresh.refresh_from_db()
    assert (order.status, fresh.status) == ("closed", "pending")
    assert wallet(buyer) == 10_000


def test_a_sweep_reads_the_orders_expired_since_the_last_one_unless_the_cache_forgot_it(
    merchant,
):
    """The expiry index holds paid orders too; beat reads only the orders that expired since
    its last sweep (an hour of slack earlier), and all of them when the cache lost track."""
    buyer = payer(10_000)
    long_ago, lately = pay_order(merchant, buyer, 100), pay_order(merchant, buyer, 200)
    now = timezone.now()
    PayOrder.objects.filter(pk=long_ago.pk).update(expires_at=now - timedelta(days=2))
    PayOrder.objects.filter(pk=lately.pk).update(expires_at=now - timedelta(minutes=30))
    cache.set(SWEPT_UNTIL, now - timedelta(minutes=1))

    assert close_expired_payorders.delay().get() == 1
    assert PayOrder.objects.get(pk=lately.pk).status == "closed"
    assert PayOrder.objects.get(pk=long_ago.pk).status == "pending"  # before the last sweep
    cache.delete(SWEPT_UNTIL)
    assert close_expired_payorders.delay().get() == 1
    assert PayOrder.objects.get(pk=long_ago.pk).status == "closed"


def test_a_sweep_remembers_when_it_ran_once_it_committed(django_capture_on_commit_callbacks):
    cache.delete(SWEPT_UNTIL)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        close_expired_payorders.delay().get()
    assert cache.get(SWEPT_UNTIL) is None
    for callback in callbacks:
        callback()
    assert cache.get(SWEPT_UNTIL) >= before


def test_the_merchant_closes_an_unpaid_order_which_then_cannot_be_paid(merchant):
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 3000)
    closed = merchant.client.post(f"{ORDERS}/{order.prepay_id}/close")
    assert closed.json()["status"] == "closed"
    assert merchant.client.post(f"{ORDERS}/{order.prepay_id}/close").status_code == 200
    response = consumer_client(buyer).post(f"{ORDERS}/{order.prepay_id}/confirm", {"pin": PIN})
    assert_refused(response, 409, "payorder_closed")
    paid = pay_order(merchant, buyer, 100)
    services.payorder_confirm(actor=buyer, prepay_id=paid.prepay_id, pin=PIN)
    refused = merchant.client.post(f"{ORDERS}/{paid.prepay_id}/close")
    assert_refused(refused, 409, "payorder_paid")


@pytest.fixture
def paid_order(merchant, settings):
    settings.PAYMENTS_MERCHANT_FEE_BPS = 100
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 3000)
    services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    return order


def refund(merchant, order, amount, number="R-1"):
    return merchant.client.post(
        f"{ORDERS}/{order.prepay_id}/refunds",
        {"out_refund_no": number, "amount": amount},
        format="json",
    )


def test_several_partial_refunds_then_the_rest_return_money_and_the_whole_fee(merchant, paid_order):
    assert refund(merchant, paid_order, 1000, "R-1").status_code == 201
    assert refund(merchant, paid_order, 999, "R-2").status_code == 201
    assert wallet(paid_order.payer) == 7000 + 1999
    last = refund(merchant, paid_order, 1001, "R-3")
    assert last.status_code == 201
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.refunded_amount) == ("refunded", 3000)
    assert wallet(paid_order.payer) == 10_000
    assert merchant_total(merchant) == 0
    assert sum(Refund.objects.values_list("fee_returned", flat=True)) == paid_order.fee == 30
    assert selectors.ledger_report().ok


def test_a_refund_over_the_remaining_amount_is_422_and_changes_nothing(merchant, paid_order):
    refund(merchant, paid_order, 2000, "R-1")
    response = refund(merchant, paid_order, 1001, "R-2")
    assert_refused(response, 422, "refund_exceeds_remaining")
    assert response.json()["remaining"] == 1000
    paid_order.refresh_from_db()
    assert paid_order.refunded_amount == 2000
    assert Refund.objects.count() == 1
    assert wallet(paid_order.payer) == 9000


def test_refunds_are_idempotent_by_out_refund_no(merchant, paid_order):
    first = refund(merchant, paid_order, 500, "R-1")
    again = refund(merchant, paid_order, 500, "R-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["refund_id"] == first.json()["refund_id"]
    other = refund(merchant, paid_order, 600, "R-1")
    assert_refused(other, 409, "out_refund_no_reused")
    assert wallet(paid_order.payer) == 7500


def test_an_unpaid_order_cannot_be_refunded(merchant):
    order = pay_order(merchant, payer(), 3000)
    response = refund(merchant, order, 100)
    assert_refused(response, 422, "payorder_not_paid")


def test_refunding_emits_payments_payorder_refunded_with_the_contract_payload(merchant, paid_order):
    response = refund(merchant, paid_order, 1200)
    event = DomainEvent.objects.get(type="payments.payorder_refunded")
    assert event.payload == {
        "refund_id": response.json()["refund_id"],
        "prepay_id": paid_order.prepay_id,
        "app_id": merchant.app_id,
        "organisation_id": merchant.organisation_id,
        "payer_user_id": paid_order.payer_id,
        "amount": 1200,
        "currency": "EUR",
        "order_amount": 3000,
        "refunded_total": 1200,
    }


def test_first_party_services_create_refund_and_query_orders_without_a_token(merchant):
    """What the shop calls: MiniProgram object and payer user instead of token and openid."""
    buyer = payer(10_000)
    order, created = services.payorder_create(
        miniprogram=merchant,
        payer=buyer,
        out_trade_no="shop-1",
        amount=1500,
        currency="EUR",
        description="Shop order",
        notify_url="https://shop.example/notify",
    )
    assert created
    services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    services.refund_create(
        miniprogram=merchant, prepay_id=order.prepay_id, out_refund_no="r", amount=500
    )
    seen = selectors.payorder_visible(prepay_id=order.prepay_id, miniprogram=merchant)
    assert (seen.status, seen.refunded_amount) == ("paid", 500)


def test_the_settlement_report_lists_the_days_payments_and_refunds(merchant, paid_order):
    refund(merchant, paid_order, 1000)
    day = timezone.now().date().isoformat()
    report = merchant.client.get(f"/api/v1/pay/settlements/{day}").json()
    assert [(line["type"], line["amount"], line["fee"]) for line in report["lines"]] == [
        ("payment", 3000, 30),
        ("refund", -1000, -10),
    ]
    assert report["totals"] == [
        {"currency": "EUR", "payments": 1, "refunds": 1, "gross": 2000, "fees": 20, "net": 1980}
    ]
    as_csv = merchant.client.get(f"/api/v1/pay/settlements/{day}/csv")
    assert as_csv["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert [(row["type"], row["net"]) for row in rows] == [("payment", "2970"), ("refund", "-990")]
    other_merchant, secret = merchant_app("Other")
    other = app_client(other_merchant, secret).get(f"/api/v1/pay/settlements/{day}").json()
    assert other["lines"] == []
    bad = merchant.client.get("/api/v1/pay/settlements/yesterday")
    assert_refused(bad, 400, "validation_error")


def test_an_order_created_before_midnight_and_paid_after_is_on_the_day_it_was_paid(merchant):
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 3000)
    services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    today = timezone.now().date()
    midnight = datetime.combine(today, time.min, tzinfo=UTC)
    PayOrder.objects.filter(pk=order.pk).update(
        created_at=midnight - timedelta(minutes=90), paid_at=midnight + timedelta(minutes=5)
    )

    def paid_on(day):
        report = merchant.client.get(f"/api/v1/pay/settlements/{day.isoformat()}").json()
        return [line["amount"] for line in report["lines"]]

    assert paid_on(today) == [3000]
    assert paid_on(today - timedelta(days=1)) == []


def test_order_detail_and_settlement_queries_do_not_grow_with_refunds(merchant, settings):
    settings.PAYMENTS_MERCHANT_FEE_BPS = 0
    buyer = payer(100_000)
    order = pay_order(merchant, buyer, 50_000)
    services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    numbers = iter(range(100))

    def build(count):
        for _ in range(count):
            services.refund_create(
                miniprogram=merchant,
                prepay_id=order.prepay_id,
                out_refund_no=f"R{next(numbers)}",
                amount=10,
            )

    day = timezone.now().date().isoformat()
    assert_queries_constant(build, lambda: merchant.client.get(f"{ORDERS}/{order.prepay_id}"))
    assert_queries_constant(build, lambda: merchant.client.get(f"/api/v1/pay/settlements/{day}"))
