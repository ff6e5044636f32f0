"""Contract tests: the request shapes from Shopify's documentation, sent verbatim (IDs swapped for the
sandbox's), must be accepted and answered in the documented response shapes."""

from __future__ import annotations

import uuid

from tests.sandbox_shopify.conftest import Sandbox, first_fli, fulfilled_order

# https://shopify.dev/docs/api/admin-graphql/2024-07/mutations/returnrequest (example "Request a return")
DOC_RETURN_REQUEST = """
mutation ReturnRequest($input: ReturnRequestInput!) {
  returnRequest(input: $input) {
    userErrors {
      field
      message
    }
    return {
      id
      status
      returnLineItems(first: 1) {
        edges {
          node {
            id
            returnReason
            customerNote
          }
        }
      }
      order {
        id
      }
    }
  }
}
"""

# Input shapes from https://shopify.dev/docs/api/admin-graphql/latest/input-objects/ReturnProcessInput,
# .../ReturnProcessReturnLineItemInput, .../ReturnProcessFinancialTransferInput,
# .../ReturnRefundOrderTransactionInput and .../ReverseFulfillmentOrderDisposeInput.
DOC_RETURN_PROCESS = """
mutation ReturnProcess($input: ReturnProcessInput!) {
  returnProcess(input: $input) {
    return { id status returnLineItems(first: 5) { nodes { id quantity processedQuantity } } }
    userErrors { field message code }
  }
}
"""

# Directive usage from https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations
# and RefundInput / OrderTransactionInput from https://shopify.dev/docs/api/admin-graphql/latest/input-objects/RefundInput
DOC_REFUND_CREATE = """
mutation RefundLineItem($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    userErrors { field message }
    refund {
      id
      note
      totalRefundedSet { presentmentMoney { amount currencyCode } }
      refundLineItems(first: 5) { nodes { lineItem { id } quantity restockType } }
      transactions(first: 5) { nodes { kind status gateway amountSet { presentmentMoney { amount } } } }
    }
  }
}
"""


def test_documented_return_request_example(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    variables = {
        "input": {
            "orderId": order["id"],
            "returnLineItems": [
                {
                    "fulfillmentLineItemId": first_fli(order)["id"],
                    "quantity": 1,
                    "returnReason": "WRONG_ITEM",
                    "customerNote": "Sorry, I ordered the wrong item. Could I get a refund or store credit?",
                }
            ],
        }
    }
    body = sandbox.data(DOC_RETURN_REQUEST, variables)["returnRequest"]
    assert body["userErrors"] == []
    ret = body["return"]
    assert ret["id"].startswith("gid://shopify/Return/")
    assert ret["status"] == "REQUESTED"
    assert ret["order"]["id"] == order["id"]
    node = ret["returnLineItems"]["edges"][0]["node"]
    assert node["returnReason"] == "WRONG_ITEM"
    assert node["customerNote"].startswith("Sorry, I ordered the wrong item")


def test_documented_return_process_input(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    created = sandbox.data(
        """mutation($input: ReturnInput!) { returnCreate(returnInput: $input) {
             return { id returnLineItems(first: 5) { nodes { id } }
                      reverseFulfillmentOrders(first: 1) { nodes { lineItems(first: 5) { nodes { id } } } } }
             userErrors { field message } } }""",
        {
            "input": {
                "orderId": order["id"],
                "returnLineItems": [
                    {"fulfillmentLineItemId": first_fli(order)["id"], "quantity": 1, "returnReason": "SIZE_TOO_SMALL"}
                ],
            }
        },
    )["returnCreate"]
    assert created["userErrors"] == []
    ret = created["return"]
    rli = ret["returnLineItems"]["nodes"][0]["id"]
    rfo_line = ret["reverseFulfillmentOrders"]["nodes"][0]["lineItems"]["nodes"][0]["id"]
    sale = order["transactions"][0]
    amount = "1.00" if sale["amountSet"]["presentmentMoney"]["currencyCode"] != "JPY" else "100"
    body = sandbox.data(
        DOC_RETURN_PROCESS,
        {
            "input": {
                "returnId": ret["id"],
                "returnLineItems": [
                    {
                        "id": rli,
                        "quantity": 1,
                        "dispositions": [
                            {
                                "reverseFulfillmentOrderLineItemId": rfo_line,
                                "quantity": 1,
                                "locationId": "gid://shopify/Location/80100001",
                                "dispositionType": "RESTOCKED",
                            }
                        ],
                    }
                ],
                "financialTransfer": {
                    "issueRefund": {
                        "orderTransactions": [
                            {
                                "parentId": sale["id"],
                                "transactionAmount": {
                                    "amount": amount,
                                    "currencyCode": sale["amountSet"]["presentmentMoney"]["currencyCode"],
                                },
                            }
                        ]
                    }
                },
                "notifyCustomer": False,
            }
        },
    )["returnProcess"]
    assert body["userErrors"] == []
    assert body["return"]["returnLineItems"]["nodes"][0]["processedQuantity"] == 1


def test_documented_refund_create_with_idempotent_directive(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    line = order["lineItems"]["nodes"][0]
    sale = order["transactions"][0]
    currency = sale["amountSet"]["presentmentMoney"]["currencyCode"]
    amount = "10" if currency == "JPY" else "1.50"
    variables = {
        "key": str(uuid.uuid4()),
        "input": {
            "orderId": order["id"],
            "note": "Want to exchange for a different item",
            "refundLineItems": [{"lineItemId": line["id"], "quantity": 1, "restockType": "RETURN"}],
            "transactions": [
                {
                    "orderId": order["id"],
                    "gateway": sale["gateway"],
                    "kind": "REFUND",
                    "amount": amount,
                    "parentId": sale["id"],
                }
            ],
        },
    }
    refund = sandbox.data(DOC_REFUND_CREATE, variables)["refundCreate"]
    assert refund["userErrors"] == []
    body = refund["refund"]
    assert body["note"] == "Want to exchange for a different item"
    assert body["refundLineItems"]["nodes"] == [
        {"lineItem": {"id": line["id"]}, "quantity": 1, "restockType": "RETURN"}
    ]
    txn = body["transactions"]["nodes"][0]
    assert (txn["kind"], txn["status"], txn["gateway"]) == ("REFUND", "SUCCESS", sale["gateway"])
    assert body["totalRefundedSet"]["presentmentMoney"] == {
        "amount": amount if currency == "JPY" else "1.50",
        "currencyCode": currency,
    }


def test_documented_throttled_and_cost_shapes(sandbox: Sandbox) -> None:
    # https://shopify.dev/docs/api/usage/rate-limits : extensions.cost with throttleStatus
    body = sandbox.gql("{ shop { name } }")
    cost = body["extensions"]["cost"]
    assert set(cost) == {"requestedQueryCost", "actualQueryCost", "throttleStatus"}
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
    assert cost["requestedQueryCost"] == 1
