"""Return lifecycle rules: statuses, returnable quantities, processing with restock/refund/store credit,
exchanges with a held fulfillment order, reverse deliveries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.sandbox_shopify.conftest import Sandbox, first_fli, fulfilled_order

RETURN = """id name status totalQuantity
returnLineItems(first: 10) { nodes { id quantity processedQuantity unprocessedQuantity
  ... on ReturnLineItem { fulfillmentLineItem { id } } } }
exchangeLineItems(first: 5) { nodes { id quantity processedQuantity variantId } }
reverseFulfillmentOrders(first: 2) { nodes { id status lineItems(first: 10) { nodes { id totalQuantity } } } }"""


def request_return(sb: Sandbox, order: dict[str, Any], quantity: int = 1) -> dict[str, Any]:
    body = sb.data(
        "mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { %s } "  # noqa: UP031
        "userErrors { field message code } } }" % RETURN,
        {
            "input": {
                "orderId": order["id"],
                "returnLineItems": [
                    {
                        "fulfillmentLineItemId": first_fli(order)["id"],
                        "quantity": quantity,
                        "returnReason": "SIZE_TOO_LARGE",
                    }
                ],
            }
        },
    )["returnRequest"]
    assert body["userErrors"] == [], body["userErrors"]
    ret: dict[str, Any] = body["return"]
    return ret


def simple(sb: Sandbox, mutation: str, return_id: str) -> dict[str, Any]:
    arg = "input: {id: $id}" if mutation in ("returnApproveRequest",) else "id: $id"
    body: dict[str, Any] = sb.data(
        f"mutation($id: ID!) {{ {mutation}({arg}) {{ return {{ id status }} userErrors {{ field message code }} }} }}",
        {"id": return_id},
    )[mutation]
    return body


def test_request_approve_close_reopen(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    ret = request_return(sandbox, order)
    assert ret["status"] == "REQUESTED" and ret["name"] == f"{order['name']}-R1"
    assert simple(sandbox, "returnClose", ret["id"])["userErrors"][0]["code"] == "INVALID_STATE"
    assert simple(sandbox, "returnApproveRequest", ret["id"])["return"]["status"] == "OPEN"
    assert simple(sandbox, "returnApproveRequest", ret["id"])["userErrors"][0]["code"] == "INVALID_STATE"
    assert simple(sandbox, "returnClose", ret["id"])["return"]["status"] == "CLOSED"
    assert simple(sandbox, "returnReopen", ret["id"])["return"]["status"] == "OPEN"
    state = sandbox.admin("GET", "/returns")
    assert [r["status"] for r in state if r["id"] == ret["id"]] == ["OPEN"]


def test_decline_frees_quantity_for_a_new_return(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    fli = first_fli(order)
    ret = request_return(sandbox, order, fli["quantity"])
    again = sandbox.data(
        """mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { userErrors { field code } } }""",
        {"input": {"orderId": order["id"], "returnLineItems": [{"fulfillmentLineItemId": fli["id"], "quantity": 1}]}},
    )["returnRequest"]
    assert again["userErrors"][0]["field"] == ["input", "returnLineItems", "0", "quantity"]
    declined = sandbox.data(
        """mutation($id: ID!) { returnDeclineRequest(input: {id: $id, declineReason: FINAL_SALE, declineNote: "final"})
             { return { status decline { reason note } } userErrors { message } } }""",
        {"id": ret["id"]},
    )["returnDeclineRequest"]
    assert declined["return"] == {"status": "DECLINED", "decline": {"reason": "FINAL_SALE", "note": "final"}}
    assert request_return(sandbox, order, fli["quantity"])["status"] == "REQUESTED"


def test_cannot_return_more_than_fulfilled_or_unfulfilled_lines(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    fli = first_fli(order)
    body = sandbox.data(
        """mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id }
             userErrors { field message code } } }""",
        {
            "input": {
                "orderId": order["id"],
                "returnLineItems": [{"fulfillmentLineItemId": fli["id"], "quantity": fli["quantity"] + 1}],
            }
        },
    )["returnRequest"]
    assert body["return"] is None and body["userErrors"][0]["code"] == "INVALID"
    bogus = sandbox.data(
        """mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { userErrors { code } } }""",
        {
            "input": {
                "orderId": order["id"],
                "returnLineItems": [{"fulfillmentLineItemId": "gid://shopify/FulfillmentLineItem/1", "quantity": 1}],
            }
        },
    )["returnRequest"]
    assert bogus["userErrors"][0]["code"] == "NOT_FOUND"
    assert sandbox.admin("GET", "/returns") == []


def test_process_restocks_refunds_and_credits_then_cancel_is_refused(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    fli = first_fli(order)
    variant = next(li["variant"] for li in order["lineItems"]["nodes"] if li["id"] == fli["lineItem"]["id"])
    ret = request_return(sandbox, order)
    simple(sandbox, "returnApproveRequest", ret["id"])
    sale = order["transactions"][0]
    cur = sale["amountSet"]["presentmentMoney"]["currencyCode"]
    cash, credit = ("500", "300") if cur == "JPY" else ("5.00", "3.00")
    rli = ret["returnLineItems"]["nodes"][0]["id"]
    rfo_line = ret["reverseFulfillmentOrders"]["nodes"][0]["lineItems"]["nodes"][0]["id"]
    body = sandbox.data(
        """mutation($input: ReturnProcessInput!) { returnProcess(input: $input) {
             return { status refunds(first: 2) { nodes { id totalRefundedSet { presentmentMoney { amount } } } } }
             userErrors { field message } } }""",
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
                                "dispositionType": "RESTOCKED",
                                "locationId": "gid://shopify/Location/80100001",
                            }
                        ],
                    }
                ],
                "financialTransfer": {
                    "issueRefund": {
                        "orderTransactions": [
                            {"parentId": sale["id"], "transactionAmount": {"amount": cash, "currencyCode": cur}}
                        ],
                        "refundMethods": [{"storeCreditRefund": {"amount": {"amount": credit, "currencyCode": cur}}}],
                    }
                },
            }
        },
    )["returnProcess"]
    assert body["userErrors"] == []
    refund = body["return"]["refunds"]["nodes"][0]
    assert Decimal(refund["totalRefundedSet"]["presentmentMoney"]["amount"]) == Decimal(cash) + Decimal(credit)
    recorded = sandbox.admin("GET", "/refunds")
    assert len(recorded) == 1 and Decimal(recorded[0]["amount"]) == Decimal(cash)
    assert Decimal(recorded[0]["store_credit"]) == Decimal(credit) and recorded[0]["return_id"] == ret["id"]
    credits = sandbox.admin("GET", "/credits")
    assert [Decimal(c["amount"]) for c in credits] == [Decimal(credit)] and credits[0]["currency"] == cur
    restocks = sandbox.admin("GET", "/restocks")
    assert restocks == [{**restocks[0], "variant_id": variant["id"], "delta": 1, "reason": "return"}]
    after = sandbox.data("query($id: ID!) { productVariant(id: $id) { inventoryQuantity } }", {"id": variant["id"]})
    assert after["productVariant"]["inventoryQuantity"] == variant["inventoryQuantity"] + 1
    assert simple(sandbox, "returnCancel", ret["id"])["userErrors"][0]["code"] == "INVALID_STATE"
    again = sandbox.data(
        """mutation($input: ReturnProcessInput!) { returnProcess(input: $input) { userErrors { field } } }""",
        {"input": {"returnId": ret["id"], "returnLineItems": [{"id": rli, "quantity": 1}]}},
    )["returnProcess"]
    assert again["userErrors"][0]["field"] == ["input", "returnLineItems", "0", "quantity"]
    line = sandbox.data(
        "query($id: ID!) { order(id: $id) { returnStatus lineItems(first: 5) { nodes { id currentQuantity } } } }",
        {"id": order["id"]},
    )["order"]
    assert line["returnStatus"] == "INSPECTION_COMPLETE"
    current = {n["id"]: n["currentQuantity"] for n in line["lineItems"]["nodes"]}
    assert current[fli["lineItem"]["id"]] == fli["quantity"] - 1


def test_refund_over_refundable_is_rejected_without_effects(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    ret = request_return(sandbox, order)
    simple(sandbox, "returnApproveRequest", ret["id"])
    sale = order["transactions"][0]
    money = sale["amountSet"]["presentmentMoney"]
    too_much = str(Decimal(money["amount"]) + 1)
    body = sandbox.data(
        """mutation($input: ReturnProcessInput!) {
             returnProcess(input: $input) { return { id } userErrors { message } } }""",
        {
            "input": {
                "returnId": ret["id"],
                "returnLineItems": [{"id": ret["returnLineItems"]["nodes"][0]["id"], "quantity": 1}],
                "financialTransfer": {
                    "issueRefund": {
                        "orderTransactions": [
                            {
                                "parentId": sale["id"],
                                "transactionAmount": {"amount": too_much, "currencyCode": money["currencyCode"]},
                            }
                        ]
                    }
                },
            }
        },
    )["returnProcess"]
    assert body["return"] is None and "exceeds the refundable amount" in body["userErrors"][0]["message"]
    assert sandbox.admin("GET", "/refunds") == []
    assert sandbox.admin("GET", "/returns")[0]["lines"][0]["processed"] == 0


def test_cancel_before_work_and_exchange_processing_creates_fulfillment_order(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    ret = request_return(sandbox, order)
    assert simple(sandbox, "returnCancel", ret["id"])["return"]["status"] == "CANCELED"
    exchange_variant = order["lineItems"]["nodes"][0]["variant"]["id"]
    created = sandbox.data(
        "mutation($input: ReturnInput!) { returnCreate(returnInput: $input) { return { %s } userErrors { message } } }"  # noqa: UP031
        % RETURN,
        {
            "input": {
                "orderId": order["id"],
                "returnLineItems": [
                    {"fulfillmentLineItemId": first_fli(order)["id"], "quantity": 1, "returnReason": "SIZE_TOO_SMALL"}
                ],
                "exchangeLineItems": [{"variantId": exchange_variant, "quantity": 1}],
            }
        },
    )["returnCreate"]["return"]
    assert created["status"] == "OPEN"
    exchange = created["exchangeLineItems"]["nodes"][0]
    assert exchange["variantId"] == exchange_variant
    body = sandbox.data(
        """mutation($input: ReturnProcessInput!) { returnProcess(input: $input) { return { status
             exchangeLineItems(first: 5) { nodes { processedQuantity } } } userErrors { message } } }""",
        {
            "input": {
                "returnId": created["id"],
                "returnLineItems": [{"id": created["returnLineItems"]["nodes"][0]["id"], "quantity": 1}],
                "exchangeLineItems": [{"id": exchange["id"], "quantity": 1}],
            }
        },
    )["returnProcess"]
    assert body["userErrors"] == [] and body["return"]["exchangeLineItems"]["nodes"][0]["processedQuantity"] == 1
    fos = sandbox.admin("GET", "/fulfillment-orders")
    assert len(fos) == 1 and fos[0]["return_id"] == created["id"]
    assert fos[0]["lines"] == [{"variant_id": exchange_variant, "quantity": 1}]
    if fos[0]["status"] == "ON_HOLD":
        released = sandbox.data(
            "mutation($id: ID!) { fulfillmentOrderReleaseHold(id: $id) {"
            " fulfillmentOrder { status } userErrors { message } } }",
            {"id": fos[0]["id"]},
        )["fulfillmentOrderReleaseHold"]
        assert released["fulfillmentOrder"]["status"] == "OPEN"
    else:
        assert fos[0]["status"] == "OPEN"


def test_reverse_delivery_with_tracking_and_label(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    ret = request_return(sandbox, order)
    simple(sandbox, "returnApproveRequest", ret["id"])
    rfo = ret["reverseFulfillmentOrders"]["nodes"][0]
    body = sandbox.data(
        """mutation($rfo: ID!, $lines: [ReverseDeliveryLineItemInput!]!) {
             reverseDeliveryCreateWithShipping(reverseFulfillmentOrderId: $rfo, reverseDeliveryLineItems: $lines,
               trackingInput: {number: "1Z999", url: "https://tracking.invalid/1Z999"},
               labelInput: {fileUrl: "https://labels.invalid/l.pdf"}) {
               reverseDelivery { id deliverable { ... on ReverseDeliveryShippingDeliverable {
                 tracking { number url } label { publicFileUrl } } } }
               userErrors { field message } } }""",
        {
            "rfo": rfo["id"],
            "lines": [{"reverseFulfillmentOrderLineItemId": rfo["lineItems"]["nodes"][0]["id"], "quantity": 1}],
        },
    )["reverseDeliveryCreateWithShipping"]
    assert body["userErrors"] == []
    deliverable = body["reverseDelivery"]["deliverable"]
    assert deliverable["tracking"] == {"number": "1Z999", "url": "https://tracking.invalid/1Z999"}
    assert deliverable["label"] == {"publicFileUrl": "https://labels.invalid/l.pdf"}
    returnable = sandbox.data(
        """query($id: ID!) { returnableFulfillments(orderId: $id, first: 5) { nodes {
             returnableFulfillmentLineItems(first: 10) { nodes { quantity fulfillmentLineItem { id } } } } } }""",
        {"id": order["id"]},
    )["returnableFulfillments"]["nodes"]
    left = {
        n["fulfillmentLineItem"]["id"]: n["quantity"]
        for rf in returnable
        for n in rf["returnableFulfillmentLineItems"]["nodes"]
    }
    fli = first_fli(order)
    assert left.get(fli["id"], 0) == fli["quantity"] - 1


def test_store_credit_and_gift_card(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    customer = sandbox.data("query($id: ID!) { order(id: $id) { customer { id } currencyCode } }", {"id": order["id"]})
    cid, cur = customer["order"]["customer"]["id"], customer["order"]["currencyCode"]
    amount = "700" if cur == "JPY" else "7.25"
    credit = sandbox.data(
        """mutation($id: ID!, $in: StoreCreditAccountCreditInput!) {
             storeCreditAccountCredit(id: $id, creditInput: $in) {
             storeCreditAccountTransaction { amount { amount currencyCode } account { id balance { amount } } }
             userErrors { field message code } } }""",
        {"id": cid, "in": {"creditAmount": {"amount": amount, "currencyCode": cur}}},
    )["storeCreditAccountCredit"]
    assert credit["userErrors"] == []
    assert credit["storeCreditAccountTransaction"]["amount"] == {"amount": amount, "currencyCode": cur}
    negative = sandbox.data(
        """mutation($id: ID!, $in: StoreCreditAccountCreditInput!) {
             storeCreditAccountCredit(id: $id, creditInput: $in) {
             userErrors { code } } }""",
        {"id": cid, "in": {"creditAmount": {"amount": "-1", "currencyCode": cur}}},
    )["storeCreditAccountCredit"]
    assert negative["userErrors"][0]["code"] == "NEGATIVE_OR_ZERO_AMOUNT"
    card = sandbox.data(
        """mutation($in: GiftCardCreateInput!) { giftCardCreate(input: $in) {
             giftCard { id initialValue { amount currencyCode } lastCharacters }
             giftCardCode userErrors { code } } }""",
        {"in": {"initialValue": "25.00", "code": "SANDBOXGIFT2026", "customerId": cid}},
    )["giftCardCreate"]
    assert card["giftCardCode"] == "SANDBOXGIFT2026" and card["giftCard"]["lastCharacters"] == "2026"
    assert card["giftCard"]["initialValue"] == {"amount": "25.00", "currencyCode": "EUR"}
    bad = sandbox.data(
        """mutation { giftCardCreate(input: {initialValue: "5", code: "x!"}) { userErrors { code } } }"""
    )
    assert bad["giftCardCreate"]["userErrors"][0]["code"] == "INVALID"
    assert len(sandbox.admin("GET", "/gift-cards")) == 1
