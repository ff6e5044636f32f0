"""The scalars of Shopify's payloads: ids (GIDs), times, money, tags, connections and our note marker.

Why apart: the orders, returns and refunds translations all read these the same way; each of them imports
from here and from nothing else of the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from connector.domain.money import Money

FINAL_SALE_TAGS: Final = frozenset({"final-sale", "final_sale", "finalsale"})
OUR_MARKER_PREFIX: Final = "rc:"
"""Our idempotency key is written into refund/gift-card notes as ``[rc:<key>]`` to find it later."""


class MappingError(ValueError):
    """A Shopify payload lacks something the common model needs."""


def gid(kind: str, value: str | int) -> str:
    """``gid://shopify/<kind>/<id>``; a value that already is a GID is returned unchanged."""
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{kind}/{text}"


def legacy_id(value: str) -> str:
    return value.rsplit("/", 1)[-1].split("?", 1)[0]


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 from Shopify (``Z`` or an offset) to an aware UTC datetime."""
    if not value:
        return None
    stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def amount_of(value: Any) -> Decimal:
    if isinstance(value, float):
        raise MappingError("money arrived as a float; parse JSON with parse_float=Decimal")
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def money_of(money_set: Mapping[str, Any] | None, currency: str) -> Money:
    """A ``MoneyBag`` or a ``MoneyV2`` node, in ``currency``.

    Orders are kept in their presentment currency (what the customer paid and what refunds are
    expressed in); ``shopMoney`` is only used when a bag has no presentment side.
    """
    if not money_set:
        return Money.zero(currency)
    node = money_set.get("presentmentMoney") or money_set.get("shopMoney") or money_set
    code = str(node.get("currencyCode") or currency)
    if code != currency:
        raise MappingError(f"amount in {code}, expected {currency}")
    return Money(amount_of(node.get("amount")), currency)


def order_currency(node: Mapping[str, Any]) -> str:
    """The order's presentment currency (equal to the shop currency on single-currency shops)."""
    return str(node.get("presentmentCurrencyCode") or node["currencyCode"])


def money_input(amount: Money) -> dict[str, str]:
    """``MoneyInput``: decimal string, never a float."""
    return {"amount": str(amount.amount), "currencyCode": amount.currency}


def marker(key: str) -> str:
    return f"[{OUR_MARKER_PREFIX}{key}]"


def has_marker(note: str | None, key: str) -> bool:
    return bool(note) and marker(key) in str(note)


def nodes_of(connection: Any) -> list[Mapping[str, Any]]:
    """Both list fields and connections (``{nodes: [...]}`` or ``{edges: [{node}]}``)."""
    if connection is None:
        return []
    if isinstance(connection, list):
        return connection
    if "nodes" in connection:
        return list(connection["nodes"] or [])
    return [edge["node"] for edge in connection.get("edges") or []]


def tags_of(value: Any) -> frozenset[str]:
    """Tags as a set of lower-case words, from a comma-separated string or a list."""
    if not value:
        return frozenset()
    items: Iterable[str] = value.split(",") if isinstance(value, str) else value
    return frozenset(t.strip().lower() for t in items if t and t.strip())


def required_time(value: Any, what: str) -> datetime:
    """A timestamp the common model cannot do without: missing, the payload is refused."""
    stamp = parse_time(value)
    if stamp is None:
        raise MappingError(f"{what}: no timestamp")
    return stamp
