"""refundCreate idempotency (2026-04 rules), refund caps, throttling and cost, bad input never a 500."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import requests

from tests.sandbox_shopify.conftest import Sandbox, fulfilled_order

REFUND = """mutation($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { presentmentMoney { amount } } } userErrors { field message } } }"""
REFUND_NO_KEY = """mutation($input: RefundInput!) {
  refundCreate(input: $input) { refund { id } userErrors { field message } } }"""


def refund_input(order: dict[str, Any], amount: str) -> dict[str, Any]:
    sale = order["transactions"][0]
    return {
        "orderId": order["id"],
        "transactions": [
            {
                "orderId": order["id"],
                "gateway": sale["gateway"],
                "kind": "REFUND",
                "amount": amount,
                "parentId": sale["id"],
            }
        ],
    }


def small_amount(order: dict[str, Any]) -> str:
    return "100" if order["currencyCode"] == "JPY" else "2.00"


def test_same_idempotency_key_gives_the_same_refund_once(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    variables = {"key": str(uuid.uuid4()), "input": refund_input(order, small_amount(order))}
    first = sandbox.data(REFUND, variables)["refundCreate"]
    second = sandbox.data(REFUND, variables)["refundCreate"]
    assert first["userErrors"] == [] and first["refund"]["id"] == second["refund"]["id"]
    recorded = sandbox.admin("GET", "/refunds")
    assert len(recorded) == 1 and recorded[0]["idempotency_key"] == variables["key"]
    other = sandbox.data(REFUND, {**variables, "key": str(uuid.uuid4())})["refundCreate"]
    assert other["refund"]["id"] != first["refund"]["id"]
    assert len(sandbox.admin("GET", "/refunds")) == 2


def test_key_reused_with_other_parameters_is_an_error(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    key = str(uuid.uuid4())
    sandbox.data(REFUND, {"key": key, "input": refund_input(order, small_amount(order))})
    body = sandbox.gql(
        REFUND, {"key": key, "input": refund_input(order, "1" if order["currencyCode"] == "JPY" else "1.00")}
    )
    assert body["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    assert len(sandbox.admin("GET", "/refunds")) == 1


def test_idempotent_directive_is_required_from_2026_04(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    body = sandbox.gql(REFUND_NO_KEY, {"input": refund_input(order, small_amount(order))})
    assert body["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert body["data"]["refundCreate"] is None
    assert sandbox.admin("GET", "/refunds") == []


def test_refund_capped_at_received_minus_refunded(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    total = Decimal(order["transactions"][0]["amountSet"]["presentmentMoney"]["amount"])
    everything = sandbox.data(REFUND, {"key": str(uuid.uuid4()), "input": refund_input(order, str(total))})
    assert everything["refundCreate"]["userErrors"] == []
    more = sandbox.data(REFUND, {"key": str(uuid.uuid4()), "input": refund_input(order, small_amount(order))})
    assert more["refundCreate"]["refund"] is None
    assert "exceeds the refundable amount" in more["refundCreate"]["userErrors"][0]["message"]
    status = sandbox.data(
        "query($id: ID!) { order(id: $id) { displayFinancialStatus"
        " totalRefundedSet { presentmentMoney { amount } } } }",
        {"id": order["id"]},
    )["order"]
    assert status["displayFinancialStatus"] == "REFUNDED"
    assert Decimal(status["totalRefundedSet"]["presentmentMoney"]["amount"]) == total


def test_refund_lines_cannot_exceed_quantity(sandbox: Sandbox) -> None:
    order = fulfilled_order(sandbox)
    line = order["lineItems"]["nodes"][0]
    body = sandbox.data(
        REFUND,
        {
            "key": str(uuid.uuid4()),
            "input": {
                "orderId": order["id"],
                "refundLineItems": [{"lineItemId": line["id"], "quantity": line["quantity"] + 1}],
            },
        },
    )
    assert body["refundCreate"]["userErrors"][0]["field"] == ["refundLineItems", "0", "quantity"]


def test_throttled_when_bucket_cannot_cover_the_query(make_sandbox: Any) -> None:
    sb = make_sandbox(bucket_size=60.0, restore_rate=1.0)
    query = "{ orders(first: 10) { nodes { id lineItems(first: 2) { nodes { id } } } } }"
    first = sb.gql(query)
    requested = first["extensions"]["cost"]["requestedQueryCost"]
    assert requested == 2 + 10 * (1 + 2 + 2 * 1)
    assert first["extensions"]["cost"]["actualQueryCost"] <= requested
    throttled = [sb.gql(query) for _ in range(3)][-1]
    assert throttled["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    status = throttled["extensions"]["cost"]["throttleStatus"]
    assert status["maximumAvailable"] == 60.0 and status["currentlyAvailable"] < requested
    assert status["restoreRate"] == 1.0


def test_query_over_the_single_query_limit(sandbox: Sandbox) -> None:
    body = sandbox.gql("{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }")
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


def test_actual_cost_counts_returned_nodes(sandbox: Sandbox) -> None:
    body = sandbox.gql("""{ orders(first: 50, query: "name:#1003") { nodes { id } } }""")
    assert len(body["data"]["orders"]["nodes"]) == 1
    assert body["extensions"]["cost"]["requestedQueryCost"] == 52
    assert body["extensions"]["cost"]["actualQueryCost"] == 3


def test_bad_requests_get_graphql_errors_never_500(sandbox: Sandbox) -> None:
    url = f"{sandbox.base}/admin/api/2026-04/graphql.json"
    headers = {"X-Shopify-Access-Token": sandbox.token}
    cases = [
        "{ shop { nope } }",
        "{ shop { name ",
        "mutation { returnClose }",
        "{ order(id: 5) { id } }",
        "{ orders { nodes { id } } }",
        '{ orders(first: 1, after: "garbage") { nodes { id } } }',
        "query Q { shop { name } } query R { shop { name } }",
        "{ orders(first: 1, query: \"updated_at:>'nonsense'\") { nodes { id } } }",
        '{ order(id: "gid://shopify/Order/1") { id } }',
        "{ __typename }",
    ]
    for query in cases:
        response = requests.post(url, json={"query": query}, headers=headers, timeout=10)
        assert response.status_code == 200, (query, response.text)
        body = response.json()
        assert "errors" in body or "data" in body, query
        for error in body.get("errors", []):
            assert isinstance(error["message"], str) and error["message"]
    assert requests.post(url, data="{not json", headers=headers, timeout=10).status_code == 400
    assert requests.post(url, json={"variables": {}}, headers=headers, timeout=10).json() == {
        "errors": {"query": "Required parameter missing or invalid"}
    }
    typed = requests.post(
        url,
        json={"query": "query($n: Int!) { orders(first: $n) { nodes { id } } }", "variables": {"n": "ten"}},
        headers=headers,
        timeout=10,
    )
    assert typed.status_code == 200 and typed.json()["errors"]


def test_auth_and_versions(sandbox: Sandbox) -> None:
    response = sandbox.post("{ shop { name } }", token="wrong")
    assert response.status_code == 401
    assert response.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
    newer = sandbox.post("{ shop { name } }", version="2026-10")
    assert newer.status_code == 200 and newer.headers["X-Shopify-API-Version"] == "2026-10"
    older = sandbox.post("{ shop { name } }", version="2025-01")
    assert older.headers["X-Shopify-API-Version"] == "2026-04"
    assert sandbox.post("{ shop { name } }", version="banana").status_code == 404


def test_order_reports_the_shipping_its_refunds_gave_back(sandbox: Sandbox) -> None:
    """``Order.totalRefundedShippingSet``: what the connector caps a return's shipping refund by."""
    money = "presentmentMoney { amount }"
    orders = sandbox.data(
        "{ orders(first: 20) { nodes { id displayFulfillmentStatus totalShippingPriceSet { %s } "  # noqa: UP031
        "transactions { id kind gateway } } } }" % money, {},
    )["orders"]["nodes"]
    order = next(o for o in orders if o["displayFulfillmentStatus"] == "FULFILLED"
                 and Decimal(o["totalShippingPriceSet"]["presentmentMoney"]["amount"]) > 0)
    shipping = Decimal(order["totalShippingPriceSet"]["presentmentMoney"]["amount"])
    query = "query($id: ID!) { order(id: $id) { totalRefundedShippingSet { %s } } }" % money  # noqa: UP031
    before = sandbox.data(query, {"id": order["id"]})["order"]["totalRefundedShippingSet"]
    assert Decimal(before["presentmentMoney"]["amount"]) == 0

    refund = {**refund_input(order, str(shipping)), "shipping": {"amount": str(shipping)}}
    made = sandbox.data(REFUND, {"key": str(uuid.uuid4()), "input": refund})["refundCreate"]

    assert made["userErrors"] == []
    after = sandbox.data(query, {"id": order["id"]})["order"]["totalRefundedShippingSet"]
    assert Decimal(after["presentmentMoney"]["amount"]) == shipping
