"""A variable product's variations, read for the portal's exchange step and kept for a minute.

A customer choosing a replacement looks at a product's sizes and colours, goes back, looks again; each look
would otherwise be one ``GET products/<id>/variations`` per product shown. The list is kept ``ttl_seconds``
(default 60) per product, in the same bounded cache as the product facts (``platforms.ttl_cache``). The stock
it shows may be that old: the stock is read again, fresh, when the customer asks for the exchange
(``available_stock``) and when it is sent, so a minute's staleness never promises what is gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from platforms.ttl_cache import TtlCache
from platforms.woocommerce.client import MAX_PER_PAGE, WooClient

DEFAULT_TTL_SECONDS: Final = 60
DEFAULT_MAX_ENTRIES: Final = 500
FIELDS: Final = (
    "id,status,price,tax_status,purchasable,manage_stock,stock_quantity,stock_status,backorders_allowed,"
    "attributes,image"
)
"""What an exchange option needs of a variation (``_fields``): a fraction of the full answer."""


@dataclass(slots=True)
class VariationCatalogue:
    """Variations per variable product, read whole (every page) and cached (see module docstring)."""

    client: WooClient
    ttl_seconds: float = DEFAULT_TTL_SECONDS
    max_entries: int = DEFAULT_MAX_ENTRIES
    clock: Callable[[], float] = time.monotonic
    _cache: TtlCache[int, tuple[Mapping[str, Any], ...]] = field(init=False)

    def __post_init__(self) -> None:
        self._cache = TtlCache(self.ttl_seconds, self.max_entries)

    def variations_of(self, product_id: int) -> tuple[Mapping[str, Any], ...]:
        found, _missing = self._cache.get_many([product_id], self.clock())
        if product_id in found:
            return found[product_id]
        read = tuple(
            raw
            for raw in self.client.paginate(f"products/{product_id}/variations", {"_fields": FIELDS}, MAX_PER_PAGE)
            if isinstance(raw, Mapping)
        )
        self._cache.put_many({product_id: read}, self.clock())
        return read
