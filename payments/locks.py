"""The payments app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from payments.models import Account, GatewayOrder, PayOrder, WalletSecurity
from superapp.core.locks import lock_objects


def accounts(*, skip_locked: bool = False):
    return lock_objects(Account.objects, skip_locked=skip_locked)


def gateway_orders(*, skip_locked: bool = False):
    return lock_objects(GatewayOrder.objects, skip_locked=skip_locked)


def pay_orders(*, skip_locked: bool = False):
    return lock_objects(PayOrder.objects, skip_locked=skip_locked)


def wallet_securities(*, skip_locked: bool = False):
    return lock_objects(WalletSecurity.objects, skip_locked=skip_locked)
