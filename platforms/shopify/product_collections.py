"""The collections of an order's products: one batched read per order, cached per product.

Rules and window overrides may name a collection (its handle or title). Shopify keeps collections on the
product, and asking for them inside the line-items query would multiply its cost by every line
(``LINES_PER_PAGE`` lines x ``COLLECTIONS_PER_PRODUCT`` collections breaks the 1000-point cap), so they are
read apart: ``nodes(ids:)`` for the order's distinct products, ``PRODUCTS_PER_COLLECTIONS_READ`` at a time
(560 requested points each, see ``queries``). Needs ``read_products``, which the app already asks for.

Collections change rarely and orders are mapped often (sync, polling, portal look-ups), so each adapter keeps
them per product for ``ttl_seconds`` (default 5 minutes), at most ``max_entries`` products, as the
WooCommerce product facts are kept (``platforms.ttl_cache``). A product Shopify no longer returns (deleted)
is cached with no collections: its lines match no collection rule, which is all the shop still knows. A
failed read fails the order read (the caller's job retries): mapping without them would let a line escape a
rule by collection.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from platforms.shopify import mapping, queries
from platforms.shopify.client import GraphQLClient
from platforms.ttl_cache import TtlCache

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS: Final = 300
DEFAULT_MAX_ENTRIES: Final = 5000


@dataclass(slots=True)
class CollectionCatalog:
    """Collections (handles and titles, case-folded) per product GID for one shop."""

    client: GraphQLClient
    ttl_seconds: float = DEFAULT_TTL_SECONDS
    max_entries: int = DEFAULT_MAX_ENTRIES
    clock: Callable[[], float] = time.monotonic
    _cache: TtlCache[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        self._cache = TtlCache(self.ttl_seconds, self.max_entries)

    def collections_for(self, product_ids: Iterable[str]) -> dict[str, frozenset[str]]:
        """Collections per product; products read less than ``ttl_seconds`` ago cost no request."""
        found, missing = self._cache.get_many(sorted(set(product_ids)), self.clock())
        size = queries.PRODUCTS_PER_COLLECTIONS_READ
        for start in range(0, len(missing), size):
            found.update(self._read(missing[start:start + size]))
        return found

    def _read(self, product_ids: list[str]) -> dict[str, frozenset[str]]:
        data = self.client.query(queries.PRODUCT_COLLECTIONS, {"ids": product_ids})
        read: dict[str, frozenset[str]] = dict.fromkeys(product_ids, frozenset())
        for node in data.get("nodes") or []:
            if isinstance(node, Mapping) and node.get("id") in read:
                read[str(node["id"])] = mapping.collections_of(node)
                _warn_if_truncated(node)
        self._cache.put_many(read, self.clock())
        return read


def _warn_if_truncated(product: Mapping[str, Any]) -> None:
    info = (product.get("collections") or {}).get("pageInfo") or {}
    if info.get("hasNextPage"):
        # Read short, never invented: a rule naming a collection past the first ones does not match this product.
        log.warning("shopify.product.collections-truncated",
                    extra={"product": product.get("id"), "read": queries.COLLECTIONS_PER_PRODUCT})  # fmt: skip
