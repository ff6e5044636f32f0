"""The GraphQL documents that show a return's parcel in the Shopify admin: a reverse delivery (tracking and label)
on each of the return's reverse fulfillment orders, and the read a retry makes first.

Apart from ``queries`` so that each file stays one reviewable idea. Field names follow the Admin GraphQL reference
for 2026-04, checked against the published schema the tests hold (``tests/fixtures/shopify/published``):

* ``reverseDeliveryCreateWithShipping(reverseFulfillmentOrderId: ID!, reverseDeliveryLineItems:
  [ReverseDeliveryLineItemInput!]!, trackingInput: ReverseDeliveryTrackingInput, labelInput:
  ReverseDeliveryLabelInput, notifyCustomer: Boolean = true)``
  (https://shopify.dev/docs/api/admin-graphql/latest/mutations/reverseDeliveryCreateWithShipping);
  an empty line list makes one delivery line per RFO line, at its full quantity;
* ``ReverseDeliveryTrackingInput { number, url }``: there is no carrier field, Shopify names the carrier itself
  (``ReverseDeliveryTrackingV2.carrierName``) from the number or URL;
* ``ReverseDeliveryLabelInput { fileUrl: URL! }``: "the URL of the label file; if a label file was uploaded to
  be attached to the delivery, then provide the temporary staged URL" — so an external URL is the other case;
* ``ReturnUserError { field, message, code }`` in the payload's ``userErrors``.
"""

from __future__ import annotations

from typing import Final

DELIVERY_FIELDS: Final = """
fragment DeliveryFields on ReverseDelivery {
  id
  deliverable {
    ... on ReverseDeliveryShippingDeliverable {
      tracking { number url carrierName }
      label { publicFileUrl }
    }
  }
}
"""

RFOS_PER_RETURN: Final = 5
DELIVERIES_PER_RFO: Final = 10
"""A return has one reverse fulfillment order per location it goes back to, and a handful of deliveries at most.
Requested cost: 1 (return) + 2 + 5 x (1 + 2 + 10 x (1 + 1 + 1 + 1)) = 218 points, well under the 1000-point cap."""

RETURN_REVERSE_DELIVERIES: Final = (
    f"""
query ReturnReverseDeliveries($id: ID!) {{
  return(id: $id) {{
    id status
    reverseFulfillmentOrders(first: {RFOS_PER_RETURN}) {{
      nodes {{
        id status
        reverseDeliveries(first: {DELIVERIES_PER_RFO}) {{ nodes {{ ...DeliveryFields }} }}
      }}
    }}
  }}
}}
"""
    + DELIVERY_FIELDS
)
"""The return's reverse fulfillment orders, each with the reverse deliveries it already has."""

REVERSE_DELIVERY_CREATE: Final = (
    """
mutation ReverseDeliveryCreate(
  $reverseFulfillmentOrderId: ID!
  $reverseDeliveryLineItems: [ReverseDeliveryLineItemInput!]!
  $trackingInput: ReverseDeliveryTrackingInput
  $labelInput: ReverseDeliveryLabelInput
  $notifyCustomer: Boolean
) {
  reverseDeliveryCreateWithShipping(
    reverseFulfillmentOrderId: $reverseFulfillmentOrderId
    reverseDeliveryLineItems: $reverseDeliveryLineItems
    trackingInput: $trackingInput
    labelInput: $labelInput
    notifyCustomer: $notifyCustomer
  ) {
    reverseDelivery { ...DeliveryFields }
    userErrors { field message code }
  }
}
"""
    + DELIVERY_FIELDS
)
