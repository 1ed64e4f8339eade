"""The payment PIN: setting and verifying it, with wrong-PIN rate limits and the payments lock."""

import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments import locks, pins
from payments.errors import INVALID_PIN, PIN_LOCKED, PIN_NOT_SET
from payments.models import (
    WalletSecurity,
)
from superapp.core import ratelimit
from superapp.core.errors import (
    DomainError,
    InvalidInput,
    RateLimited,
)

PIN_LENGTH = 6
PIN_FAILURES = "pin-failures"  # rate-limit scope counting wrong PINs per user
PIN_LOCK = "pin-lock"  # the user's payments are locked until the instant kept here
PIN_ATTEMPTS = "pin-attempts"  # every PIN-bearing attempt per user, per minute


class InvalidPin(DomainError):
    code = INVALID_PIN
    default_detail = "Wrong payment PIN."


class PinLocked(RateLimited):
    """429 ``pin_locked``: the detail says when payments unlock; ``Retry-After`` in seconds."""

    code = PIN_LOCKED

    def __init__(self, until):
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        super().__init__(
            f"Too many wrong PINs: payments are locked until {until.isoformat()}.",
            retry_after=seconds,
            locked_until=until.isoformat(),
        )


def _pin_validate(pin, field: str = "pin") -> None:
    if not isinstance(pin, str) or len(pin) != PIN_LENGTH or not pin.isdigit():
        raise InvalidInput(fields={field: [f"Must be {PIN_LENGTH} digits."]})


# --- PIN --------------------------------------------------------------------------------------


def pin_verify(*, user, pin: str, security: WalletSecurity | None = None) -> None:
    """Check the payment PIN. Every attempt counts against ``PAYMENTS_PIN_ATTEMPTS_PER_MINUTE``
    (429 ``rate_limited``). Tries are counted in the cache, not the database, so the
    count survives the rollback of the refused request; the 5th wrong one locks payments for 15 min
    (429 ``pin_locked``). The counters fail open like every rate limit
    (superapp.core.ratelimit): with Redis down a right PIN still pays.

    ``security`` is the user's PIN row if the caller read it already (a payment reads it with
    its pay order)."""
    subject, limit = str(user.pk), settings.PAYMENTS_PIN_MAX_FAILURES
    lock_seconds = int(settings.PAYMENTS_PIN_LOCK.total_seconds())
    # The attempt is counted, a guess is taken and the lock read together (one round trip on
    # Redis). A guess is taken before the PIN is checked (one atomic increment): of any number
    # of concurrent attempts only PAYMENTS_PIN_MAX_FAILURES are ever checked. An attempt refused
    # before its check gives its guess back.
    (attempts, guess), until = ratelimit.tally(
        [(PIN_ATTEMPTS, subject, 60), (PIN_FAILURES, subject, lock_seconds)], (PIN_LOCK, subject)
    )
    refusal = _refusal_before_check(attempts, until)
    if refusal is None:
        security = security or WalletSecurity.objects.filter(user=user).first()
        if security is None:
            refusal = DomainError("Set a payment PIN first.", code=PIN_NOT_SET)
    if refusal is not None:
        ratelimit.decrement(PIN_FAILURES, subject)
        raise refusal
    if guess > limit:
        raise PinLocked(until or timezone.now() + settings.PAYMENTS_PIN_LOCK)
    if pins.pin_matches(pin, security.pin_hash):
        ratelimit.reset(PIN_FAILURES, subject)
        return
    if guess >= limit:
        until = timezone.now() + settings.PAYMENTS_PIN_LOCK
        ratelimit.lock(PIN_LOCK, subject, until=until)
        raise PinLocked(until)
    raise InvalidPin(attempts_left=limit - guess)


def _refusal_before_check(attempts: int, until) -> RateLimited | None:
    """Why an attempt is refused before anything else is looked at: past the attempts of the
    minute (429 ``rate_limited``), or payments locked (429 ``pin_locked``)."""
    if attempts > settings.PAYMENTS_PIN_ATTEMPTS_PER_MINUTE:
        return RateLimited(retry_after=60)
    if until is not None:
        return PinLocked(until)
    return None


@transaction.atomic
def pin_set(*, actor, pin: str, old_pin: str | None = None) -> WalletSecurity:
    """Set the 6-digit payment PIN; changing an existing one needs the old one."""
    _pin_validate(pin)
    security = locks.wallet_securities().filter(user=actor).first()
    if security is not None:
        if not old_pin:
            raise InvalidInput(fields={"old_pin": ["Required to change the PIN."]})
        pin_verify(user=actor, pin=old_pin)
        security.pin_hash = pins.pin_hash(pin)
        security.save(update_fields=["pin_hash", "updated_at"])
        return security
    return WalletSecurity.objects.create(user=actor, pin_hash=pins.pin_hash(pin))
