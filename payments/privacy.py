"""Data rights: what payments holds about a user, and how it forgets them.

Ledger rows (accounts, journal transactions, postings, pay orders, refunds) are financial
records: erasure never deletes them; they keep pointing at the user, whom accounts anonymises.

The export keeps the two worlds apart: ``balances`` is real money only, ``sandbox_balances`` the
test money of sandbox mini-programs, and each statement line and pay order says which world it
belongs to (``sandbox``) — test activity is still the user's data, so it is exported, labelled.
"""

from payments.models import (
    GatewayOrder,
    PayOrder,
    Posting,
    Transfer,
    WalletSecurity,
)
from payments.selectors import wallet_balances


def export(user) -> dict:
    postings = Posting.objects.filter(account__user=user).select_related("transaction", "account")
    return {
        "balances": wallet_balances(user=user),
        "sandbox_balances": wallet_balances(user=user, sandbox=True),
        "pin_set": WalletSecurity.objects.filter(user=user).exists(),
        "statement": [
            {
                "id": p.pk,
                "type": p.transaction.type,
                "reference": p.transaction.reference,
                "amount": p.amount,
                "currency": p.currency,
                "sandbox": p.account.sandbox,
                "created_at": p.created_at.isoformat(),
            }
            for p in postings.order_by("id")
        ],
        "transfers_sent": [
            {
                "id": t.pk,
                "to": t.recipient.username,
                "amount": t.amount,
                "currency": t.currency,
                "note": t.note,
                "created_at": t.created_at.isoformat(),
            }
            for t in Transfer.objects.filter(sender=user).select_related("recipient")
        ],
        "gateway_orders": list(
            GatewayOrder.objects.filter(user=user)
            .order_by("id")
            .values("reference", "kind", "amount", "currency", "status", "created_at")
        ),
        "pay_orders": list(
            PayOrder.objects.filter(payer=user)
            .order_by("id")
            .values(
                "prepay_id",
                "description",
                "amount",
                "currency",
                "status",
                "refunded_amount",
                "sandbox",
            )
        ),
    }


def erase(user) -> None:
    """Forget the PIN, what the user wrote (transfer notes) and the
    openids their pay orders name (the identities themselves are erased with them); money
    records stay."""
    WalletSecurity.objects.filter(user=user).delete()
    PayOrder.objects.filter(payer=user).exclude(payer_openid="").update(payer_openid="")
    Transfer.objects.filter(sender=user).exclude(note="").update(note="")
