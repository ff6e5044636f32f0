"""GraphQL documents, kept apart so the adapter reads as steps and the shapes are reviewable in one file.

Field names follow the Admin GraphQL reference for 2026-04 (https://shopify.dev/docs/api/admin-graphql).
Money is always read from ``shopMoney`` (the shop currency, which is the order currency we store).
Money-moving mutations get their ``@idempotent`` directive inserted by ``client.idempotent_directive``
at the ``{idempotent}`` marker.
"""

from __future__ import annotations

from typing import Final

MONEY: Final = "shopMoney { amount currencyCode }"

ORDER_FIELDS: Final = f"""
fragment OrderFields on Order {{
  id legacyResourceId name email createdAt updatedAt processedAt closedAt cancelledAt
  currencyCode taxesIncluded tags displayFinancialStatus displayFulfillmentStatus returnStatus
  customer {{ id email firstName lastName }}
  shippingAddress {{ countryCodeV2 }}
  totalShippingPriceSet {{ {MONEY} }}
  transactions(first: 50) {{ id kind status gateway amountSet {{ {MONEY} }} parentTransaction {{ id }} }}
  lineItems(first: 250) {{
    nodes {{
      id title name sku quantity variantTitle
      variant {{ id }}
      product {{ id productType tags }}
      customAttributes {{ key value }}
      originalUnitPriceSet {{ {MONEY} }}
      discountAllocations {{ allocatedAmountSet {{ {MONEY} }} }}
      taxLines {{ priceSet {{ {MONEY} }} }}
    }}
  }}
  fulfillments(first: 100) {{
    id status createdAt deliveredAt
    fulfillmentLineItems(first: 250) {{ nodes {{ id quantity lineItem {{ id }} }} }}
  }}
  returns(first: 50) {{
    nodes {{
      id status
      returnLineItems(first: 250) {{
        nodes {{ quantity ... on ReturnLineItem {{ fulfillmentLineItem {{ lineItem {{ id }} }} }} }}
      }}
    }}
  }}
}}
"""

ORDER: Final = (
    """
query Order($id: ID!) { order(id: $id) { ...OrderFields } }
"""
    + ORDER_FIELDS
)

ORDERS_PAGE: Final = (
    """
query OrdersPage($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ...OrderFields }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + ORDER_FIELDS
)

ORDER_TRANSACTIONS: Final = f"""
query OrderTransactions($id: ID!) {{
  order(id: $id) {{
    id currencyCode
    transactions(first: 100) {{ id kind status gateway amountSet {{ {MONEY} }} parentTransaction {{ id }} }}
  }}
}}
"""

ORDER_REFUNDS: Final = f"""
query OrderRefunds($id: ID!) {{
  order(id: $id) {{
    id
    refunds(first: 250) {{ id note createdAt totalRefundedSet {{ {MONEY} }} }}
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
  order {{ id name email currencyCode customer {{ id email }} }}
  returnLineItems(first: 250) {{
    nodes {{
      id quantity processableQuantity processedQuantity customerNote
      ... on ReturnLineItem {{
        returnReason returnReasonNote
        returnReasonDefinition {{ id handle name }}
        fulfillmentLineItem {{ id lineItem {{ id }} }}
        withCodeDiscountedTotalPriceSet {{ {MONEY} }}
      }}
    }}
  }}
  exchangeLineItems(first: 250) {{
    nodes {{ id quantity processableQuantity processedQuantity variantId }}
  }}
  reverseFulfillmentOrders(first: 20) {{
    nodes {{
      id
      lineItems(first: 250) {{ nodes {{ id totalQuantity fulfillmentLineItem {{ id }} }} }}
    }}
  }}
  refunds(first: 50) {{ nodes {{ id note createdAt totalRefundedSet {{ {MONEY} }} }} }}
}}
"""

RETURN: Final = (
    """
query Return($id: ID!) { return(id: $id) { ...ReturnFields } }
"""
    + RETURN_FIELDS
)

RETURN_FOR_PROCESSING: Final = """
query ReturnForProcessing($id: ID!) {
  return(id: $id) {
    id status
    returnLineItems(first: 250) {
      nodes {
        id quantity processableQuantity processedQuantity
        ... on ReturnLineItem { fulfillmentLineItem { id lineItem { id } } }
      }
    }
    exchangeLineItems(first: 250) { nodes { id quantity processableQuantity processedQuantity variantId } }
    reverseFulfillmentOrders(first: 20) {
      nodes { id lineItems(first: 250) { nodes { id totalQuantity fulfillmentLineItem { id } } } }
    }
  }
}
"""
"""The lean read before ``returnProcess``/reverse deliveries: ids and quantities, no reasons or money."""

RETURNABLE_FULFILLMENTS: Final = """
query Returnable($orderId: ID!) {
  returnableFulfillments(orderId: $orderId, first: 50) {
    nodes {
      id
      returnableFulfillmentLineItems(first: 250) {
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

RETURN_REOPEN: Final = """
mutation ReturnReopen($id: ID!) {
  returnReopen(id: $id) { return { id status } userErrors { field message code } }
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
      refunds(first: 50) {{ nodes {{ id note createdAt totalRefundedSet {{ {MONEY} }} }} }}
      exchangeLineItems(first: 250) {{ nodes {{ id processedQuantity }} }}
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
    storeCreditAccounts(first: 10) {
      nodes {
        id
        transactions(first: 100) {
          nodes {
            createdAt amount { amount currencyCode }
            ... on StoreCreditAccountCreditTransaction { id expiresAt }
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

REVERSE_DELIVERY_CREATE: Final = """
mutation ReverseDelivery($rfo: ID!, $lines: [ReverseDeliveryLineItemInput!]!,
                         $tracking: ReverseDeliveryTrackingInput, $notify: Boolean) {
  reverseDeliveryCreateWithShipping(reverseFulfillmentOrderId: $rfo, reverseDeliveryLineItems: $lines,
                                    trackingInput: $tracking, notifyCustomer: $notify) {
    reverseDelivery { id }
    userErrors { field message code }
  }
}
"""

VARIANT_STOCK: Final = """
query VariantStock($id: ID!) {
  productVariant(id: $id) { id inventoryQuantity }
}
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
