"""HMAC-SHA256 webhook signatures, as Shopify and WooCommerce both send them: base64 of the digest of the
raw body. Verification accepts any of several secrets (a rotation) and compares in constant time.

Why in connector/ and not in the intake (``webhooks``): each platform's webhook source checks its own deliveries
with it, and the platforms import the core, never the intake.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence


def sign(raw_body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(raw_body: bytes, signature: str | None, secrets: Sequence[str]) -> bool:
    """True when ``signature`` is the body's HMAC under any of ``secrets``; never for an empty one.

    Every secret is checked (no early exit) so timing does not reveal which one matched.
    """
    if not signature or not secrets:
        return False
    given = signature.strip().encode("ascii", "replace")
    matched = False
    for secret in secrets:
        if secret:
            matched |= hmac.compare_digest(sign(raw_body, secret).encode("ascii"), given)
    return matched
