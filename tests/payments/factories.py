"""Builders for payment tests. Money always enters through the real path: a sandbox top-up
completed by the gateway's signed callback."""

import itertools

from miniprograms import services as miniprogram_services
from miniprograms.models import OrganisationMember
from payments import services
from payments.gateways import SandboxGateway
from payments.models import GatewayOrder
from tests.factories import UserFactory
from tests.helpers import register_app

PIN = "123456"
_trade_numbers = itertools.count(1)


def signed_callback(order: GatewayOrder, outcome: str = "succeeded", **overrides):
    """The (body, signature) the sandbox gateway would send about ``order``."""
    params = {
        "reference": order.reference,
        "kind": order.kind,
        "outcome": outcome,
        "amount": order.amount,
        "currency": order.currency,
        **overrides,
    }
    return SandboxGateway.callback_build(**params)


def fund(user, amount: int, currency: str = "EUR") -> GatewayOrder:
    """Top the user's wallet up by ``amount`` through the gateway flow."""
    order = services.topup_create(actor=user, amount=amount, currency=currency)
    body, signature = signed_callback(order)
    services.gateway_callback_receive(body=body, signature=signature)
    order.refresh_from_db()
    return order


def payer(balance: int = 0, currency: str = "EUR", pin: str = PIN):
    """A user with a PIN and, if asked, a funded wallet."""
    user = UserFactory()
    services.pin_set(actor=user, pin=pin)
    if balance:
        fund(user, balance, currency)
    return user


def merchant_app(name: str = "Merchant app"):
    """A registered mini-program (its organisation is the merchant) and its secret."""
    return register_app(owner=UserFactory(), name=name)


def sandbox_set(miniprogram, sandbox: bool = True):
    """Switch the app's sandbox mode as its organisation's owner does (PATCH …/miniprograms)."""
    owner = OrganisationMember.objects.get(
        organisation_id=miniprogram.organisation_id, role=OrganisationMember.Role.OWNER
    ).user
    return miniprogram_services.miniprogram_update(
        actor=owner, app_id=miniprogram.app_id, sandbox=sandbox
    )


def pay_order(miniprogram, payer_user, amount: int, currency: str = "EUR", **overrides):
    params = {
        "out_trade_no": f"T{next(_trade_numbers)}",
        "description": "Order",
        "notify_url": "http://127.0.0.1:9/notify",
        **overrides,
    }
    order, _ = services.payorder_create(
        miniprogram=miniprogram, payer=payer_user, amount=amount, currency=currency, **params
    )
    return order
