"""Shopify JSON → common model, on payloads in the documented shapes (see tests/fixtures/shopify/README.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connector.domain import Money, ReasonCode, ReturnStatus
from connector.domain.actions import RefundInstruction, RefundLine
from connector.domain.orders import Order
from connector.domain.resolutions import Disposition, Resolution, ReturnMethod
from connector.domain.returns import ReturnLine, ReturnRequest
from platforms.shopify import mapping
from tests.shopify.helpers import load

SHOP_ID = "shop-1"


def usd(amount: str) -> Money:
    return Money(amount, "USD")


@pytest.fixture
def partial_order() -> Order:
    return mapping.order_from_graphql(load("order_partial_usd.json")["data"]["order"], SHOP_ID)


def test_order_partial_fulfilment_counts_only_successful_fulfilments(partial_order: Order) -> None:
    nano = partial_order.line("gid://shopify/LineItem/466157049")
    assert nano.quantity_ordered == 3
    assert nano.quantity_fulfilled == 2  # the CANCELLED fulfilment is ignored
    assert nano.fulfillment_line_ids == ("gid://shopify/FulfillmentLineItem/820022594",)
    assert nano.fulfilled_at == datetime(2026, 10, 2, 10, 0, tzinfo=UTC)
    assert nano.delivered_at == datetime(2026, 10, 4, 16, 20, tzinfo=UTC)
    wrap = partial_order.line("gid://shopify/LineItem/703073504")
    assert wrap.quantity_fulfilled == 0 and wrap.delivered_at is None and wrap.fulfillment_line_ids == ()


def test_order_discounts_and_taxes_excluded(partial_order: Order) -> None:
    nano = partial_order.line("gid://shopify/LineItem/466157049")
    assert nano.unit_price == usd("59.99")
    assert nano.discount == usd("12.00")  # two discount allocations summed
    assert nano.tax == usd("12.15")  # two tax lines summed (10.80 + 1.35)
    assert nano.taxes_included is False
    # 3 x 59.99 - 12.00 + 12.15 tax on top
    assert nano.paid_total == usd("180.12")
    assert isinstance(nano.unit_price.amount, Decimal)


def test_order_level_fields(partial_order: Order) -> None:
    assert partial_order.id == "gid://shopify/Order/625362839"
    assert partial_order.shop_id == SHOP_ID
    assert partial_order.created_at == datetime(2026, 10, 1, 9, 29, 58, tzinfo=UTC)  # processedAt wins
    assert partial_order.shipping_total == usd("10.00")
    assert partial_order.gateways == ("shopify_payments",)  # capture only, not the authorization
    assert partial_order.tags == frozenset({"vip", "wholesale"})
    assert partial_order.financial_status == "partially_refunded"
    assert partial_order.country == "US"
    assert partial_order.customer is not None and partial_order.customer.display_name == "Bob Norman"
    assert partial_order.platform_ids["legacy_id"] == "625362839"


def test_final_sale_from_product_tag_or_line_property(partial_order: Order) -> None:
    assert partial_order.line("gid://shopify/LineItem/518995019").final_sale is True  # product tag
    assert partial_order.line("gid://shopify/LineItem/703073504").final_sale is True  # property value
    assert partial_order.line("gid://shopify/LineItem/466157049").final_sale is False


def test_quantity_returned_counts_closed_not_declined_returns(partial_order: Order) -> None:
    tee = partial_order.line("gid://shopify/LineItem/518995019")
    assert tee.quantity_returned == 1 and tee.returnable_quantity == 0
    nano = partial_order.line("gid://shopify/LineItem/466157049")
    assert nano.quantity_returned == 0  # its return was DECLINED
    assert nano.returnable_quantity == 2


def test_jpy_order_with_taxes_included() -> None:
    order = mapping.order_from_graphql(load("order_jpy_taxes_included.json")["data"]["order"], SHOP_ID)
    line = order.lines[0]
    assert order.currency == "JPY"
    assert line.unit_price == Money(3820, "JPY") and str(line.unit_price.amount) == "3820"
    assert line.taxes_included is True and line.tax == Money(695, "JPY")
    assert line.paid_total == Money(7640, "JPY")  # tax already inside the price
    assert order.shipping_total == Money(800, "JPY")
    assert order.created_at == datetime(2026, 9, 19, 16, 0, tzinfo=UTC)  # +09:00 converted to UTC
    assert order.status == "closed"
    assert order.gateways == ("gift_card", "shopify_payments")  # failed paypal sale left out
    # two fulfilments, one not delivered yet: no line delivery date
    assert line.quantity_fulfilled == 2 and len(line.fulfillment_line_ids) == 2
    assert line.delivered_at is None and order.delivered_at is None
    assert order.email == "hanako@example.jp" and order.customer is None


def test_money_refuses_floats() -> None:
    with pytest.raises(mapping.MappingError):
        mapping.money_of({"shopMoney": {"amount": 12.5, "currencyCode": "USD"}}, "USD")


def test_money_in_another_currency_is_refused() -> None:
    with pytest.raises(mapping.MappingError):
        mapping.money_of({"shopMoney": {"amount": "1", "currencyCode": "EUR"}}, "USD")


def test_return_from_graphql_keeps_enum_and_handle() -> None:
    request = mapping.return_from_graphql(load("return_requested.json")["data"]["return"], SHOP_ID)
    assert request.platform_return_id == "gid://shopify/Return/945000960"
    assert request.status is ReturnStatus.REQUESTED
    assert request.currency == "USD" and request.order_name == "#1001"
    first, second = request.lines
    assert first.reason is ReasonCode.SIZE_TOO_SMALL and first.reason_handle == "size-too-small"
    assert first.order_line_id == "gid://shopify/LineItem/466157049"
    assert first.platform_line_id == "gid://shopify/ReturnLineItem/677614678"
    assert first.customer_note == "Too small in the shoulders"
    # unknown custom handle: the enum decides the code, the handle is kept as sent
    assert second.reason is ReasonCode.OTHER and second.reason_handle == "changed-my-mind-custom"
    assert second.customer_note == "Arrived after the party"


def _request(lines: list[ReturnLine]) -> ReturnRequest:
    return ReturnRequest(
        id="ret-1",
        shop_id=SHOP_ID,
        order_id="gid://shopify/Order/625362839",
        order_name="#1001",
        currency="USD",
        customer_email="bob@example.com",
        method=ReturnMethod.PREPAID_LABEL,
        lines=lines,
        created_at=datetime(2026, 10, 14, tzinfo=UTC),
    )


def test_return_create_input_splits_over_fulfillment_lines_and_adds_exchanges() -> None:
    request = _request(
        [
            ReturnLine(
                "l1",
                "gid://shopify/LineItem/1",
                3,
                ReasonCode.SIZE_TOO_SMALL,
                Resolution.exchange(variant_id="gid://shopify/ProductVariant/9"),
                customer_note="tight",
            ),
            ReturnLine("l2", "gid://shopify/LineItem/2", 1, ReasonCode.DAMAGED_IN_TRANSIT, Resolution.refund()),
        ]
    )
    returnable = {
        "gid://shopify/LineItem/1": [
            ("gid://shopify/FulfillmentLineItem/a", 2),
            ("gid://shopify/FulfillmentLineItem/b", 5),
        ],
        "gid://shopify/LineItem/2": [("gid://shopify/FulfillmentLineItem/c", 1)],
    }
    definitions = {"size-too-small": "gid://shopify/ReturnReasonDefinition/11"}
    built = mapping.return_create_input(request, returnable, definitions)
    assert built["orderId"] == "gid://shopify/Order/625362839"
    assert built["returnLineItems"] == [
        {
            "fulfillmentLineItemId": "gid://shopify/FulfillmentLineItem/a",
            "quantity": 2,
            "returnReasonDefinitionId": "gid://shopify/ReturnReasonDefinition/11",
            "returnReasonNote": "tight",
        },
        {
            "fulfillmentLineItemId": "gid://shopify/FulfillmentLineItem/b",
            "quantity": 1,
            "returnReasonDefinitionId": "gid://shopify/ReturnReasonDefinition/11",
            "returnReasonNote": "tight",
        },
        # no definition for "damaged" on this shop: the deprecated enum is sent instead
        {"fulfillmentLineItemId": "gid://shopify/FulfillmentLineItem/c", "quantity": 1, "returnReason": "DEFECTIVE"},
    ]
    assert built["exchangeLineItems"] == [{"variantId": "gid://shopify/ProductVariant/9", "quantity": 3}]


def test_return_create_input_refuses_more_than_shopify_allows() -> None:
    request = _request([ReturnLine("l1", "gid://shopify/LineItem/1", 3, ReasonCode.STYLE, Resolution.refund())])
    with pytest.raises(mapping.MappingError):
        mapping.return_create_input(request, {"gid://shopify/LineItem/1": [("f", 2)]}, {})


def test_round_trip_shopify_return_to_return_create_input() -> None:
    """A Shopify return mapped in and back out names the same fulfillment lines, quantities and reasons."""
    node = load("return_requested.json")["data"]["return"]
    request = mapping.return_from_graphql(node, SHOP_ID)
    returnable = {"gid://shopify/LineItem/466157049": [("gid://shopify/FulfillmentLineItem/820022594", 2)]}
    definitions = {
        "size-too-small": "gid://shopify/ReturnReasonDefinition/11",
        "changed-my-mind-custom": "gid://shopify/ReturnReasonDefinition/99",
    }
    built = mapping.return_create_input(request, returnable, definitions)
    sent = [
        (i["fulfillmentLineItemId"], i["quantity"], i["returnReasonDefinitionId"]) for i in built["returnLineItems"]
    ]
    original = [
        (n["fulfillmentLineItem"]["id"], n["quantity"], n["returnReasonDefinition"]["id"])
        for n in node["returnLineItems"]["nodes"]
    ]
    assert sent == original


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("final_sale item", "FINAL_SALE"),
        ("Final-sale", "FINAL_SALE"),
        ("Return window closed", "RETURN_PERIOD_ENDED"),
        ("return_period_ended", "RETURN_PERIOD_ENDED"),
        ("Item was worn", "OTHER"),
    ],
)
def test_decline_reason_mapping(reason: str, code: str) -> None:
    built = mapping.decline_input("gid://shopify/Return/1", reason, notify=True)
    assert built["declineReason"] == code and built["declineNote"] == reason


def test_refundable_transactions_subtract_earlier_refunds() -> None:
    transactions = load("order_partial_usd.json")["data"]["order"]["transactions"]
    parents = mapping.refundable_transactions(transactions, "USD")
    assert parents == [
        mapping.ParentTransaction("gid://shopify/OrderTransaction/801038806", "shopify_payments", usd("198.39"))
    ]
    with pytest.raises(mapping.MappingError):
        mapping.allocate_refund(usd("198.40"), parents)


def _instruction(**overrides: object) -> RefundInstruction:
    values: dict[str, object] = dict(
        idempotency_key="act-42",
        order_id="gid://shopify/Order/625362839",
        amount=usd("41.94"),
        lines=(
            RefundLine(
                "gid://shopify/LineItem/466157049",
                2,
                usd("40.00"),
                usd("1.94"),
                Disposition.RESTOCK,
                "gid://shopify/Location/1",
                "gid://shopify/ReturnLineItem/677614678",
            ),
            RefundLine("gid://shopify/LineItem/518995019", 1, usd("0"), usd("0"), Disposition.DISPOSE),
        ),
        shipping=usd("5.00"),
        reason="Return #1001-R2",
        return_id="ret-1",
        platform_return_id="gid://shopify/Return/945000960",
        store_credit_amount=usd("10.00"),
        notify_customer=False,
    )
    values.update(overrides)
    return RefundInstruction(**values)  # type: ignore[arg-type]


def test_return_process_input_dispositions_refund_and_exchange() -> None:
    node = load("return_for_processing.json")["data"]["return"]
    parents = [mapping.ParentTransaction("gid://shopify/OrderTransaction/801038806", "shopify_payments", usd("198.39"))]
    built = mapping.return_process_input(_instruction(), node, parents, default_location_id=None)
    assert built["returnId"] == "gid://shopify/Return/945000960"
    assert built["returnLineItems"] == [
        {
            "id": "gid://shopify/ReturnLineItem/677614678",
            "quantity": 2,
            "dispositions": [
                {
                    "reverseFulfillmentOrderLineItemId": "gid://shopify/ReverseFulfillmentOrderLineItem/5001",
                    "quantity": 2,
                    "dispositionType": "RESTOCKED",
                    "locationId": "gid://shopify/Location/1",
                }
            ],
        },
        # matched by order line (no return line id given); disposed → NOT_RESTOCKED, no location
        {
            "id": "gid://shopify/ReturnLineItem/677614680",
            "quantity": 1,
            "dispositions": [
                {
                    "reverseFulfillmentOrderLineItemId": "gid://shopify/ReverseFulfillmentOrderLineItem/5002",
                    "quantity": 1,
                    "dispositionType": "NOT_RESTOCKED",
                }
            ],
        },
    ]
    assert built["financialTransfer"] == {
        "issueRefund": {
            "orderTransactions": [
                {
                    "parentId": "gid://shopify/OrderTransaction/801038806",
                    "transactionAmount": {"amount": "41.94", "currencyCode": "USD"},
                }
            ],
            "refundMethods": [{"storeCreditRefund": {"amount": {"amount": "10.00", "currencyCode": "USD"}}}],
        }
    }
    assert built["exchangeLineItems"] == [{"id": "gid://shopify/ExchangeLineItem/301", "quantity": 1}]
    assert built["refundShipping"] == {"shippingRefundAmount": {"amount": "5.00", "currencyCode": "USD"}}
    assert "[rc:act-42]" in built["note"] and built["notifyCustomer"] is False


def test_return_process_restock_needs_a_location() -> None:
    node = load("return_for_processing.json")["data"]["return"]
    line = RefundLine("gid://shopify/LineItem/466157049", 1, usd("1"), usd("0"), Disposition.RESTOCK)
    with pytest.raises(mapping.MappingError):
        mapping.return_process_input(_instruction(lines=(line,)), node, [], default_location_id=None)


def test_refund_create_input() -> None:
    parents = [mapping.ParentTransaction("gid://shopify/OrderTransaction/801038806", "shopify_payments", usd("198.39"))]
    built = mapping.refund_create_input(_instruction(platform_return_id=None, store_credit_amount=None), parents, None)
    assert built["refundLineItems"] == [
        {
            "lineItemId": "gid://shopify/LineItem/466157049",
            "quantity": 2,
            "restockType": "RETURN",
            "locationId": "gid://shopify/Location/1",
        },
        {"lineItemId": "gid://shopify/LineItem/518995019", "quantity": 1, "restockType": "NO_RESTOCK"},
    ]
    assert built["transactions"] == [
        {
            "orderId": "gid://shopify/Order/625362839",
            "parentId": "gid://shopify/OrderTransaction/801038806",
            "gateway": "shopify_payments",
            "kind": "REFUND",
            "amount": "41.94",
        }
    ]
    assert built["shipping"] == {"amount": "5.00"} and "refundMethods" not in built
    assert built["note"].endswith("[rc:act-42]")


def test_rest_order_from_webhook_body() -> None:
    order = mapping.order_from_rest(load("webhook_orders_updated.json"), SHOP_ID)
    line = order.lines[0]
    assert order.id == "gid://shopify/Order/625362839" and order.currency == "EUR"
    assert order.created_at == datetime(2026, 10, 1, 9, 29, 58, tzinfo=UTC)
    assert order.tags == frozenset({"vip", "wholesale"})
    assert order.shipping_total == Money("4.90", "EUR")
    assert line.quantity_fulfilled == 1 and line.fulfillment_line_ids == ()
    assert line.unit_price == Money("49.00", "EUR") and line.discount == Money("4.90", "EUR")
    assert line.tax == Money("14.70", "EUR") and line.taxes_included is True
    assert line.final_sale is True  # line property final_sale=yes
    assert line.variant_id == "gid://shopify/ProductVariant/39072856"
    assert order.customer is not None and order.customer.id == "gid://shopify/Customer/544365967"


def test_return_event_data_from_webhook_body() -> None:
    data = mapping.return_event_data(load("webhook_returns_request.json"))
    assert data["return_id"] == "gid://shopify/Return/945000960"
    assert data["order_id"] == "gid://shopify/Order/625362839"
    assert data["status"] == "requested"
    assert data["lines"] == [
        {
            "id": "gid://shopify/ReturnLineItem/677614678",
            "fulfillment_line_item_id": "gid://shopify/FulfillmentLineItem/820022594",
            "order_line_id": "gid://shopify/LineItem/466157049",
            "quantity": 1,
            "reason": "wrong_item",
            "reason_handle": None,
            "customer_note": "Ordered green, got blue",
        }
    ]


def test_return_process_spreads_one_order_line_over_its_return_lines() -> None:
    """An order line can sit on two return lines (two requests merged): quantities follow what each can process."""
    node = load("return_for_processing.json")["data"]["return"]
    nodes = node["returnLineItems"]["nodes"]
    twin = {**nodes[0], "id": "gid://shopify/ReturnLineItem/677614699", "quantity": 1, "processableQuantity": 1}
    node = {**node, "returnLineItems": {"nodes": [nodes[0], twin, nodes[1]]}}
    line = RefundLine("gid://shopify/LineItem/466157049", 3, usd("1"), usd("0"), Disposition.DISPOSE)
    no_money = {"amount": usd("0"), "store_credit_amount": None}
    built = mapping.return_process_input(_instruction(lines=(line,), **no_money), node, [], None)
    assert [(i["id"], i["quantity"]) for i in built["returnLineItems"]] == [
        ("gid://shopify/ReturnLineItem/677614678", 2),
        ("gid://shopify/ReturnLineItem/677614699", 1),
    ]
    assert [d["quantity"] for i in built["returnLineItems"] for d in i["dispositions"]] == [2, 1]
    too_many = RefundLine("gid://shopify/LineItem/466157049", 4, usd("1"), usd("0"))
    with pytest.raises(mapping.MappingError):
        mapping.return_process_input(_instruction(lines=(too_many,), **no_money), node, [], None)


def test_long_notes_keep_the_marker() -> None:
    note = mapping.note_with_marker("x" * 400, "act-42", 255)
    assert len(note) <= 255 and note.endswith("[rc:act-42]")
    assert mapping.has_marker(note, "act-42") and not mapping.has_marker(note, "act-4")


def test_multi_currency_order_is_kept_in_the_presentment_currency() -> None:
    """Shop in EUR, customer paid USD: refunds are expressed in USD, so the order is mapped in USD."""
    node = load("order_partial_usd.json")["data"]["order"]

    def to_eur(value: object) -> object:
        if isinstance(value, dict):
            out = {k: to_eur(v) for k, v in value.items()}
            if "shopMoney" in out:
                usd_amount = Decimal(str(value["shopMoney"]["amount"]))
                out["shopMoney"] = {"amount": str(usd_amount * Decimal("0.9")), "currencyCode": "EUR"}
            return out
        if isinstance(value, list):
            return [to_eur(v) for v in value]
        return value

    eur_shop = to_eur(node)
    assert isinstance(eur_shop, dict)
    eur_shop["currencyCode"] = "EUR"
    order = mapping.order_from_graphql(eur_shop, SHOP_ID)
    assert order.currency == "USD"
    assert order.line("gid://shopify/LineItem/466157049").unit_price == usd("59.99")
    assert order == mapping.order_from_graphql(node, SHOP_ID)


def test_shipping_refunded_at_the_shop_is_read_from_the_order() -> None:
    """``Order.totalRefundedShippingSet`` (Admin 2026-04): shipping refunded by anyone, read in the order's
    presentment currency like every other amount; absent from an old snapshot, the shop did not say."""
    node = load("order_partial_usd.json")["data"]["order"]
    refunded = {"shopMoney": {"amount": "4.0", "currencyCode": "USD"},
                "presentmentMoney": {"amount": "4.0", "currencyCode": "USD"}}
    assert mapping.order_from_graphql({**node, "totalRefundedShippingSet": refunded}, SHOP_ID).shipping_refunded \
        == Money("4.00", "USD")
    assert mapping.order_from_graphql(node, SHOP_ID).shipping_refunded is None
