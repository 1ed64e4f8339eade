"""What every money flow shares: journal and account kinds, validating an amount, and
announcing a wallet change to the owner's devices."""

from django.conf import settings

from payments.models import (
    Account,
    JournalTransaction,
)
from superapp.core.errors import (
    InvalidInput,
)
from superapp.realtime.services import event_publish

Type = JournalTransaction.Type
Kind = Account.Kind


# --- validation -------------------------------------------------------------------------------


def money_validate(*, amount, currency: str) -> None:
    """Amounts are positive integers in minor units, in a supported ISO-4217 currency."""
    errors = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = ["Must be a positive integer in minor units."]
    elif amount > settings.PAYMENTS_MAX_AMOUNT:
        errors["amount"] = [f"Must be at most {settings.PAYMENTS_MAX_AMOUNT}."]
    if currency not in settings.PAYMENTS_CURRENCIES:
        errors["currency"] = [f"Must be one of {', '.join(settings.PAYMENTS_CURRENCIES)}."]
    if errors:
        raise InvalidInput(fields=errors)


def wallet_changed_announce(*, user_id: int, currency: str, reason: str, amount: int) -> None:
    """Tell the user's devices their balance moved (a ``wallet.changed`` event)."""
    event_publish(
        user_ids=[user_id],
        type="wallet.changed",
        payload={"currency": currency, "amount": amount, "reason": reason},
    )
