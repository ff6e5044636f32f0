"""The sandbox shop's collections: a few custom collections, as an apparel shop files its catalogue.

Derived from each seeded product's type and final-sale flag only (no random draw), so the seed's products,
orders, ids and figures stay what they were. Every product of a known type is in one of the groups, and the
final-sale ones are in ``Sale`` as well (the WooCommerce sandbox files those in a ``Sale`` category too).
A group is named neither like a tag nor like a product type, so a rule by collection matches nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sandboxes.kit.seed import SeedProduct

COLLECTION_BASE: Final = 4_400_000
GROUPS: Final[dict[str, str]] = {
    "T-Shirt": "Tops", "Shirt": "Tops", "Sweater": "Tops", "Hoodie": "Tops", "Jacket": "Outerwear",
    "Jeans": "Bottoms", "Skirt": "Bottoms", "Shorts": "Bottoms", "Dress": "Dresses", "Sneakers": "Footwear",
}  # fmt: skip
SALE: Final = "Sale"
TITLES: Final = ("Tops", "Bottoms", "Dresses", "Outerwear", "Footwear", SALE)
"""In id order: ``gid://shopify/Collection/4400001`` is Tops, and so on."""


@dataclass(frozen=True, slots=True)
class CollectionState:
    id: int
    title: str

    @property
    def handle(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")

    def node(self) -> dict[str, Any]:
        """The GraphQL ``Collection`` (``__typename`` tells the ``Node`` interface what it is)."""
        return {"__typename": "Collection", "id": f"gid://shopify/Collection/{self.id}", "handle": self.handle,
                "title": self.title}  # fmt: skip


def seed_collections(products: Sequence[SeedProduct]) -> dict[int, tuple[CollectionState, ...]]:
    """The collections of each product, by product key."""
    by_title = {title: CollectionState(COLLECTION_BASE + i, title) for i, title in enumerate(TITLES, start=1)}
    result: dict[int, tuple[CollectionState, ...]] = {}
    for product in products:
        titles = [GROUPS[product.product_type]] if product.product_type in GROUPS else []
        titles += [SALE] if product.final_sale else []
        result[product.key] = tuple(by_title[t] for t in titles)
    return result
