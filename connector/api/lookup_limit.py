"""One allowance of order look-ups, whichever door a customer knocks at: the JSON API's ``POST /lookup`` and the
portal page's lookup form count in the same buckets, with the same limit and window.

Why shared: two doors with their own counters would double what an attacker may try per IP and per order
number (``LOOKUP_LIMIT`` is meant to allow a few typos, not a guessing run on e-mail addresses). The order
number is counted in its normal form (``normalize_order_number``), so every spelling shares one allowance.
"""

from __future__ import annotations

from connector.api.ratelimit import RateLimiter, Verdict
from connector.api.settings import LOOKUP_LIMIT, LOOKUP_WINDOW_SECONDS
from connector.bootstrap import Container


def count_lookup(container: Container, shop_id: str, number: str, ip: str | None) -> Verdict:
    """Count one look-up of order ``number`` (already normalized) of ``shop_id`` from ``ip``; refused when the
    IP or the order number has used its allowance this window."""
    buckets = [f"lookup:ip:{ip or 'unknown'}", f"lookup:order:{shop_id}:{number}"]
    return RateLimiter(container).hit(buckets, LOOKUP_LIMIT, LOOKUP_WINDOW_SECONDS)
