"""Webhook signatures: ``Plaza-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>``.

Receivers verify with :func:`verify` (also documented in docs/api-guide.md for other languages):
recompute the HMAC over the timestamp and the raw body, compare in constant time, and refuse a
timestamp older than the tolerance so a captured request cannot be replayed later.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Plaza-Signature"


class SignatureError(ValueError):
    pass


def compute(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={compute(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, *, tolerance: int, now: float | None = None
) -> int:
    """Return the signed timestamp, or raise :class:`SignatureError`."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp, signature = int(parts["t"]), parts["v1"]
    except (KeyError, ValueError) as exc:
        raise SignatureError("malformed signature header") from exc
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside tolerance")
    if not hmac.compare_digest(compute(secret, timestamp, body), signature):
        raise SignatureError("signature mismatch")
    return timestamp
