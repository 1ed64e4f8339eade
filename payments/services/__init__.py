"""Every write of the wallet and pay-order flows. Money moves only through payments.ledger.

Split by feature; this package root re-exports what other apps, payments' api/ and tests call
(everything else is private to the package): ``wallet`` (shared kinds, amount validation, wallet
announcements), ``wallet_pin``, ``transfers``, ``gateway`` (top-ups, withdrawals, callbacks),
``payorders``, ``refunds`` and ``red_packets`` (the money side of red packets).
"""

from payments.services.gateway import gateway_callback_receive, topup_create, withdrawal_create
from payments.services.payorders import (
    merchant_fee,
    merchant_key_get,
    payorder_close,
    payorder_confirm,
    payorder_create,
    payorder_create_nested,
    payorders_close_expired,
)
from payments.services.red_packets import (
    red_packet_accounts,
    red_packet_hold,
    red_packet_rest_return,
    red_packet_share_pay,
)
from payments.services.refunds import refund_create
from payments.services.transfers import transfer_create
from payments.services.wallet import wallet_changed_announce
from payments.services.wallet_pin import PIN_LENGTH, InvalidPin, pin_set, pin_verify

__all__ = [
    "PIN_LENGTH",
    "InvalidPin",
    "gateway_callback_receive",
    "merchant_fee",
    "merchant_key_get",
    "payorder_close",
    "payorder_confirm",
    "payorder_create",
    "payorder_create_nested",
    "payorders_close_expired",
    "pin_set",
    "pin_verify",
    "red_packet_accounts",
    "red_packet_hold",
    "red_packet_rest_return",
    "red_packet_share_pay",
    "refund_create",
    "topup_create",
    "transfer_create",
    "wallet_changed_announce",
    "withdrawal_create",
]
