"""ShopifyAdapter actions over stubbed HTTP (``responses``), one GraphQL operation matched by name.

Mutation shapes: https://shopify.dev/docs/api/admin-graphql/latest/mutations/returnProcess ,
.../mutations/refundCreate (``@idempotent``: https://shopify.dev/docs/api/usage/idempotent-requests),
.../mutations/storeCreditAccountCredit , .../mutations/webhookSubscriptionCreate .
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import responses

from connector.domain import Money, ReasonCode
from connector.domain.actions import (
    ActionKind,
    ExchangeInstruction,
    ExchangeItem,
    RefundInstruction,
    RefundLine,
    StoreCreditInstruction,
)
from connector.domain.resolutions import Disposition, Resolution, ReturnMethod
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.errors import NotFound, OutcomeUnknown, PermanentError
from connector.services.executor import awaiting_payment
from platforms.shopify import mapping
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.client import GraphQLClient
from platforms.shopify.errors import ShopifyUserError
from tests import factories
from tests.shopify import helpers
from tests.shopify.helpers import ENDPOINT, SHOP, FakeClock, body_of, gql_ok, operation, raw

NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
ORDER_ID = "gid://shopify/Order/625362839"


def usd(amount: str) -> Money:
    return Money(amount, "USD")


@pytest.fixture
def adapter() -> ShopifyAdapter:
    clock = FakeClock()
    client = GraphQLClient(SHOP, lambda: "shpat_test", sleep=clock.sleep, clock=clock, jitter=lambda: 1.0)
    return ShopifyAdapter(
        SHOP,
        lambda: "unused",
        shop_id="shop-1",
        client=client,
        restock_location_id="gid://shopify/Location/1",
        now=lambda: NOW,
    )


def stub(name: str, data: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if data is not None:
        kwargs["json"] = gql_ok(data)
    responses.post(ENDPOINT, match=[operation(name)], **kwargs)


def stub_fixture(name: str, fixture: str) -> None:
    responses.post(ENDPOINT, match=[operation(name)], body=raw(fixture), content_type="application/json")


def calls(name: str) -> list[dict[str, Any]]:
    found = []
    for call in responses.calls:
        body = body_of(call)
        if f" {name}(" in body["query"]:
            found.append(body)
    return found


def transactions() -> dict[str, Any]:
    order = json.loads(raw("order_partial_usd.json"))["data"]["order"]
    return {"order": {"id": ORDER_ID, "currencyCode": "USD", "transactions": order["transactions"]}}


def refund_instruction(**overrides: Any) -> RefundInstruction:
    values: dict[str, Any] = dict(
        idempotency_key="act-42",
        order_id=ORDER_ID,
        amount=usd("41.94"),
        lines=(RefundLine("gid://shopify/LineItem/466157049", 1, usd("40.00"), usd("1.94"), Disposition.RESTOCK),),
        shipping=usd("0"),
        reason="Return #1001-R2",
        return_id="ret-1",
    )
    values.update(overrides)
    return RefundInstruction(**values)


REFUND = {
    "id": "gid://shopify/Refund/509562969",
    "note": "Return #1001-R2 [rc:act-42]",
    "createdAt": "2026-10-20T12:00:00Z",
    "totalRefundedSet": {  # EUR shop, customer paid in USD
        "shopMoney": {"amount": "38.12", "currencyCode": "EUR"},
        "presentmentMoney": {"amount": "41.94", "currencyCode": "USD"},
    },
}


# -- refunds -------------------------------------------------------------------------------------


@responses.activate
def test_refund_outside_a_return_uses_refund_create_with_idempotent_key(adapter: ShopifyAdapter) -> None:
    stub("OrderTransactions", transactions())
    stub("RefundCreate", {"refundCreate": {"refund": REFUND, "userErrors": []}})
    effect = adapter.refund(refund_instruction())
    assert effect.kind is ActionKind.REFUND and effect.platform_id == "gid://shopify/Refund/509562969"
    assert effect.amount == usd("41.94")
    (sent,) = calls("RefundCreate")
    assert 'refundCreate(input: $input) @idempotent(key: "act-42")' in sent["query"]
    refund_input = sent["variables"]["input"]
    assert refund_input["currency"] == "USD"  # presentment currency, required when it differs from the shop's
    assert refund_input["transactions"] == [
        {
            "orderId": ORDER_ID,
            "parentId": "gid://shopify/OrderTransaction/801038806",
            "gateway": "shopify_payments",
            "kind": "REFUND",
            "amount": "41.94",
        }
    ]
    assert refund_input["refundLineItems"][0]["restockType"] == "RETURN"


@responses.activate
def test_refund_retry_after_timeout_reuses_the_same_key(adapter: ShopifyAdapter) -> None:
    stub("OrderTransactions", transactions())
    stub("RefundCreate", body=requests.ReadTimeout("read timed out"))
    stub("RefundCreate", {"refundCreate": {"refund": REFUND, "userErrors": []}})
    effect = adapter.refund(refund_instruction())
    assert effect.platform_id == "gid://shopify/Refund/509562969"
    sent = calls("RefundCreate")
    assert len(sent) == 2 and sent[0] == sent[1]
    # A later job retry builds the very same request: the key comes from our stored action id.
    stub("OrderTransactions", transactions())
    stub("RefundCreate", {"refundCreate": {"refund": REFUND, "userErrors": []}})
    adapter.refund(refund_instruction())
    assert calls("RefundCreate")[-1]["query"] == sent[0]["query"]


@responses.activate
def test_refund_through_return_process(adapter: ShopifyAdapter) -> None:
    stub("OrderTransactions", transactions())
    stub_fixture("ReturnForProcessing", "return_for_processing.json")
    stub(
        "ReturnProcess",
        {
            "returnProcess": {
                "return": {
                    "id": "gid://shopify/Return/945000960",
                    "status": "OPEN",
                    "refunds": {"nodes": [{"id": "gid://shopify/Refund/1", "note": "older"}, REFUND]},
                    "exchangeLineItems": {"nodes": []},
                },
                "userErrors": [],
            }
        },
    )
    line = RefundLine(
        "gid://shopify/LineItem/466157049",
        2,
        usd("40.00"),
        usd("1.94"),
        Disposition.RESTOCK,
        platform_return_line_id="gid://shopify/ReturnLineItem/677614678",
    )
    effect = adapter.refund(
        refund_instruction(
            lines=(line,), platform_return_id="gid://shopify/Return/945000960", store_credit_amount=usd("5.00")
        )
    )
    assert effect.platform_id == "gid://shopify/Refund/509562969"  # the one carrying our key
    (sent,) = calls("ReturnProcess")
    process = sent["variables"]["input"]
    assert "@idempotent" not in sent["query"]
    assert process["returnLineItems"][0]["dispositions"][0]["locationId"] == "gid://shopify/Location/1"
    assert process["financialTransfer"]["issueRefund"]["refundMethods"] == [
        {"storeCreditRefund": {"amount": {"amount": "5.00", "currencyCode": "USD"}}}
    ]
    assert process["exchangeLineItems"] == [{"id": "gid://shopify/ExchangeLineItem/301", "quantity": 1}]


@responses.activate
def test_find_refund_after_a_timeout_never_pays_twice(adapter: ShopifyAdapter) -> None:
    """returnProcess has no idempotency key: a timeout is an unknown outcome, find_refund settles it."""
    stub("OrderTransactions", transactions())
    stub_fixture("ReturnForProcessing", "return_for_processing.json")
    stub("ReturnProcess", body=requests.ReadTimeout("read timed out"))
    instruction = refund_instruction(platform_return_id="gid://shopify/Return/945000960")
    with pytest.raises(OutcomeUnknown):
        adapter.refund(instruction)
    assert len(calls("ReturnProcess")) == 1  # not retried blindly
    # Shopify did apply it: the order now has a refund whose note carries our key.
    stub(
        "OrderRefunds",
        {
            "order": {
                "id": ORDER_ID,
                "currencyCode": "EUR",
                "presentmentCurrencyCode": "USD",
                "refunds": [
                    {
                        "id": "gid://shopify/Refund/1",
                        "note": "goodwill",
                        "createdAt": "2026-10-01T00:00:00Z",
                        "totalRefundedSet": {"shopMoney": {"amount": "30.0", "currencyCode": "USD"}},
                    },
                    REFUND,
                ],
            }
        },
    )
    found = adapter.find_refund(ORDER_ID, "act-42")
    assert found is not None and found.platform_id == "gid://shopify/Refund/509562969"
    assert found.amount == usd("41.94")
    assert len(calls("ReturnProcess")) == 1


@responses.activate
def test_find_refund_returns_none_when_the_call_never_landed(adapter: ShopifyAdapter) -> None:
    stub(
        "OrderRefunds",
        {
            "order": {
                "id": ORDER_ID,
                "currencyCode": "EUR",
                "presentmentCurrencyCode": "USD",
                "refunds": [
                    {
                        "id": "gid://shopify/Refund/1",
                        "note": "[rc:act-4]",
                        "createdAt": "2026-10-01T00:00:00Z",
                        "totalRefundedSet": {"shopMoney": {"amount": "30.0", "currencyCode": "USD"}},
                    }
                ],
            }
        },
    )
    assert adapter.find_refund(ORDER_ID, "act-42") is None  # act-4 is another action, not a prefix match


@responses.activate
def test_find_refund_on_a_missing_order(adapter: ShopifyAdapter) -> None:
    stub("OrderRefunds", {"order": None})
    with pytest.raises(NotFound):
        adapter.find_refund(ORDER_ID, "act-42")


# -- store credit --------------------------------------------------------------------------------


def credit_instruction(**overrides: Any) -> StoreCreditInstruction:
    values: dict[str, Any] = dict(
        idempotency_key="act-77",
        customer_email="bob@example.com",
        customer_id="gid://shopify/Customer/544365967",
        amount=usd("25.00"),
        return_id="ret-1",
        order_id=ORDER_ID,
        note="Return #1001-R2",
    )
    values.update(overrides)
    return StoreCreditInstruction(**values)


@responses.activate
def test_store_credit(adapter: ShopifyAdapter) -> None:
    stub(
        "StoreCreditCredit",
        {
            "storeCreditAccountCredit": {
                "storeCreditAccountTransaction": {
                    "id": "gid://shopify/StoreCreditAccountCreditTransaction/1",
                    "createdAt": "2026-10-20T12:00:00Z",
                    "amount": {"amount": "25.0", "currencyCode": "USD"},
                    "account": {"id": "gid://shopify/StoreCreditAccount/9"},
                },
                "userErrors": [],
            }
        },
    )
    effect = adapter.issue_store_credit(credit_instruction())
    assert effect.kind is ActionKind.STORE_CREDIT and effect.extra["account_id"] == "gid://shopify/StoreCreditAccount/9"
    (sent,) = calls("StoreCreditCredit")
    assert sent["variables"] == {
        "id": "gid://shopify/Customer/544365967",
        "creditInput": {"creditAmount": {"amount": "25.00", "currencyCode": "USD"}, "notify": True},
    }


@responses.activate
def test_store_credit_falls_back_to_a_gift_card(adapter: ShopifyAdapter) -> None:
    stub(
        "StoreCreditCredit",
        {
            "storeCreditAccountCredit": {
                "storeCreditAccountTransaction": None,
                "userErrors": [
                    {"field": ["creditInput"], "message": "Currency not supported", "code": "UNSUPPORTED_CURRENCY"}
                ],
            }
        },
    )
    stub(
        "GiftCardCreate",
        {
            "giftCardCreate": {
                "giftCard": {
                    "id": "gid://shopify/GiftCard/5",
                    "note": "x",
                    "initialValue": {"amount": "25.0", "currencyCode": "USD"},
                },
                "userErrors": [],
            }
        },
    )
    effect = adapter.issue_store_credit(credit_instruction())
    assert effect.platform_id == "gid://shopify/GiftCard/5"
    card = calls("GiftCardCreate")[0]["variables"]["input"]
    assert card["initialValue"] == "25.00" and "[rc:act-77]" in card["note"]
    assert card["customerId"] == "gid://shopify/Customer/544365967"
    assert card["recipientAttributes"] == {"id": "gid://shopify/Customer/544365967"}  # how the customer is told
    assert "notify" not in card  # GiftCardCreateInput has no such field (refused by the published schema)


@responses.activate
def test_store_credit_other_user_errors_do_not_fall_back(adapter: ShopifyAdapter) -> None:
    stub(
        "StoreCreditCredit",
        {
            "storeCreditAccountCredit": {
                "storeCreditAccountTransaction": None,
                "userErrors": [{"field": ["id"], "message": "Owner does not exist", "code": "OWNER_NOT_FOUND"}],
            }
        },
    )
    with pytest.raises(ShopifyUserError):
        adapter.issue_store_credit(credit_instruction())
    assert calls("GiftCardCreate") == []


def _credits(*items: tuple[str, str]) -> dict[str, Any]:
    return {
        "customer": {
            "id": "gid://shopify/Customer/544365967",
            "storeCreditAccounts": {
                "nodes": [
                    {
                        "id": "gid://shopify/StoreCreditAccount/9",
                        "transactions": {
                            "nodes": [
                                {
                                    "id": f"gid://shopify/StoreCreditAccountCreditTransaction/{i}",
                                    "createdAt": created,
                                    "expiresAt": None,
                                    "amount": {"amount": amount, "currencyCode": "USD"},
                                }
                                for i, (amount, created) in enumerate(items)
                            ]
                        },
                    }
                ]
            },
        }
    }


@responses.activate
def test_find_store_credit_matches_a_recent_credit_of_the_same_amount(adapter: ShopifyAdapter) -> None:
    stub("GiftCards", {"giftCards": {"nodes": []}})
    recent = (NOW - timedelta(hours=1)).isoformat()
    old = (NOW - timedelta(days=30)).isoformat()
    stub("StoreCreditTransactions", _credits(("25.0", old), ("10.0", recent), ("25.0", recent)))
    found = adapter.find_store_credit(credit_instruction())
    assert found is not None and found.platform_id.endswith("/2")


@responses.activate
def test_find_store_credit_ignores_old_or_different_credits(adapter: ShopifyAdapter) -> None:
    stub("GiftCards", {"giftCards": {"nodes": []}})
    stub(
        "StoreCreditTransactions",
        _credits(("25.0", (NOW - timedelta(days=30)).isoformat()), ("24.99", NOW.isoformat())),
    )
    assert adapter.find_store_credit(credit_instruction()) is None


@responses.activate
def test_find_store_credit_never_takes_a_refunds_own_credit(adapter: ShopifyAdapter) -> None:
    """A credit bonus is paid apart from the return's refund; the refund's credit (ORDER_REFUND) of the same
    amount is not its effect, only a credit made by storeCreditAccountCredit (ADJUSTMENT) is."""
    stub("GiftCards", {"giftCards": {"nodes": []}})
    recent = (NOW - timedelta(minutes=1)).isoformat()
    data = _credits(("25.0", recent), ("25.0", recent))
    first, second = data["customer"]["storeCreditAccounts"]["nodes"][0]["transactions"]["nodes"]
    first["event"], second["event"] = "ORDER_REFUND", "ADJUSTMENT"
    stub("StoreCreditTransactions", data)
    found = adapter.find_store_credit(credit_instruction(bonus=True))
    assert found is not None and found.platform_id.endswith("/1")
    first["event"] = second["event"] = "ORDER_REFUND"
    responses.reset()
    stub("GiftCards", {"giftCards": {"nodes": []}})
    stub("StoreCreditTransactions", data)
    assert adapter.find_store_credit(credit_instruction(bonus=True)) is None
    assert "last: 50" in calls("StoreCreditTransactions")[0]["query"]  # the newest transactions, not the oldest


@responses.activate
def test_find_store_credit_ignores_credits_older_than_the_instruction(adapter: ShopifyAdapter) -> None:
    stub("GiftCards", {"giftCards": {"nodes": []}})
    stub("StoreCreditTransactions", _credits(("25.0", (NOW - timedelta(hours=3)).isoformat())))
    planned_after = credit_instruction(not_before=NOW - timedelta(hours=1))
    assert adapter.find_store_credit(planned_after) is None
    skewed = credit_instruction(not_before=NOW - timedelta(hours=3) + timedelta(minutes=3))  # clocks differ a bit
    assert adapter.find_store_credit(skewed) is not None


@responses.activate
def test_find_store_credit_finds_the_fallback_gift_card_by_key(adapter: ShopifyAdapter) -> None:
    stub("StoreCreditTransactions", _credits(("25.0", (NOW - timedelta(days=30)).isoformat())))
    stub(
        "GiftCards",
        {
            "giftCards": {
                "nodes": [
                    {
                        "id": "gid://shopify/GiftCard/5",
                        "note": "Return [rc:act-77]",
                        "initialValue": {"amount": "25.0", "currencyCode": "USD"},
                    }
                ]
            }
        },
    )
    found = adapter.find_store_credit(credit_instruction())
    assert found is not None and found.platform_id == "gid://shopify/GiftCard/5"
    assert "customer_id:544365967" in calls("GiftCards")[0]["variables"]["query"]


@responses.activate
def test_find_store_credit_without_fallback_never_searches_gift_cards() -> None:
    clock = FakeClock()
    client = GraphQLClient(SHOP, lambda: "t", sleep=clock.sleep, clock=clock)
    strict = ShopifyAdapter(SHOP, lambda: "t", client=client, store_credit_fallback=False, now=lambda: NOW)
    stub("StoreCreditTransactions", _credits())
    assert strict.find_store_credit(credit_instruction()) is None
    assert calls("GiftCards") == []


# -- returns -------------------------------------------------------------------------------------


def portal_request(**overrides: Any) -> ReturnRequest:
    values: dict[str, Any] = dict(
        id="ret-1",
        shop_id="shop-1",
        order_id=ORDER_ID,
        order_name="#1001",
        currency="USD",
        customer_email="bob@example.com",
        method=ReturnMethod.PREPAID_LABEL,
        lines=[
            ReturnLine(
                "l1",
                "gid://shopify/LineItem/466157049",
                1,
                ReasonCode.COLOUR,
                Resolution.exchange(variant_id="gid://shopify/ProductVariant/39072857"),
            )
        ],
        created_at=datetime(2026, 10, 14, tzinfo=UTC),
        platform_return_id="gid://shopify/Return/945000960",
    )
    values.update(overrides)
    return ReturnRequest(**values)


@responses.activate
def test_create_return_with_exchange(adapter: ShopifyAdapter) -> None:
    order = mapping.order_from_graphql(json.loads(raw("order_partial_usd.json"))["data"]["order"], "shop-1")
    stub(
        "Returnable",
        {
            "returnableFulfillments": {
                "nodes": [
                    {
                        "id": "gid://shopify/ReturnableFulfillment/1",
                        "returnableFulfillmentLineItems": {
                            "nodes": [
                                {
                                    "quantity": 2,
                                    "fulfillmentLineItem": {
                                        "id": "gid://shopify/FulfillmentLineItem/820022594",
                                        "lineItem": {"id": "gid://shopify/LineItem/466157049"},
                                    },
                                }
                            ]
                        },
                    }
                ]
            }
        },
    )
    stub(
        "ReasonDefinitions",
        {
            "returnReasonDefinitions": {
                "nodes": [{"id": "gid://shopify/ReturnReasonDefinition/3", "handle": "color", "deleted": False}]
            }
        },
    )
    stub(
        "ReturnCreate",
        {
            "returnCreate": {
                "return": {"id": "gid://shopify/Return/1", "name": "#1001-R3", "status": "OPEN"},
                "userErrors": [],
            }
        },
    )
    assert adapter.create_return(portal_request(platform_return_id=None), order) == "gid://shopify/Return/1"
    sent = calls("ReturnCreate")[0]["variables"]["returnInput"]
    assert sent["returnLineItems"] == [
        {
            "fulfillmentLineItemId": "gid://shopify/FulfillmentLineItem/820022594",
            "quantity": 1,
            "returnReasonDefinitionId": "gid://shopify/ReturnReasonDefinition/3",
        }
    ]
    assert sent["exchangeLineItems"] == [{"variantId": "gid://shopify/ProductVariant/39072857", "quantity": 1}]
    assert sent["requestedAt"] == "2026-10-14T00:00:00+00:00"


@responses.activate
def test_approve_and_decline(adapter: ShopifyAdapter) -> None:
    stub("ReturnApprove", {"returnApproveRequest": {"return": {"id": "r", "status": "OPEN"}, "userErrors": []}})
    stub("ReturnDecline", {"returnDeclineRequest": {"return": {"id": "r", "status": "DECLINED"}, "userErrors": []}})
    adapter.approve_return(portal_request())
    adapter.decline_return(portal_request(), "Final sale items cannot be returned")
    assert calls("ReturnApprove")[0]["variables"] == {
        "input": {"id": "gid://shopify/Return/945000960", "notifyCustomer": False}
    }
    decline = calls("ReturnDecline")[0]["variables"]["input"]
    assert decline["declineReason"] == "FINAL_SALE" and decline["declineNote"].startswith("Final sale")


@responses.activate
def test_approve_already_approved_counts_as_done(adapter: ShopifyAdapter) -> None:
    stub(
        "ReturnApprove",
        {
            "returnApproveRequest": {
                "return": None,
                "userErrors": [{"field": ["id"], "message": "Return is not approvable", "code": "INVALID_STATE"}],
            }
        },
    )
    stub("ReturnStatus", {"return": {"id": "gid://shopify/Return/945000960", "status": "OPEN"}})
    adapter.approve_return(portal_request())  # no exception: an earlier attempt already approved it


@responses.activate
def test_close_refused_for_real_is_raised(adapter: ShopifyAdapter) -> None:
    stub(
        "ReturnClose",
        {
            "returnClose": {
                "return": None,
                "userErrors": [{"field": ["id"], "message": "Return has unprocessed items", "code": "INVALID_STATE"}],
            }
        },
    )
    stub("ReturnStatus", {"return": {"id": "gid://shopify/Return/945000960", "status": "OPEN"}})
    with pytest.raises(ShopifyUserError):
        adapter.close_return(portal_request())


@responses.activate
def test_create_exchange_refuses_a_replacement_out_of_stock_at_release(adapter: ShopifyAdapter) -> None:
    stub_fixture("ReturnForProcessing", "return_for_processing.json")
    stub("VariantStock", {"productVariant": {"id": "gid://shopify/ProductVariant/39072857", "inventoryQuantity": 0}})
    instruction = ExchangeInstruction(
        "act-9", ORDER_ID, "ret-1", (ExchangeItem("gid://shopify/ProductVariant/39072857", 1, usd("59.99")),),
        usd("59.99"), "bob@example.com", "gid://shopify/Return/945000960",
    )
    with pytest.raises(PermanentError, match="1 wanted, 0 in stock"):
        adapter.create_exchange(instruction)
    assert calls("ReturnProcess") == []


@responses.activate
def test_create_exchange_releases_exchange_lines(adapter: ShopifyAdapter) -> None:
    stub_fixture("ReturnForProcessing", "return_for_processing.json")
    stub("VariantStock", {"productVariant": {"id": "gid://shopify/ProductVariant/39072857", "inventoryQuantity": 3}})
    stub(
        "ReturnProcess",
        {
            "returnProcess": {
                "return": {
                    "id": "gid://shopify/Return/945000960",
                    "status": "OPEN",
                    "refunds": {"nodes": []},
                    "exchangeLineItems": {"nodes": []},
                },
                "userErrors": [],
            }
        },
    )
    instruction = ExchangeInstruction(
        "act-9",
        ORDER_ID,
        "ret-1",
        (ExchangeItem("gid://shopify/ProductVariant/39072857", 1, usd("59.99")),),
        usd("59.99"),
        "bob@example.com",
        "gid://shopify/Return/945000960",
    )
    stub_outstanding("0.0")
    effect = adapter.create_exchange(instruction)
    assert effect.kind is ActionKind.EXCHANGE
    assert "amount_due" not in effect.extra  # nothing owed: the executor succeeds at once
    process = calls("ReturnProcess")[0]["variables"]["input"]
    assert process["exchangeLineItems"] == [{"id": "gid://shopify/ExchangeLineItem/301", "quantity": 1}]
    assert process["returnLineItems"] == [] and "financialTransfer" not in process


def stub_released_return() -> None:
    """The return whose exchange lines were released already (by the returnProcess that refunded it)."""
    fixture = json.loads(raw("return_for_processing.json"))["data"]
    for item in fixture["return"]["exchangeLineItems"]["nodes"]:
        item["processableQuantity"], item["processedQuantity"] = 0, item.get("quantity", 1)
    stub("ReturnForProcessing", fixture)


def stub_outstanding(amount: str, currency: str = "USD") -> None:
    stub(
        "OrderOutstanding",
        {"order": {"id": ORDER_ID, "totalOutstandingSet": {"presentmentMoney": {"amount": amount,
                                                                                "currencyCode": currency}}}},
    )


@responses.activate
def test_exchange_already_released_reports_the_balance_the_customer_owes(adapter: ShopifyAdapter) -> None:
    """A dearer replacement: Shopify shows the balance as the order's totalOutstandingSet; the effect carries
    it, so the executor waits for the payment instead of closing the return."""
    stub_released_return()
    stub_outstanding("12.5")
    instruction = ExchangeInstruction(
        "act-9", ORDER_ID, "ret-1", (ExchangeItem("gid://shopify/ProductVariant/39072857", 1, usd("72.49")),),
        usd("59.99"), "bob@example.com", "gid://shopify/Return/945000960",
    )
    effect = adapter.create_exchange(instruction)
    assert effect.extra == {"amount_due": "12.50", "currency": "USD"}
    assert awaiting_payment(effect)
    found = adapter.find_exchange(instruction)
    assert found is not None and found.extra["amount_due"] == "12.50"
    assert calls("ReturnProcess") == []  # released already: never processed twice
    stub_outstanding("0.00")
    paid = adapter.find_exchange(instruction)
    assert paid is not None and not awaiting_payment(paid)


@responses.activate
def test_a_balance_our_amounts_do_not_charge_is_not_waited_for(adapter: ShopifyAdapter) -> None:
    """A like-for-like swap of a discounted line is priced at what came back: Shopify may show a balance (its
    list price), but the customer was never asked for it, so the exchange must not wait for it forever."""
    stub_released_return()
    stub_outstanding("5.00")
    instruction = ExchangeInstruction(
        "act-9", ORDER_ID, "ret-1", (ExchangeItem("gid://shopify/ProductVariant/39072857", 1, usd("54.99")),),
        usd("54.99"), "bob@example.com", "gid://shopify/Return/945000960",
    )
    effect = adapter.create_exchange(instruction)
    assert not awaiting_payment(effect) and effect.extra == {}


@responses.activate
def test_variant_price_reads_the_contextual_price_for_the_orders_country(adapter: ShopifyAdapter) -> None:
    variant = "gid://shopify/ProductVariant/39072857"
    stub("VariantPrice", {"productVariant": {"id": variant, "contextualPricing": {
        "price": {"amount": "72.49", "currencyCode": "USD"}, "compareAtPrice": None}}})
    order = dataclasses.replace(factories.order(currency="USD"), country="us")
    assert adapter.variant_price(variant, order) == usd("72.49")
    assert calls("VariantPrice")[0]["variables"] == {"id": variant, "country": "US"}
    stub("VariantPrice", {"productVariant": {"id": variant, "contextualPricing": {
        "price": {"amount": "66.00", "currencyCode": "EUR"}, "compareAtPrice": None}}})
    assert adapter.variant_price(variant, order) is None  # a market buying in another currency: no price


# -- reads, webhooks, notes ----------------------------------------------------------------------


SUMMER = {"handle": "summer-sale", "title": "Summer Sale"}
PRODUCT_COLLECTIONS = {"nodes": [
    {"id": "gid://shopify/Product/632910392", "collections": {"nodes": [SUMMER], "pageInfo": {"hasNextPage": False}}},
    {"id": "gid://shopify/Product/921728736", "collections": {"nodes": [], "pageInfo": {"hasNextPage": False}}},
]}  # fmt: skip
"""The collections of ``order_partial_usd.json``'s two products (its third line has none)."""


def stub_order(node: dict[str, Any], split_lines_at: int | None = None) -> None:
    helpers.stub_order(node, PRODUCT_COLLECTIONS, split_lines_at=split_lines_at)


def order_node() -> dict[str, Any]:
    return json.loads(raw("order_partial_usd.json"))["data"]["order"]  # type: ignore[no-any-return]


@responses.activate
def test_fetch_order_reads_all_pages_and_parts(adapter: ShopifyAdapter) -> None:
    stub_order(order_node(), split_lines_at=2)
    order = adapter.fetch_order("625362839")
    in_collections = {str(node["id"]): mapping.collections_of(node) for node in PRODUCT_COLLECTIONS["nodes"]}
    expected = mapping.order_from_graphql(order_node(), "shop-1", in_collections)
    assert order == expected  # same result as one big query, read in cost-capped parts
    assert len(order.lines) == 3
    assert calls("OrderLines")[0]["variables"] == {"id": ORDER_ID, "after": "l1"}
    assert calls("Order")[0]["variables"] == {"id": ORDER_ID}


@responses.activate
def test_an_order_reads_its_products_collections_in_one_request_then_from_the_cache(adapter: ShopifyAdapter) -> None:
    clock = FakeClock()
    adapter.collections.clock = clock
    stub_order(order_node(), split_lines_at=2)  # 3 lines, 2 products (the third line has none)
    order = adapter.fetch_order("625362839")
    sent = calls("ProductCollections")
    assert len(sent) == 1
    assert sorted(sent[0]["variables"]["ids"]) == ["gid://shopify/Product/632910392", "gid://shopify/Product/921728736"]
    assert [line.collections for line in order.lines] == [{"summer sale", "summer-sale"}, set(), set()]
    clock.now += 299  # within the 5 minutes
    assert adapter.fetch_order("625362839") == order
    assert len(calls("ProductCollections")) == 1
    clock.now += 2  # expired: read again
    adapter.fetch_order("625362839")
    assert len(calls("ProductCollections")) == 2


@responses.activate
def test_collections_of_many_products_are_read_20_at_a_time(adapter: ShopifyAdapter) -> None:
    stub("ProductCollections", {"nodes": []})
    ids = [f"gid://shopify/Product/{n}" for n in range(1, 46)]
    found = adapter.collections.collections_for(ids + ids[:5])
    assert found == dict.fromkeys(ids, frozenset())  # gone from the shop: no collections, cached as such
    assert [len(body["variables"]["ids"]) for body in calls("ProductCollections")] == [20, 20, 5]
    adapter.collections.collections_for(ids)
    assert len(calls("ProductCollections")) == 3


@responses.activate
def test_fetch_missing_order(adapter: ShopifyAdapter) -> None:
    stub("Order", {"order": None})
    with pytest.raises(NotFound):
        adapter.fetch_order("1")


@responses.activate
def test_orders_changed_since_streams_id_pages_with_cursor(adapter: ShopifyAdapter) -> None:
    page1 = {
        "orders": {
            "nodes": [{"id": ORDER_ID, "updatedAt": "2026-10-12T14:00:00Z", "email": "", "name": "#1001"}],
            "pageInfo": {"hasNextPage": True, "endCursor": "c1"},
        }
    }
    page2 = {
        "orders": {
            "nodes": [
                {"id": "gid://shopify/Order/2", "updatedAt": "2026-10-13T14:00:00Z", "email": "", "name": "#1002"}
            ],
            "pageInfo": {"hasNextPage": False, "endCursor": "c2"},
        }
    }
    stub("OrderIds", page1)
    stub("OrderIds", page2)
    stub_order(order_node())
    stub_order({**order_node(), "id": "gid://shopify/Order/2"})
    stream = adapter.orders_changed_since(datetime(2026, 10, 1, 2, 0, tzinfo=UTC))
    first = next(stream)
    assert first.id == ORDER_ID and len(calls("OrderIds")) == 1  # lazy: page 2 not fetched yet
    rest = list(stream)
    assert [o.id for o in rest] == ["gid://shopify/Order/2"]
    sent = calls("OrderIds")
    assert sent[0]["variables"]["query"] == "updated_at:>'2026-10-01T02:00:00+00:00'"
    assert sent[0]["variables"]["after"] is None and sent[1]["variables"]["after"] == "c1"


@responses.activate
def test_find_order_checks_the_email(adapter: ShopifyAdapter) -> None:
    ids = {
        "orders": {
            "nodes": [
                {
                    "id": ORDER_ID,
                    "updatedAt": "2026-10-12T14:00:00Z",
                    "name": "#1001",
                    "email": "bob.norman@mail.example.com",
                }
            ],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        }
    }
    stub("OrderIds", ids)
    stub_order(order_node())
    found = adapter.find_order("1001", "BOB.norman@mail.example.com ")
    assert found is not None and found.id == ORDER_ID
    assert calls("OrderIds")[0]["variables"]["query"] == "name:#1001"
    stub("OrderIds", ids)
    assert adapter.find_order("#1001", "someone.else@example.com") is None
    assert len(calls("Order")) == 1  # no full read for a mismatching email


@responses.activate
def test_find_order_costs_one_search_whether_the_order_is_missing_or_the_email_wrong(adapter: ShopifyAdapter) -> None:
    """Timing must not tell a missing order from a wrong e-mail: the same calls, with the same shape."""
    node = {"id": ORDER_ID, "updatedAt": "2026-10-12T14:00:00Z", "name": "#1001", "email": "bob@example.com"}
    page = {"orders": {"nodes": [node], "pageInfo": {"hasNextPage": False, "endCursor": None}}}
    stub("OrderIds", page)
    assert adapter.find_order("# 1001", "eve@example.com") is None
    wrong_email = [(body["query"], sorted(body["variables"])) for body in map(body_of, responses.calls)]
    before = len(responses.calls)
    stub("OrderIds", {"orders": {"nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}})
    assert adapter.find_order("#\xa01002", "bob@example.com") is None
    missing = [(body["query"], sorted(body["variables"])) for body in map(body_of, list(responses.calls)[before:])]
    assert len(wrong_email) == 1 and wrong_email == missing
    assert calls("OrderIds")[1]["variables"]["query"] == "name:#1002"  # searched in its normal form


@responses.activate
def test_find_order_matches_names_in_their_normal_form(adapter: ShopifyAdapter) -> None:
    node = {"id": ORDER_ID, "updatedAt": "2026-10-12T14:00:00Z", "name": "#EU1001", "email": "bob@example.com"}
    stub("OrderIds", {"orders": {"nodes": [node], "pageInfo": {"hasNextPage": False, "endCursor": None}}})
    stub_order(order_node())
    found = adapter.find_order("#\teu1001", "bob@example.com")
    assert found is not None and found.id == ORDER_ID


@responses.activate
def test_available_stock(adapter: ShopifyAdapter) -> None:
    stub("VariantStock", {"productVariant": {"id": "gid://shopify/ProductVariant/1", "inventoryQuantity": 7}})
    assert adapter.available_stock("1") == 7
    assert calls("VariantStock")[0]["variables"] == {"id": "gid://shopify/ProductVariant/1"}


@responses.activate
def test_subscribe_webhooks_only_creates_missing_topics(adapter: ShopifyAdapter) -> None:
    url = "https://connector.example.com/webhooks/shopify"
    stub(
        "Webhooks",
        {
            "webhookSubscriptions": {
                "nodes": [
                    {"id": "gid://shopify/WebhookSubscription/1", "topic": "RETURNS_REQUEST", "uri": url},
                    {"id": "gid://shopify/WebhookSubscription/2", "topic": "ORDERS_UPDATED", "uri": url},
                    {
                        "id": "gid://shopify/WebhookSubscription/3",
                        "topic": "RETURNS_APPROVE",
                        "uri": "https://old.example.com/x",
                    },
                ],
                "pageInfo": {"hasNextPage": False, "endCursor": None},
            }
        },
    )
    for i in range(7):
        stub(
            "Subscribe",
            {
                "webhookSubscriptionCreate": {
                    "webhookSubscription": {
                        "id": f"gid://shopify/WebhookSubscription/{10 + i}",
                        "topic": "X",
                        "uri": url,
                    },
                    "userErrors": [],
                }
            },
        )
    ids = adapter.subscribe_webhooks(url)
    created = [c["variables"]["topic"] for c in calls("Subscribe")]
    assert created == [
        "RETURNS_APPROVE",
        "RETURNS_DECLINE",
        "RETURNS_CANCEL",
        "RETURNS_CLOSE",
        "RETURNS_REOPEN",
        "REFUNDS_CREATE",
        "APP_UNINSTALLED",
    ]
    assert len(ids) == 9 and ids[0] == "gid://shopify/WebhookSubscription/1"
    assert calls("Subscribe")[0]["variables"]["webhookSubscription"] == {"uri": url, "format": "JSON"}


@responses.activate
def test_add_order_note_appends_once(adapter: ShopifyAdapter) -> None:
    stub("OrderNote", {"order": {"id": ORDER_ID, "note": "Gift"}})
    stub("OrderNote", {"orderUpdate": {"order": {"id": ORDER_ID}, "userErrors": []}})
    adapter.add_order_note(ORDER_ID, "Return #1001-R2 refunded")
    update = [c for c in calls("OrderNote") if "orderUpdate" in c["query"]]
    assert update[0]["variables"]["input"] == {"id": ORDER_ID, "note": "Gift\nReturn #1001-R2 refunded"}
    stub("OrderNote", {"order": {"id": ORDER_ID, "note": "Gift\nReturn #1001-R2 refunded"}})
    adapter.add_order_note(ORDER_ID, "Return #1001-R2 refunded")
    assert len([c for c in calls("OrderNote") if "orderUpdate" in c["query"]]) == 1


@responses.activate
def test_fetch_return_with_reason_definitions(adapter: ShopifyAdapter) -> None:
    stub(
        "ReasonDefinitions",
        {
            "returnReasonDefinitions": {
                "nodes": [
                    {"id": "gid://shopify/ReturnReasonDefinition/11", "handle": "size-too-small", "deleted": False}
                ]
            }
        },
    )
    stub_fixture("Return", "return_requested.json")
    request = adapter.fetch_return("945000960")
    assert request.lines[0].reason_handle == "size-too-small"
    assert "returnReasonDefinition" in calls("Return")[0]["query"]
    assert calls("Return")[0]["variables"] == {"id": "gid://shopify/Return/945000960"}


@responses.activate
def test_fetch_return_on_a_shop_without_reason_definitions(adapter: ShopifyAdapter) -> None:
    stub(
        "ReasonDefinitions",
        json={
            "errors": [
                {"message": "Field 'returnReasonDefinitions' doesn't exist", "extensions": {"code": "undefinedField"}}
            ]
        },
    )
    node = json.loads(raw("return_requested.json"))["data"]["return"]
    for item in node["returnLineItems"]["nodes"]:
        del item["returnReasonDefinition"]
    stub("Return", {"return": node})
    request = adapter.fetch_return("gid://shopify/Return/945000960")
    assert request.lines[0].reason is ReasonCode.SIZE_TOO_SMALL and request.lines[0].reason_handle is None
    assert "returnReasonDefinition" not in calls("Return")[0]["query"]


@responses.activate
def test_cancel(adapter: ShopifyAdapter) -> None:
    stub("ReturnCancel", {"returnCancel": {"return": {"id": "r", "status": "CANCELED"}, "userErrors": []}})
    adapter.cancel_return(portal_request())
    assert calls("ReturnCancel")[0]["variables"] == {"id": "gid://shopify/Return/945000960"}


def test_actions_on_a_return_unknown_to_shopify_are_refused(adapter: ShopifyAdapter) -> None:
    from connector.errors import PermanentError

    with pytest.raises(PermanentError):
        adapter.approve_return(portal_request(platform_return_id=None))


@responses.activate
def test_return_process_without_our_note_takes_the_one_new_refund(adapter: ShopifyAdapter) -> None:
    node = json.loads(raw("return_for_processing.json"))["data"]["return"]
    node["refunds"] = {"nodes": [{"id": "gid://shopify/Refund/1"}]}
    stub("OrderTransactions", transactions())
    stub("ReturnForProcessing", {"return": node})
    older = {"id": "gid://shopify/Refund/1", "note": None, "totalRefundedSet": None}
    fresh = {**REFUND, "id": "gid://shopify/Refund/2", "note": "processed"}
    stub(
        "ReturnProcess",
        {
            "returnProcess": {
                "return": {
                    "id": node["id"],
                    "status": "OPEN",
                    "refunds": {"nodes": [older, fresh]},
                    "exchangeLineItems": {"nodes": []},
                },
                "userErrors": [],
            }
        },
    )
    effect = adapter.refund(refund_instruction(platform_return_id=node["id"]))
    assert effect.platform_id == "gid://shopify/Refund/2" and effect.amount == usd("41.94")
