"""The exchange catalogue's GraphQL documents (the portal's exchange step), apart from ``queries`` so that each
file stays one reviewable idea: what the adapter reads of a product's variants and of a title search, with the
requested cost of each worked out against Shopify's 1000-point cap.

Field names follow the Admin GraphQL reference for 2026-04 (https://shopify.dev/docs/api/admin-graphql).
"""

from __future__ import annotations

from typing import Final

EXCHANGE_VARIANT_FIELDS: Final = """
fragment ExchangeProduct on Product {
  id title status
  featuredMedia { preview { image { url } } }
}
fragment ExchangeVariant on ProductVariant {
  id title availableForSale inventoryQuantity inventoryPolicy
  inventoryItem { tracked }
  selectedOptions { name value }
  contextualPricing(context: {country: $country}) { price { amount currencyCode } }
}
"""

VARIANTS_PER_PRODUCT: Final = 50
"""Variants read for one product: sizes x colours stay well under 50 in apparel. Requested cost: each variant
1 + inventoryItem 1 + selectedOptions 1 + contextualPricing 2 = 5, so 2 + 50 x 5 = 252 points plus the product
(1 + featuredMedia 3) = 256, a quarter of the 1000-point cap; Shopify refunds what the variants not returned did
not cost."""

EXCHANGE_VARIANTS: Final = (
    f"""
query ExchangeVariants($id: ID!, $country: CountryCode!) {{
  product(id: $id) {{
    ...ExchangeProduct
    variants(first: {VARIANTS_PER_PRODUCT}) {{ nodes {{ ...ExchangeVariant }} pageInfo {{ hasNextPage }} }}
  }}
}}
"""
    + EXCHANGE_VARIANT_FIELDS
)
"""One product's variants with what the portal's exchange step shows: options, stock and the market price."""

VARIANTS_PER_SEARCHED_PRODUCT: Final = 25
"""Variants read per product found by a title search. Requested cost: 4 + 2 + 25 x 5 = 131 points a product, so
the 5 products a search brings back at most (``MAX_SEARCH_PRODUCTS``) cost 2 + 5 x 131 = 657, under the
1000-point cap."""

EXCHANGE_SEARCH: Final = (
    f"""
query ExchangeSearch($query: String!, $first: Int!, $country: CountryCode!) {{
  products(first: $first, query: $query) {{
    nodes {{
      ...ExchangeProduct
      variants(first: {VARIANTS_PER_SEARCHED_PRODUCT}) {{ nodes {{ ...ExchangeVariant }} pageInfo {{ hasNextPage }} }}
    }}
  }}
}}
"""
    + EXCHANGE_VARIANT_FIELDS
)
"""Products whose title matches a customer's search (another product in exchange), each with its variants."""
