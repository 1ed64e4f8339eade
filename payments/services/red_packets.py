"""Red packet money (redpackets/ holds the packets; the money is the ledger's)."""

from payments import ledger
from payments.models import (
    Account,
    JournalTransaction,
)
from payments.services.wallet import Kind, Type

# --- red packet money (redpackets/ holds the packets; the money is the ledger's) ---------------


def red_packet_accounts(*, user, currency: str) -> tuple[Account, Account]:
    """The sender's wallet and the red-packet escrow account of ``currency``, created when
    missing, in one statement."""
    wallet, escrow = ledger.accounts_resolve(
        ledger.wallet_lookup(user=user, currency=currency),
        ledger.platform_lookup(kind=Kind.RED_PACKET_ESCROW, currency=currency),
    )
    return wallet, escrow


def red_packet_hold(
    *, actor, wallet: Account, escrow: Account, amount: int, reference: str
) -> JournalTransaction:
    """The sender's wallet pays ``amount`` into escrow (refused if the wallet cannot)."""
    return ledger.journal_post(
        type=Type.RED_PACKET_HOLD,
        reference=reference,
        actor=actor,
        legs=[(wallet, -amount), (escrow, amount)],
    )


def red_packet_share_pay(
    *, actor, escrow: Account, amount: int, reference: str
) -> JournalTransaction:
    """One claimed share moves from escrow to the claimer's (``actor``) wallet."""
    wallet = ledger.wallet_account(user=actor, currency=escrow.currency)
    return ledger.journal_post(
        type=Type.RED_PACKET_CLAIM,
        reference=reference,
        actor=actor,
        legs=[(escrow, -amount), (wallet, amount)],
    )


def red_packet_rest_return(*, sender, escrow: Account, amount: int, reference: str) -> None:
    """The unclaimed rest of an expired packet goes back from escrow to its sender."""
    wallet = ledger.wallet_account(user=sender, currency=escrow.currency)
    ledger.journal_post(
        type=Type.RED_PACKET_RETURN,
        reference=reference,
        actor=None,
        legs=[(escrow, -amount), (wallet, amount)],
    )
