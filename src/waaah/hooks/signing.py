"""The signature on every delivery, in the style of Stripe's: `t=<unix seconds>,v1=<hex HMAC-SHA256>`
over `"<t>.<body>"` with the hook's secret. Pure."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Waaah-Signature"
SEQ_HEADER = "Waaah-Event-Seq"
EVENT_HEADER = "Waaah-Event"
HOOK_HEADER = "Waaah-Hook"


def digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Waaah-Signature` header's value."""
    return f"t={timestamp},v1={digest(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver checks: a v1 that matches, with a timestamp within `tolerance` seconds of `now`."""
    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in fields if key == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit() or abs(now - int(stamps[0])) > tolerance:
        return False
    expected = digest(secret, int(stamps[0]), body)
    return any(key == "v1" and hmac.compare_digest(value, expected) for key, value in fields)
