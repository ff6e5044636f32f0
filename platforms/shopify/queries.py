"""GraphQL documents, kept apart so the adapter reads as steps and the shapes are reviewable in one file.

Field names follow the Admin GraphQL reference for 2026-04 (https://shopify.dev/docs/api/admin-graphql).
Money is read from ``presentmentMoney``, the currency the customer paid in: Shopify takes refund
amounts in the order's presentment currency (``ReturnRefundOrderTransactionInput.transactionAmount``,
``RefundInput.currency``), and for a single-currency shop it equals ``shopMoney`` anyway.
Money-moving mutations get their ``@idempotent`` directive inserted by ``client.idempotent_directive``
at the ``{idempotent}`` marker.
"""

from __future__ import annotations

from typing import Final

MONEY: Final = "presentmentMoney { amount currencyCode }"

ORDER_HEADER: Final = f"""
fragment OrderHeader on Order {{
  id legacyResourceId name email createdAt updatedAt processedAt closedAt cancelledAt
  currencyCode presentmentCurrencyCode taxesIncluded tags displayFinancialStatus displayFulfillmentStatus returnStatus
  customer {{ id email firstName lastName }}
  shippingAddress {{ name firstName lastName company address1 address2 city zip countryCodeV2 phone }}
  totalShippingPriceSet {{ {MONEY} }}
  totalRefundedShippingSet {{ {MONEY} }}
  transactions(first: 20) {{ id kind status gateway amountSet {{ {MONEY} }} parentTransaction {{ id }} }}
}}
"""

LINE_FIELDS: Final = f"""
fragment LineFields on LineItem {{
  id title name sku quantity variantTitle
  variant {{ id }}
  product {{ id productType tags }}
  customAttributes {{ key value }}
  originalUnitPriceSet {{ {MONEY} }}
  discountAllocations {{ allocatedAmountSet {{ {MONEY} }} }}
  taxLines {{ priceSet {{ {MONEY} }} }}
}}
"""

LINES_PER_PAGE: Final = 40
"""Line items per request: 40 x 12 points keeps a full order read under Shopify's 1000-point query cap."""

COLLECTIONS_PER_PRODUCT: Final = 25
"""Collections read per product: a product in more is rare (the rest are logged, not read), and 25 keeps a
batch of ``PRODUCTS_PER_COLLECTIONS_READ`` products well under the cost cap."""

PRODUCTS_PER_COLLECTIONS_READ: Final = 20
"""Products per ``ProductCollections`` request. Requested cost: each product costs 1 + its connection
(2 + 25 x 1 for the collection nodes) = 28, so 20 of them cost 560 points, well under the 1000-point cap, and an
order of up to 20 distinct products is one request."""

PRODUCT_COLLECTIONS: Final = f"""
query ProductCollections($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    ... on Product {{
      id
      collections(first: {COLLECTIONS_PER_PRODUCT}) {{ nodes {{ handle title }} pageInfo {{ hasNextPage }} }}
    }}
  }}
}}
"""
"""The collections of an order's products, read apart from its lines (``LineFields`` has no room for them
under the cost cap) and cached per product (``platforms/shopify/product_collections.py``)."""

LOCATIONS: Final = "query Locations { locations(first: 1) { nodes { id name } } }"
"""The shop's first location: where restocked returns go when no location is configured."""

ORDER: Final = (
    f"""
query Order($id: ID!) {{
  order(id: $id) {{
    ...OrderHeader
    lineItems(first: {LINES_PER_PAGE}) {{ nodes {{ ...LineFields }} pageInfo {{ hasNextPage endCursor }} }}
  }}
}}
"""
    + ORDER_HEADER
    + LINE_FIELDS
)
"""Every order read is split in a few requests (header + lines, fulfilments, returns) because one query
with all nested connections would cost far more than the 1000-point cap (each connection costs
``first`` x its node cost, https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits)."""

ORDER_LINES: Final = (
    f"""
query OrderLines($id: ID!, $after: String) {{
  order(id: $id) {{
    id
    lineItems(first: {LINES_PER_PAGE}, after: $after) {{
      nodes {{ ...LineFields }}
      pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}
"""
    + LINE_FIELDS
)

ORDER_FULFILLMENTS: Final = """
query OrderFulfillments($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 10) {
      id status createdAt deliveredAt
      fulfillmentLineItems(first: 40) { nodes { id quantity lineItem { id } } pageInfo { hasNextPage } }
    }
  }
}
"""

ORDER_RETURNS: Final = """
query OrderReturns($id: ID!, $after: String) {
  order(id: $id) {
    id
    returns(first: 10, after: $after) {
      nodes {
        id status
        returnLineItems(first: 25) {
          nodes { quantity ... on ReturnLineItem { fulfillmentLineItem { lineItem { id } } } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

ORDER_IDS_PAGE: Final = """
query OrderIds($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { id updatedAt email name }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ORDER_TRANSACTIONS: Final = f"""
query OrderTransactions($id: ID!) {{
  order(id: $id) {{
    id currencyCode presentmentCurrencyCode
    transactions(first: 100) {{ id kind status gateway amountSet {{ {MONEY} }} parentTransaction {{ id }} }}
  }}
}}
"""

ORDER_REFUNDS: Final = f"""
query OrderRefunds($id: ID!) {{
  order(id: $id) {{
    id currencyCode presentmentCurrencyCode
    refunds(first: 50) {{ id note createdAt totalRefundedSet {{ {MONEY} }} }}
  }}
}}
"""

ORDER_NOTE: Final = """
query OrderNote($id: ID!) { order(id: $id) { id note } }
"""

RETURN_FIELDS: Final = f"""
fragment ReturnFields on Return {{
  id name status createdAt requestApprovedAt closedAt
  decline {{ reason note }}
  order {{ id name email currencyCode presentmentCurrencyCode customer {{ id email }} }}
  returnLineItems(first: 50) {{
    nodes {{
      id quantity processableQuantity processedQuantity customerNote
      ... on ReturnLineItem {{
        returnReason returnReasonNote
        {{definition}}
        fulfillmentLineItem {{ id lineItem {{ id }} }}
        withCodeDiscountedTotalPriceSet {{ {MONEY} }}
      }}
    }}
  }}
  exchangeLineItems(first: 20) {{
    nodes {{ id quantity processableQuantity processedQuantity variantId }}
  }}
  refunds(first: 10) {{ nodes {{ id note createdAt totalRefundedSet {{ {MONEY} }} }} }}
}}
"""

RETURN: Final = """
query Return($id: ID!) { return(id: $id) { ...ReturnFields } }
""" + RETURN_FIELDS.replace("{definition}", "returnReasonDefinition { id handle name }")
"""A return with its reason-definition handles (API 2026-01+)."""

RETURN_ENUM_REASONS: Final = """
query Return($id: ID!) { return(id: $id) { ...ReturnFields } }
""" + RETURN_FIELDS.replace("{definition}", "")
"""The same without reason definitions, for a shop where ``returnReasonDefinitions`` is unavailable."""

RETURN_FOR_PROCESSING: Final = """
query ReturnForProcessing($id: ID!) {
  return(id: $id) {
    id status
    returnLineItems(first: 50) {
      nodes {
        id quantity processableQuantity processedQuantity
        ... on ReturnLineItem { fulfillmentLineItem { id lineItem { id } } }
      }
    }
    exchangeLineItems(first: 20) { nodes { id quantity processableQuantity processedQuantity variantId } }
    refunds(first: 10) { nodes { id } }
    reverseFulfillmentOrders(first: 5) {
      nodes { id lineItems(first: 50) { nodes { id totalQuantity fulfillmentLineItem { id } } } }
    }
  }
}
"""
"""The lean read before ``returnProcess``/reverse deliveries: ids and quantities, no reasons or money."""

RETURNABLE_FULFILLMENTS: Final = """
query Returnable($orderId: ID!) {
  returnableFulfillments(orderId: $orderId, first: 10) {
    nodes {
      id
      returnableFulfillmentLineItems(first: 25) {
        nodes { quantity fulfillmentLineItem { id lineItem { id } } }
      }
    }
  }
}
"""

RETURN_REASON_DEFINITIONS: Final = """
query ReasonDefinitions { returnReasonDefinitions(first: 250) { nodes { id handle deleted } } }
"""

RETURN_CREATE: Final = """
mutation ReturnCreate($returnInput: ReturnInput!) {
  returnCreate(returnInput: $returnInput) {
    return { id name status }
    userErrors { field message code }
  }
}
"""

RETURN_APPROVE: Final = """
mutation ReturnApprove($input: ReturnApproveRequestInput!) {
  returnApproveRequest(input: $input) { return { id status } userErrors { field message code } }
}
"""

RETURN_DECLINE: Final = """
mutation ReturnDecline($input: ReturnDeclineRequestInput!) {
  returnDeclineRequest(input: $input) { return { id status } userErrors { field message code } }
}
"""

RETURN_CLOSE: Final = """
mutation ReturnClose($id: ID!) {
  returnClose(id: $id) { return { id status } userErrors { field message code } }
}
"""

RETURN_CANCEL: Final = """
mutation ReturnCancel($id: ID!) {
  returnCancel(id: $id) { return { id status } userErrors { field message code } }
}
"""

RETURN_STATUS: Final = """
query ReturnStatus($id: ID!) { return(id: $id) { id status } }
"""

RETURN_PROCESS: Final = f"""
mutation ReturnProcess($input: ReturnProcessInput!) {{
  returnProcess(input: $input) {{
    return {{
      id status
      refunds(first: 10) {{ nodes {{ id note createdAt totalRefundedSet {{ {MONEY} }} }} }}
      exchangeLineItems(first: 20) {{ nodes {{ id processedQuantity }} }}
    }}
    userErrors {{ field message code }}
  }}
}}
"""

REFUND_CREATE: Final = f"""
mutation RefundCreate($input: RefundInput!) {{
  refundCreate(input: $input) {{idempotent}} {{
    refund {{ id note createdAt totalRefundedSet {{ {MONEY} }} }}
    userErrors {{ field message }}
  }}
}}
"""

STORE_CREDIT_CREDIT: Final = """
mutation StoreCreditCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
    storeCreditAccountTransaction {
      id createdAt amount { amount currencyCode }
      account { id }
    }
    userErrors { field message code }
  }
}
"""

STORE_CREDIT_TRANSACTIONS: Final = """
query StoreCreditTransactions($id: ID!) {
  customer(id: $id) {
    id
    storeCreditAccounts(first: 5) {
      nodes {
        id
        transactions(last: 50) {
          nodes {
            createdAt amount { amount currencyCode }
            ... on StoreCreditAccountCreditTransaction { id expiresAt event }
          }
        }
      }
    }
  }
}
"""

GIFT_CARD_CREATE: Final = """
mutation GiftCardCreate($input: GiftCardCreateInput!) {
  giftCardCreate(input: $input) {
    giftCard { id note initialValue { amount currencyCode } }
    userErrors { field message code }
  }
}
"""

GIFT_CARDS_BY_CUSTOMER: Final = """
query GiftCards($query: String!) {
  giftCards(first: 50, query: $query, sortKey: CREATED_AT, reverse: true) {
    nodes { id note initialValue { amount currencyCode } }
  }
}
"""

VARIANT_STOCK: Final = """
query VariantStock($id: ID!) {
  productVariant(id: $id) { id inventoryQuantity }
}
"""

VARIANT_PRICE: Final = """
query VariantPrice($id: ID!, $country: CountryCode!) {
  productVariant(id: $id) {
    id
    contextualPricing(context: {country: $country}) { price { amount currencyCode } }
  }
}
"""

ORDER_OUTSTANDING: Final = f"""
query OrderOutstanding($id: ID!) {{
  order(id: $id) {{ id totalOutstandingSet {{ {MONEY} }} }}
}}
"""

ORDER_UPDATE_NOTE: Final = """
mutation OrderNote($input: OrderInput!) {
  orderUpdate(input: $input) { order { id } userErrors { field message } }
}
"""

WEBHOOK_SUBSCRIPTIONS: Final = """
query Webhooks($after: String) {
  webhookSubscriptions(first: 100, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}
"""

WEBHOOK_SUBSCRIBE: Final = """
mutation Subscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}
"""
