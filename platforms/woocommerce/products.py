"""Product facts for order lines (tags, categories, type, final sale): one product read per order, cached.

A WooCommerce order line carries only ``product_id``, ``variation_id`` and the SKU; the facts that policy
rules and exclusions look at live on the product. Choices worth knowing:

* **One request per order.** ``GET products?include=<ids>&per_page=100&_fields=...`` reads every product
  of the order at once (more than 100 distinct products: one request per 100). ``include`` lists
  *products* only, never variations (WooCommerce queries the ``product`` post type), so a variation line
  is read through its parent: tags, categories and type are the parent's, as WooCommerce keeps them there.
* **Final sale** is read from the parent product: a tag in ``final_sale_tags`` (name or slug, case-folded;
  default: the same tags as Shopify, ``final-sale``, ``final_sale``, ``finalsale``), or the meta key
  ``final_sale_meta_key`` (default ``_final_sale``) with a truthy value (``yes``, ``1``, ``true``, ``on``,
  or JSON ``true``/``1``). The same meta key on the *order item* counts too (a plugin may copy it there;
  it costs no request). A variation's own meta is not read: that would take one more request per
  variable product, and the parent is where merchants mark a product as final sale.
* **Collections** are the product's categories, names *and* slugs (case-folded by the policy), so a rule
  may name ``Swimwear`` or ``swimwear``. **Tags** likewise hold names and slugs. **Product type** is
  WooCommerce's ``type`` (``simple``, ``variable``, ``grouped``, ``external`` or a plugin's).
* **Polling** reads the products of a whole page of orders at once (``prefetch``), then maps each order from
  the cache.
* **Cache.** Products change rarely and orders are mapped often (sync, polling, portal look-ups), so each
  adapter keeps facts per product id for ``ttl`` (default 5 minutes), at most ``max_entries`` of them
  (least recently used dropped first). A product the store no longer returns (deleted or trashed) is
  cached as unknown: its lines map without facts, which is all the shop itself still knows.
* **A failed read fails the mapping** (the error propagates; transient errors are retried by the caller's
  job). Mapping without the facts would make a final-sale item returnable, which is worse for a merchant
  than a retry a minute later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, TypeVar

from connector.domain.orders import Order
from platforms.shopify.mapping import FINAL_SALE_TAGS
from platforms.ttl_cache import TtlCache
from platforms.woocommerce.client import MAX_PER_PAGE, WooClient
from platforms.woocommerce.mapping import to_int
from platforms.woocommerce.markers import meta_value

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_FINAL_SALE_TAGS: Final = FINAL_SALE_TAGS
DEFAULT_FINAL_SALE_META_KEY: Final = "_final_sale"
DEFAULT_TTL_SECONDS: Final = 300
DEFAULT_MAX_ENTRIES: Final = 5000
TRUTHY: Final = frozenset({"yes", "1", "true", "on"})
FIELDS: Final = "id,type,tags,categories,meta_data"


@dataclass(frozen=True, slots=True)
class FinalSaleRule:
    """How a product says "final sale": a tag (name or slug) or a meta key with a truthy value."""

    tags: frozenset[str] = DEFAULT_FINAL_SALE_TAGS
    meta_key: str | None = DEFAULT_FINAL_SALE_META_KEY

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", frozenset(t.strip().casefold() for t in self.tags if t.strip()))

    def meta_says_final(self, meta_data: Any) -> bool:
        if not self.meta_key:
            return False
        value = meta_value(meta_data, self.meta_key)
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value == 1
        return isinstance(value, str) and value.strip().casefold() in TRUTHY


@dataclass(frozen=True, slots=True)
class ProductFacts:
    product_type: str | None = None
    tags: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    final_sale: bool = False


def _terms(value: Any) -> frozenset[str]:
    """Names and slugs of ``[{id, name, slug}]`` terms, case-folded."""
    found: set[str] = set()
    for term in value if isinstance(value, list) else []:
        if isinstance(term, Mapping):
            found.update(str(term.get(k) or "").strip().casefold() for k in ("name", "slug"))
    found.discard("")
    return frozenset(found)


def facts_from_product(raw: Mapping[str, Any], rule: FinalSaleRule) -> ProductFacts:
    """A REST v3 product (``tags``/``categories`` as ``[{id, name, slug}]``, ``type``, ``meta_data``)."""
    tags = _terms(raw.get("tags"))
    return ProductFacts(
        product_type=str(raw["type"]) if raw.get("type") else None,
        tags=tags,
        collections=_terms(raw.get("categories")),
        final_sale=bool(tags & rule.tags) or rule.meta_says_final(raw.get("meta_data")),
    )


@dataclass(slots=True)
class ProductCatalog:
    """Facts per product id for one shop, read in batches and cached (see module docstring)."""

    client: WooClient
    rule: FinalSaleRule = field(default_factory=FinalSaleRule)
    ttl_seconds: float = DEFAULT_TTL_SECONDS
    max_entries: int = DEFAULT_MAX_ENTRIES
    clock: Callable[[], float] = time.monotonic
    _cache: TtlCache[int, ProductFacts | None] = field(init=False)

    def __post_init__(self) -> None:
        self._cache = TtlCache(self.ttl_seconds, self.max_entries)

    def facts_for(self, product_ids: Iterable[int]) -> dict[int, ProductFacts | None]:
        """Facts for each id (None: the store does not return that product). Unknown ids cost one request
        per 100; ids read less than ``ttl_seconds`` ago cost nothing."""
        wanted = sorted({i for i in product_ids if i > 0})
        found, missing = self._cache.get_many(wanted, self.clock())
        for start in range(0, len(missing), MAX_PER_PAGE):
            found.update(self._read(missing[start:start + MAX_PER_PAGE]))
        return found

    def prefetch(self, raw_orders: Iterable[Mapping[str, Any]]) -> None:
        """Read the products of several orders at once (a page of polled orders: one request, not one each)."""
        self.facts_for(set().union(*(product_ids_of(raw) for raw in raw_orders)))

    def _read(self, ids: list[int]) -> dict[int, ProductFacts | None]:
        page = self.client.get_page(
            "products", {"include": ",".join(map(str, ids)), "per_page": MAX_PER_PAGE, "_fields": FIELDS}
        )
        read: dict[int, ProductFacts | None] = dict.fromkeys(ids)
        for raw in page.items:
            if isinstance(raw, Mapping) and raw.get("id") in read:
                read[int(raw["id"])] = facts_from_product(raw, self.rule)
        gone = [i for i, facts in read.items() if facts is None]
        if gone:
            log.info("woocommerce.products.not_found", extra={"product_ids": gone})
        self._cache.put_many(read, self.clock())
        return read


def in_batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), read lazily."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def product_ids_of(raw_order: Mapping[str, Any]) -> set[int]:
    """The parent product id of every line (``product_id`` is the parent for a variation line too)."""
    ids: set[int] = set()
    for item in raw_order.get("line_items") or []:
        if isinstance(item, Mapping):
            ids.add(to_int(item.get("product_id")))
    ids.discard(0)
    return ids


def with_product_facts(
    order: Order, raw_order: Mapping[str, Any], facts: Mapping[int, ProductFacts | None], rule: FinalSaleRule
) -> Order:
    """``order`` with each line's type, tags, categories and final-sale flag from its product."""
    item_meta = {
        str(item.get("id")): item.get("meta_data")
        for item in raw_order.get("line_items") or []
        if isinstance(item, Mapping)
    }
    lines = []
    for line in order.lines:
        known = facts.get(to_int(line.platform_ids.get("product_id"))) or ProductFacts()
        lines.append(
            replace(
                line,
                product_type=known.product_type,
                tags=known.tags,
                collections=known.collections,
                final_sale=known.final_sale or rule.meta_says_final(item_meta.get(line.id)),
            )
        )
    return replace(order, lines=tuple(lines))
