"""Demo wallets: each demo user gets EUR through a real sandbox top-up, and PIN 123456.

The sandbox gateway credits the wallets by its signed callback once seed_demo commits."""

from payments import services
from payments.models import GatewayOrder, WalletSecurity
from superapp.accounts.models import User

DEMO_USERS = ("alice", "bob", "carol", "dave")
DEMO_PIN = "123456"
DEMO_TOPUP = {"amount": 200_00, "currency": "EUR"}


def seed(stdout) -> None:
    for user in User.objects.filter(username__in=DEMO_USERS).order_by("username"):
        if not WalletSecurity.objects.filter(user=user).exists():
            services.pin_set(actor=user, pin=DEMO_PIN)
        if GatewayOrder.objects.filter(user=user, kind=GatewayOrder.Kind.TOPUP).exists():
            stdout.write(f"wallet {user.username}: exists")
            continue
        order = services.topup_create(actor=user, **DEMO_TOPUP)
        stdout.write(f"wallet {user.username}: top-up {order.reference} of 200.00 EUR started")
