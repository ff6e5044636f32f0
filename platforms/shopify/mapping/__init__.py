"""Shopify JSON ↔ the common model. Pure functions: no I/O, no clock, no globals.

Two input dialects: GraphQL Admin nodes (camelCase, ``MoneyBag`` sets, GIDs) from our own queries,
and REST-style webhook bodies (snake_case, numeric ids plus ``admin_graphql_api_id``, shopify.md
§4/§8). Ids are kept as GIDs (``gid://shopify/LineItem/123``) everywhere. Money is parsed from the
decimal strings Shopify sends (or ``Decimal`` when the body was parsed with ``parse_float=Decimal``);
a float never reaches ``Money``.

One module per idea: ``scalars`` (ids, times, money, tags, our note marker), ``orders``, ``returns`` and
``refunds``. Callers use ``mapping.<name>``; the names are gathered here.
"""

from platforms.shopify.mapping.orders import collections_of, order_from_graphql, order_from_rest, product_ids_of
from platforms.shopify.mapping.refunds import (
    ParentTransaction,
    allocate_refund,
    note_with_marker,
    refund_create_input,
    refundable_transactions,
    return_process_input,
)
from platforms.shopify.mapping.returns import (
    DECLINE_REASONS,
    RETURN_STATUS_FROM_SHOPIFY,
    allocate_fulfillment_lines,
    decline_input,
    reason_inputs,
    return_create_input,
    return_event_data,
    return_from_graphql,
)
from platforms.shopify.mapping.scalars import (
    FINAL_SALE_TAGS,
    OUR_MARKER_PREFIX,
    MappingError,
    amount_of,
    gid,
    has_marker,
    legacy_id,
    marker,
    money_input,
    money_of,
    nodes_of,
    order_currency,
    parse_time,
    required_time,
    tags_of,
)

__all__ = [
    "DECLINE_REASONS",
    "FINAL_SALE_TAGS",
    "OUR_MARKER_PREFIX",
    "RETURN_STATUS_FROM_SHOPIFY",
    "MappingError",
    "ParentTransaction",
    "allocate_fulfillment_lines",
    "allocate_refund",
    "amount_of",
    "collections_of",
    "decline_input",
    "gid",
    "has_marker",
    "legacy_id",
    "marker",
    "money_input",
    "money_of",
    "nodes_of",
    "note_with_marker",
    "order_currency",
    "order_from_graphql",
    "order_from_rest",
    "parse_time",
    "product_ids_of",
    "reason_inputs",
    "refund_create_input",
    "refundable_transactions",
    "required_time",
    "return_create_input",
    "return_event_data",
    "return_from_graphql",
    "return_process_input",
    "tags_of",
]
