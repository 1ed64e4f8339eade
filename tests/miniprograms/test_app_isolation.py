"""A token of app A cannot touch app B's pay orders or users: every attempt is a 404 that does
not tell A whether B's order exists, and B's orders and the payer's wallet stay as they were.
(Reading B's users: test_open_api.py::test_a_token_of_app_a_cannot_read_users_of_app_b.)"""

import pytest
from rest_framework.test import APIClient

from miniprograms import services as mp_services
from miniprograms.services import identity_for
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import PayOrder
from tests.factories import UserFactory
from tests.helpers import app_server_token, assert_refused
from tests.miniprograms.factories import developer_app
from tests.payments.factories import PIN, pay_order, payer

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/pay/orders"


def pay_client(miniprogram, secret) -> APIClient:
    client = APIClient()
    token = app_server_token(miniprogram, secret, scope="pay")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture(params=["another organisation", "the same organisation"])
def apps(request):
    """(app A, A's pay client, app B, B's pay client): A belongs to another developer
    organisation than B, or is B's sibling in one organisation — orders are per app either way."""
    app_b, secret_b, owner = developer_app(name="B")
    if request.param == "the same organisation":
        app_a, secret_a = mp_services.miniprogram_register(
            actor=owner, organisation=app_b.organisation, name="A"
        )
    else:
        app_a, secret_a, _ = developer_app(name="A")
    return app_a, pay_client(app_a, secret_a), app_b, pay_client(app_b, secret_b)


@pytest.fixture
def orders_of_b(apps):
    """A paid and a pending order of app B, and their payer."""
    _, _, app_b, _ = apps
    buyer = payer(balance=1000)
    paid = pay_order(app_b, buyer, 400)
    payment_services.payorder_confirm(actor=buyer, prepay_id=paid.prepay_id, pin=PIN)
    pending = pay_order(app_b, buyer, 300)
    return paid, pending, buyer


def wallet_total(user) -> int:
    return sum(row["available"] for row in payment_selectors.wallet_balances(user=user))


def test_app_a_cannot_read_refund_or_close_app_bs_orders(apps, orders_of_b):
    _, client_a, _, client_b = apps
    paid, pending, buyer = orders_of_b

    for prepay_id in (paid.prepay_id, pending.prepay_id):
        response = client_a.get(f"{ORDERS}/{prepay_id}")
        assert_refused(response, 404, "payorder_not_found")
    refund = client_a.post(
        f"{ORDERS}/{paid.prepay_id}/refunds", {"out_refund_no": "R1", "amount": 400}, format="json"
    )
    assert_refused(refund, 404, "payorder_not_found")
    close = client_a.post(f"{ORDERS}/{pending.prepay_id}/close")
    assert_refused(close, 404, "payorder_not_found")

    assert client_b.get(f"{ORDERS}/{paid.prepay_id}").json()["refunds"] == []
    assert client_b.get(f"{ORDERS}/{pending.prepay_id}").json()["status"] == "pending"
    assert wallet_total(buyer) == 600


def test_app_a_answers_the_same_404_for_b_orders_and_orders_that_do_not_exist(apps, orders_of_b):
    _, client_a, _, _ = apps
    paid, _, _ = orders_of_b
    foreign = client_a.get(f"{ORDERS}/{paid.prepay_id}")
    missing = client_a.get(f"{ORDERS}/pp_does_not_exist")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_app_a_cannot_create_a_pay_order_for_a_user_of_app_b(apps):
    _, client_a, app_b, _ = apps
    openid_in_b = identity_for(miniprogram=app_b, user=UserFactory()).openid
    response = client_a.post(
        ORDERS,
        {
            "out_trade_no": "A-1",
            "payer_openid": openid_in_b,
            "amount": 100,
            "currency": "EUR",
            "description": "Not yours",
            "notify_url": "https://a.example/notify",
        },
        format="json",
    )
    assert_refused(response, 404, "openid_not_found")
    assert not PayOrder.objects.exists()
