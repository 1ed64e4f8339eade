"""Payment PINs are stored as a keyed HMAC, not with the password hasher.

A PIN has a million possible values, so no hash makes a stolen PIN table safe on its own: with
PBKDF2 at Django's 1,000,000 iterations one user's PIN still falls in a few CPU-days, and every
payment paid ~0.3 s of CPU to check it, which capped payments at a few per second per core. The
keyed HMAC (``PAYMENTS_PIN_KEY``, kept outside the database) costs microseconds, and a copy of
the database alone gives nothing to brute-force offline; online guessing is stopped by the
lockout (``pin_verify``). This is how payment networks treat PINs: verified under a key the
database does not hold (an HSM there; a setting or a secret manager here).

Rotating ``PAYMENTS_PIN_KEY`` invalidates every stored PIN (users set a new one); list the old
key in ``PAYMENTS_PIN_KEY_FALLBACKS`` to keep them working during a rotation.
"""

import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.crypto import salted_hmac

ALGORITHM = "hmac_sha256"


def _digest(salt: str, pin: str, key: str) -> str:
    return salted_hmac(
        "plaza.payments.pin", f"{salt}:{pin}", secret=key, algorithm="sha256"
    ).hexdigest()


def pin_hash(pin: str) -> str:
    salt = secrets.token_hex(8)
    return f"{ALGORITHM}${salt}${_digest(salt, pin, settings.PAYMENTS_PIN_KEY)}"


def pin_matches(pin: str, stored: str) -> bool:
    algorithm, _, rest = stored.partition("$")
    if algorithm != ALGORITHM:  # a PIN stored by the password hasher, before keyed PINs
        return check_password(pin, stored)
    salt, _, digest = rest.partition("$")
    keys = [settings.PAYMENTS_PIN_KEY, *settings.PAYMENTS_PIN_KEY_FALLBACKS]
    return any(hmac.compare_digest(digest, _digest(salt, pin, key)) for key in keys)
