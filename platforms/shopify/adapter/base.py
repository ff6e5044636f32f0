"""What every part of the Shopify adapter stands on: the shop, its client and settings, the reads of a
return and of the restock location that refunds and exchanges share, order notes and webhook subscriptions.

The adapter is split by idea (``orders``, ``returns``, ``refunds``, ``store_credit``, ``exchanges``) into
mixins of one class, ``ShopifyAdapter``; this base holds the attributes its constructor sets and what more
than one part reads, so that each part needs no other (``exchanges`` alone builds on ``orders``, for stock).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from connector.errors import NotFound
from platforms.shopify import mapping, product_collections, queries, webhooks
from platforms.shopify.client import GraphQLClient


class ShopifyAdapterBase:
    """The attributes ``ShopifyAdapter.__init__`` sets, and the calls several parts share."""

    shop_domain: str
    shop_id: str
    client: GraphQLClient
    _location: str | None
    _fallback: bool
    _now: Callable[[], datetime]
    _lookback: timedelta
    _reason_definitions: dict[str, str] | None
    collections: product_collections.CollectionCatalog

    def add_order_note(self, order_id: str, note: str) -> None:
        oid = mapping.gid("Order", order_id)
        data = self.client.query(queries.ORDER_NOTE, {"id": oid})
        current = str((data.get("order") or {}).get("note") or "")
        if note in current:
            return  # already there: a retried job must not append twice
        combined = f"{current}\n{note}".strip()
        self.client.mutate(
            queries.ORDER_UPDATE_NOTE, {"input": {"id": oid, "note": combined}}, payload_key="orderUpdate"
        )

    def subscribe_webhooks(self, callback_url: str) -> list[str]:
        """Subscribe ``SUBSCRIBED_TOPICS`` to ``callback_url``; existing subscriptions are kept."""
        existing: dict[str, str] = {}
        cursor: str | None = None
        while True:
            page = self.client.query(queries.WEBHOOK_SUBSCRIPTIONS, {"after": cursor})["webhookSubscriptions"]
            for sub in page["nodes"]:
                if sub.get("uri") == callback_url:
                    existing[str(sub["topic"])] = str(sub["id"])
            if not (page.get("pageInfo") or {}).get("hasNextPage"):
                break
            cursor = page["pageInfo"]["endCursor"]
        ids = []
        for topic in webhooks.SUBSCRIBED_TOPICS:
            enum = topic.upper().replace("/", "_")
            if enum in existing:
                ids.append(existing[enum])
                continue
            payload = self.client.mutate(
                queries.WEBHOOK_SUBSCRIBE,
                {"topic": enum, "webhookSubscription": {"uri": callback_url, "format": "JSON"}},
                payload_key="webhookSubscriptionCreate",
            )
            ids.append(str(payload["webhookSubscription"]["id"]))
        return ids

    def _restock_location(self) -> str | None:
        """The configured location, else the shop's first one (asked once, then remembered)."""
        if self._location is None:
            nodes = self.client.query(queries.LOCATIONS, {}).get("locations", {}).get("nodes") or []
            self._location = str(nodes[0]["id"]) if nodes else None
        return self._location

    def _return_node(self, return_id: str, document: str = queries.RETURN_FOR_PROCESSING) -> Mapping[str, Any]:
        data = self.client.query(document, {"id": mapping.gid("Return", return_id)})
        node = data.get("return")
        if not node:
            raise NotFound(f"return {return_id} not found")
        return node  # type: ignore[no-any-return]
