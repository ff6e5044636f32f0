"""How the connector signs what it writes into a shop, so retries and echoes can recognise it.

WooCommerce has no idempotency key anywhere, so every write carries our key where a later read can see it:
the refund ``reason`` (saved *before* the gateway call) and its ``meta_data`` (saved after), the coupon's
``meta_data`` (its code is derived from the key, but anyone can take a code first: see ``credit``), the
exchange order's ``meta_data``, and a return parcel's order note (``[rc-ship:<return>:<tracking>]``) and meta.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

KEY_META: Final = "_returns_connector_key"
RETURN_META: Final = "_returns_connector_return"
LINES_META: Final = "_returns_connector_lines"
"""On our refunds: JSON ``{order_item_id: quantity}`` of every returned unit, restocked or not."""
EXCHANGE_FOR_META: Final = "_returns_connector_exchange_for"
CURRENCY_META: Final = "_returns_connector_currency"
TRACKING_META_PREFIX: Final = "_returns_connector_tracking_"
"""On the order, one key per return (``_returns_connector_tracking_<return id>``: WooCommerce keeps one value per
key written without a row id, so two returns of one order need two keys), valued ``{return_id, carrier,
tracking_number, tracking_url, label_url, method, note_id}``: the parcel of the return, for other plugins and for
our own retries."""

_MARKER = re.compile(r"\[rc:([^\]\s]+)\]")


def refund_marker(idempotency_key: str) -> str:
    return f"[rc:{idempotency_key}]"


def shipping_marker(return_id: str, tracking_number: str) -> str:
    """What the order note of a return's parcel holds, and nothing else does (no number: a self-issued label)."""
    return f"[rc-ship:{return_id}:{compact_number(tracking_number) or '-'}]"


def compact_number(tracking_number: str) -> str:
    """A tracking number as carriers print it: spaces and letter case carry no meaning."""
    return "".join(tracking_number.split()).upper()


def markers_in(text: str | None) -> set[str]:
    return set(_MARKER.findall(text or ""))


def coupon_code(idempotency_key: str, prefix: str = "RC") -> str:
    """A fixed, unguessable code per credit: the same key always gives the same code (so a retry finds it)."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    return f"{prefix}-{base64.b32encode(digest).decode('ascii')[:16]}"


def meta_value(meta_data: Any, key: str) -> Any:
    """The value of ``key`` in a Woo ``meta_data`` list ``[{id, key, value}]``, or None."""
    if not isinstance(meta_data, list):
        return None
    for item in meta_data:
        if isinstance(item, Mapping) and item.get("key") == key:
            return item.get("value")
    return None


def meta_list(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in pairs]


def carries_key(obj: Mapping[str, Any], idempotency_key: str) -> bool:
    """True when a refund, coupon or order written by us carries ``idempotency_key``."""
    if meta_value(obj.get("meta_data"), KEY_META) == idempotency_key:
        return True
    for field in ("reason", "description"):
        value = obj.get(field)
        if isinstance(value, str) and idempotency_key in markers_in(value):
            return True
    return False
