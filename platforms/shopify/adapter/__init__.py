"""``ShopAdapter`` for Shopify: the connector's actions as GraphQL Admin calls.

Each method is a short sequence: read what the mutation needs, build its input with ``mapping``,
call it through ``GraphQLClient`` (which classifies every failure), map the answer back.
Money-moving calls can be retried safely:

* ``refundCreate`` carries ``@idempotent(key: <instruction.idempotency_key>)``, so a retry with the
  same key returns the first refund instead of paying again;
* every refund we create (``refundCreate`` or ``returnProcess``) has ``[rc:<key>]`` in its note, which
  ``find_refund`` looks for after an ``OutcomeUnknown``;
* store credit has no note field: ``find_store_credit`` matches a credit made by hand (``event``
  ADJUSTMENT, so never a refund's own credit) of the same amount (and expiry), created since the credit
  was planned and within ``credit_lookback``, erring towards "already paid" (never twice). A policy's
  credit bonus is such a credit, apart from the return's refund (its key ``ret:<id>:credit-bonus``).

One idea per module, joined here as mixins of ``ShopifyAdapter``: ``base`` (the shop, its client, shared
reads, notes, webhook subscriptions), ``orders``, ``returns`` (the lifecycle), ``refunds`` (``refundCreate``
and ``returnProcess``), ``store_credit`` (and gift cards), ``exchanges``, ``catalogue`` (what a line can be
exchanged for) and ``reverse_deliveries`` (the return parcel's label and tracking, shown on the return).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import requests

from connector.ports import AttachesReturnShipping, ShopAdapter
from platforms.shopify import product_collections
from platforms.shopify.adapter.catalogue import ExchangeCatalogue
from platforms.shopify.adapter.exchanges import Exchanges
from platforms.shopify.adapter.refunds import Refunds
from platforms.shopify.adapter.returns import ReturnsLifecycle
from platforms.shopify.adapter.reverse_deliveries import ReverseDeliveries
from platforms.shopify.adapter.store_credit import CREDIT_LOOKBACK, StoreCredit
from platforms.shopify.client import DEFAULT_API_VERSION, GraphQLClient, TokenProvider

__all__ = ["ShopifyAdapter"]


class ShopifyAdapter(Exchanges, ExchangeCatalogue, ReturnsLifecycle, ReverseDeliveries, Refunds, StoreCredit):
    """One Shopify shop. ``token_provider`` is usually an ``auth.TokenManager`` (refreshes in time)."""

    platform = "shopify"

    def __init__(
        self,
        shop_domain: str,
        token_provider: TokenProvider,
        *,
        api_version: str = DEFAULT_API_VERSION,
        shop_id: str | None = None,
        restock_location_id: str | None = None,
        store_credit_fallback: bool = True,
        session: requests.Session | None = None,
        base_url: str | None = None,
        client: GraphQLClient | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        credit_lookback: timedelta = CREDIT_LOOKBACK,
        collection_cache_seconds: float = product_collections.DEFAULT_TTL_SECONDS,
    ) -> None:
        self.shop_domain = shop_domain
        self.shop_id = shop_id or shop_domain
        self.client = client or GraphQLClient(
            shop_domain, token_provider, api_version=api_version, session=session, base_url=base_url
        )
        self._location = restock_location_id
        self._fallback = store_credit_fallback
        self._now = now
        self._lookback = credit_lookback
        self._reason_definitions: dict[str, str] | None = None
        self.collections = product_collections.CollectionCatalog(self.client, ttl_seconds=collection_cache_seconds)


if TYPE_CHECKING:  # the adapter must keep satisfying the port
    _port_check: type[ShopAdapter] = ShopifyAdapter
    _shipping_check: type[AttachesReturnShipping] = ShopifyAdapter
