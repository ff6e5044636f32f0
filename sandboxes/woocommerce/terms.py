"""Product tags and categories as WordPress terms: ``{id, name, slug}``, as REST v3 shows them on a product.

WordPress keeps one term per slug in each taxonomy (``product_tag``, ``product_cat``), with ids from its own
counter, not the post ids: taking ids here never moves a seeded product's, order's or item's id.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sandboxes.woocommerce.state import Product, Store

FIRST_TERM_ID: Final = 16
"""A fresh WooCommerce install has used the ids below (product types, visibility terms, Uncategorized = 15)."""
UNCATEGORIZED: Final = "Uncategorized"
"""``default_product_cat``: WooCommerce files a product without a category here (term 15), and says so."""
UNCATEGORIZED_ID: Final = 15


def slug_of(name: str) -> str:
    """``sanitize_title``: lower case, letters, digits, ``_`` and ``-``, spaces to dashes."""
    kept = re.sub(r"[^a-z0-9 _-]", "", name.lower())
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", kept.strip())).strip("-")


def term(store: Store, taxonomy: str, name: str) -> dict[str, Any]:
    """The term named ``name`` (created on first use), in the REST ``{id, name, slug}`` shape."""
    slug = slug_of(name)
    key = (taxonomy, slug)
    if key == ("product_cat", "uncategorized"):
        return {"id": UNCATEGORIZED_ID, "name": UNCATEGORIZED, "slug": slug}
    if key not in store.terms:
        store.terms[key] = FIRST_TERM_ID + len(store.terms)
    return {"id": store.terms[key], "name": name, "slug": slug}


def register_terms(store: Store, product: Product) -> None:
    """Give the product's categories and tags their ids now, so ids follow the seed, not the reads."""
    for name in product.categories:
        term(store, "product_cat", name)
    for name in product.tags:
        term(store, "product_tag", name)
