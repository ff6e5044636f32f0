"""Webhook signature check and topic → ``IncomingEvent`` translation.

The HTTP endpoint itself (raw bytes → verify → inbox → enqueue → 200) lives in the shared
``webhooks/`` package; this module gives it the two Shopify-specific pieces:

* ``verify_signature``: ``X-Shopify-Hmac-Sha256`` is base64(HMAC-SHA256(raw body, app secret)),
  compared in constant time against each secret in turn (an app-secret rotation can take an hour
  to reach every delivery, so old and new must both pass). Hash the raw bytes, never re-serialised
  JSON (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries).
* ``translate``: the REST-style, snake_case bodies of shopify.md §4/§8 into the kinds listed on
  ``connector.ports.EventKind``. Unknown topics become ``ignored`` (answered 200 upstream).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from connector import webhook_signature as signatures
from connector.ports import EventKind, IncomingEvent
from connector.webhook_source import NamedShop
from platforms.shopify import mapping, refund_events

HMAC_HEADER: Final = "X-Shopify-Hmac-Sha256"
TOPIC_HEADER: Final = "X-Shopify-Topic"
SHOP_HEADER: Final = "X-Shopify-Shop-Domain"
EVENT_ID_HEADER: Final = "X-Shopify-Event-Id"
TRIGGERED_AT_HEADER: Final = "X-Shopify-Triggered-At"

SUBSCRIBED_TOPICS: Final = (
    "returns/request",
    "returns/approve",
    "returns/decline",
    "returns/cancel",
    "returns/close",
    "returns/reopen",
    "refunds/create",
    "orders/updated",
    "app/uninstalled",
)
"""Topics we subscribe per shop after install. Compliance topics come from the app TOML only.

Not ``returns/process`` (issue 15 §8): Shopify documents no body for it in 2026-04 (its example ``response`` is
``{}``), while processing with a refund also sends ``refunds/create``, which names the return and carries the
money, the refunded lines and the restock. So ``refunds/create`` is the signal for a return processed in the
admin, and ``returns/close`` for its end. ``returns/update`` carries nothing we act on either."""

COMPLIANCE_TOPICS: Final = ("customers/data_request", "customers/redact", "shop/redact")
"""The mandatory compliance topics, subscribed in the app's TOML for every shop."""

ACCEPTED_TOPICS: Final = frozenset(
    {*SUBSCRIBED_TOPICS, *COMPLIANCE_TOPICS, "orders/create", "orders/delete", "returns/process"}
)
"""Every topic intake stores (any other is answered 200 and dropped). The one list of Shopify topics: intake
(``webhook_source.ShopifySource``) and the per-shop subscription both read it from here, so they cannot drift apart.
``returns/process`` is stored and translated to ``ignored`` (see ``SUBSCRIBED_TOPICS``)."""

DESTRUCTIVE_TOPICS: Final = frozenset({"shop/redact", "customers/redact", "app/uninstalled"})
"""Acted on only when the signed body names the shop (and it is the shop the delivery was stored for)."""

_SHOP_DOMAIN_KEYS: Final = ("shop_domain", "myshopify_domain")
_SHOP_RESOURCE_TOPICS: Final = frozenset({"app/uninstalled", "shop/update"})
"""Topics whose body is the Shop resource itself: its ``id`` is the shop's id (elsewhere, the resource's)."""


def named_shop(topic: str, payload: Mapping[str, Any]) -> NamedShop:
    """The Shop resource's ``domain`` counts only when it is a myshopify domain: it holds the shop's primary
    domain, which may be the merchant's own (``shop.example``) and says nothing about which shop this is."""
    domains = {value.strip().lower() for key in _SHOP_DOMAIN_KEYS if isinstance(value := payload.get(key), str)}
    primary = payload.get("domain") if topic in _SHOP_RESOURCE_TOPICS else None
    if isinstance(primary, str) and primary.strip().lower().endswith(".myshopify.com"):
        domains.add(primary.strip().lower())
    ids = {_shop_id(payload.get("shop_id"))}
    if topic in _SHOP_RESOURCE_TOPICS:
        ids.add(_shop_id(payload.get("id")))
    return NamedShop(frozenset(domains), frozenset(ids - {""}))


def _shop_id(value: Any) -> str:
    """Shop ids come as numbers (REST bodies) or GIDs; compare them as the number."""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip().rsplit("/", 1)[-1]


_RETURN_KINDS: Final = {
    "returns/request": EventKind.RETURN_REQUESTED,
    "returns/approve": EventKind.RETURN_APPROVED,
    "returns/decline": EventKind.RETURN_DECLINED,
    "returns/cancel": EventKind.RETURN_CANCELED,
    "returns/close": EventKind.RETURN_CLOSED,
    "returns/reopen": EventKind.RETURN_REOPENED,
}
_SIMPLE_KINDS: Final = {
    "app/uninstalled": EventKind.APP_UNINSTALLED,
    "customers/data_request": EventKind.CUSTOMER_DATA_REQUEST,
    "customers/redact": EventKind.CUSTOMER_REDACT,
    "shop/redact": EventKind.SHOP_REDACT,
}


def compute_signature(raw_body: bytes, secret: str) -> str:
    return signatures.sign(raw_body, secret)


def verify_signature(raw_body: bytes, header_value: str | None, app_secrets: Sequence[str]) -> bool:
    """True when ``header_value`` is the body's HMAC under any of ``app_secrets``."""
    return signatures.verify(raw_body, header_value, app_secrets)


def _with_order_gids(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``customers/redact`` names orders by their REST ids; we key Shopify orders by GID, so both spellings
    are handed to the core, which matches ids without knowing how a platform spells them."""
    data = dict(payload)
    ids = data.get("orders_to_redact")
    if isinstance(ids, list):
        data["orders_to_redact"] = [*ids, *(f"gid://shopify/Order/{i}" for i in ids if str(i).isdigit())]
    return data


def translate(topic: str, payload: Mapping[str, Any], shop_domain: str, shop_id: str) -> IncomingEvent:
    """One webhook (topic header + parsed body) as an ``IncomingEvent``."""
    topic = topic.strip().lower()
    handler = _HANDLERS.get(topic)
    if handler is not None:
        return handler(topic, payload, shop_domain, shop_id)
    if topic in _RETURN_KINDS:
        return _return_event(topic, payload, shop_domain)
    if topic in _SIMPLE_KINDS:
        named = named_shop(topic, payload).domains
        return IncomingEvent(
            kind=_SIMPLE_KINDS[topic],
            shop_address=shop_domain,
            resource_id=str(payload.get("shop_domain") or payload.get("myshopify_domain") or shop_domain),
            occurred_at=None,
            data=_with_order_gids(payload),
            shop_named_in_body=next(iter(named)) if len(named) == 1 else None,
        )
    return IncomingEvent(
        kind=EventKind.IGNORED, shop_address=shop_domain, resource_id="", occurred_at=None, data={"topic": topic}
    )


def _return_event(topic: str, payload: Mapping[str, Any], shop_domain: str) -> IncomingEvent:
    data = mapping.return_event_data(payload)
    fee = refund_events.return_shipping_fee(payload)
    if fee is not None:
        data["return_shipping_fee"] = {"amount": str(fee[0]), "currency": fee[1]}
    return IncomingEvent(
        kind=_RETURN_KINDS[topic],
        shop_address=shop_domain,
        resource_id=str(data["return_id"] or ""),
        occurred_at=mapping.parse_time(payload.get("updated_at") or payload.get("created_at")),
        data=data,
    )


def _order_event(topic: str, payload: Mapping[str, Any], shop_domain: str, shop_id: str) -> IncomingEvent:
    order_id = str(payload.get("admin_graphql_api_id") or mapping.gid("Order", payload["id"]))
    if topic == "orders/delete":
        return IncomingEvent(EventKind.ORDER_DELETED, shop_domain, order_id, None, data={"order_id": order_id})
    try:
        order = mapping.order_from_rest(payload, shop_id)
    except (mapping.MappingError, KeyError, ValueError):
        # A partial body still tells the core which order to refetch.
        order = None
    return IncomingEvent(
        kind=EventKind.ORDER_CHANGED,
        shop_address=shop_domain,
        resource_id=order_id,
        occurred_at=mapping.parse_time(payload.get("updated_at")),
        order=order,
        data={"order_id": order_id},
    )


def _refund_event(topic: str, payload: Mapping[str, Any], shop_domain: str, shop_id: str) -> IncomingEvent:
    refund_id = str(payload.get("admin_graphql_api_id") or mapping.gid("Refund", payload["id"]))
    order_id = mapping.gid("Order", payload["order_id"]) if payload.get("order_id") else None
    return IncomingEvent(
        kind=EventKind.REFUND_CREATED,
        shop_address=shop_domain,
        resource_id=refund_id,
        occurred_at=mapping.parse_time(payload.get("processed_at") or payload.get("created_at")),
        data={
            "refund_id": refund_id,
            "order_id": order_id,
            "note": payload.get("note"),
            "return_id": mapping.gid("Return", payload["return"]["id"])
            if isinstance(payload.get("return"), Mapping) and payload["return"].get("id")
            else None,
            "refund": refund_events.shop_refund(payload),
        },
    )


_HANDLERS: Final[dict[str, Callable[[str, Mapping[str, Any], str, str], IncomingEvent]]] = {
    "orders/updated": _order_event,
    "orders/create": _order_event,
    "orders/cancelled": _order_event,
    "orders/delete": _order_event,
    "refunds/create": _refund_event,
}
