"""Return mutations: request/approve/decline/create/process/close/reopen/cancel and reverse deliveries.

Rules enforced as the Admin API documents them: only fulfilled items can be returned, never more than
fulfilled minus already in an active return; status transitions REQUESTED -> OPEN|DECLINED, OPEN -> CLOSED
-> OPEN, cancel only before any processing or refund; processing never exceeds the unprocessed quantity.
Every mutation validates fully before changing anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from graphql import GraphQLResolveInfo

from sandboxes.kit.seed import CURRENCY_RATES, quantize
from sandboxes.shopify import payloads, refunds
from sandboxes.shopify.context import Context, ctx
from sandboxes.shopify.refunds import RefundPlan, user_error
from sandboxes.shopify.state import (
    LOCATION_ID,
    ExchangeLineState,
    FulfillmentOrderState,
    OrderState,
    RefundLineState,
    ReturnLineState,
    ReturnState,
    ReverseDeliveryState,
    Shop,
    parse_gid,
    utcnow,
)
from sandboxes.shopify.views import ReturnView, ReverseDeliveryView

Info = GraphQLResolveInfo
Payload = dict[str, Any]
_CUSTOMER_NOTE_MAX: Final = 300
_DECLINE_NOTE_MAX: Final = 500


def _failed(errors: list[dict[str, Any]], key: str = "return") -> Payload:
    return {key: None, "userErrors": errors}


def _ok(shop: Shop, ret: ReturnState) -> Payload:
    return {"return": ReturnView(shop, ret), "userErrors": []}


def _find_return(shop: Shop, value: object, path: list[str]) -> tuple[ReturnState | None, list[dict[str, Any]]]:
    ret = shop.returns.get(parse_gid(value, "Return") or -1)
    if ret is None:
        return None, [user_error(path, "Return does not exist.", "NOT_FOUND")]
    return ret, []


def _publish_return(context: Context, topic: str, ret: ReturnState) -> None:
    shop = context.shop
    context.events.publish(topic, payloads.return_payload(shop, ret))
    order = shop.order(ret.order_index)
    if order is not None:
        context.events.publish("orders/updated", payloads.order_payload(shop, order))


def _new_return(context: Context, info: Info, data: dict[str, Any], status: str, path: str) -> Payload:
    """Shared by returnRequest (REQUESTED) and returnCreate (OPEN)."""
    shop = context.shop
    order_number = parse_gid(data["orderId"], "Order")
    order = shop.order_by_id(order_number) if order_number is not None else None
    if order is None:
        return _failed([user_error([path, "orderId"], "Order does not exist.", "NOT_FOUND")])
    errors: list[dict[str, Any]] = []
    wanted: dict[int, int] = {}
    lines: list[tuple[int, int, dict[str, Any]]] = []
    for i, item in enumerate(data["returnLineItems"]):
        where = [path, "returnLineItems", str(i)]
        fli = parse_gid(item["fulfillmentLineItemId"], "FulfillmentLineItem")
        found = shop.fulfillment_line(fli) if fli is not None else None
        if found is None or found[0].index != order.index:
            errors.append(
                user_error([*where, "fulfillmentLineItemId"], "Fulfillment line item does not exist.", "NOT_FOUND")
            )
            continue
        assert fli is not None
        quantity = item["quantity"]
        if quantity <= 0:
            errors.append(user_error([*where, "quantity"], "Quantity must be greater than 0.", "GREATER_THAN"))
            continue
        note = item.get("customerNote")
        if note is not None and len(note) > _CUSTOMER_NOTE_MAX:
            errors.append(user_error([*where, "customerNote"], "Customer note is too long.", "TOO_LONG"))
            continue
        wanted[fli] = wanted.get(fli, 0) + quantity
        if wanted[fli] > shop.returnable_quantity(fli):
            errors.append(user_error([*where, "quantity"], "Quantity is not available for return.", "INVALID"))
            continue
        lines.append((fli, found[2], item))
    if not data["returnLineItems"]:
        errors.append(user_error([path, "returnLineItems"], "Return must have at least one line item.", "BLANK"))
    exchanges: list[tuple[int, int]] = []
    for i, item in enumerate(data.get("exchangeLineItems") or []):
        variant = parse_gid(item.get("variantId"), "ProductVariant")
        if variant is None or variant not in shop.variants:
            errors.append(
                user_error([path, "exchangeLineItems", str(i), "variantId"], "Variant does not exist.", "NOT_FOUND")
            )
        elif item["quantity"] <= 0:
            errors.append(
                user_error(
                    [path, "exchangeLineItems", str(i), "quantity"], "Quantity must be greater than 0.", "GREATER_THAN"
                )
            )
        else:
            exchanges.append((variant, item["quantity"]))
    fee = None
    if data.get("returnShippingFee"):
        money = data["returnShippingFee"]["amount"]
        amount = refunds.to_amount(money["amount"])
        if amount is None or amount < 0 or money["currencyCode"] != order.currency:
            errors.append(user_error([path, "returnShippingFee", "amount"], "Invalid return shipping fee.", "INVALID"))
        else:
            fee = quantize(amount, order.currency)
    if errors:
        return _failed(errors)
    now = utcnow()
    mutable = shop.mutable_order(order.index)
    ret = ReturnState(
        shop.next_id(),
        order.index,
        f"#{order.seed.number}-R{len(mutable.returns) + 1}",
        status,
        now,
        [],
        [],
        shop.next_id(),
        shipping_fee=fee,
    )
    if status == "OPEN":
        ret.approved_at = now
    for fli, line_index, item in lines:
        fee_input = item.get("restockingFee")
        rl = ReturnLineState(
            shop.next_id(),
            ret.id,
            order.index,
            line_index,
            fli,
            item["quantity"],
            item.get("returnReason") or "UNKNOWN",
            item.get("returnReasonNote") or "",
            item.get("customerNote"),
            shop.next_id(),
            fee_input["percentage"] if fee_input else None,
        )
        shop.return_lines[rl.id] = rl
        shop.rfo_lines[rl.rfo_line_id] = rl.id
        ret.lines.append(rl.id)
    for variant, qty in exchanges:
        el = ExchangeLineState(shop.next_id(), ret.id, variant, qty)
        shop.exchange_lines[el.id] = el
        ret.exchange_lines.append(el.id)
    shop.returns[ret.id] = ret
    shop.rfo_to_return[ret.rfo_id] = ret.id
    mutable.returns.append(ret.id)
    shop.touch(mutable, now)
    _publish_return(context, "returns/request" if status == "REQUESTED" else "returns/approve", ret)
    return _ok(shop, ret)


def _transition(
    info: Info, value: object, allowed: tuple[str, ...], target: str, topic: str, message: str, path: list[str]
) -> Payload:
    context = ctx(info)
    shop = context.shop
    ret, errors = _find_return(shop, value, path)
    if ret is None:
        return _failed(errors)
    if ret.status not in allowed:
        return _failed([user_error(path, message, "INVALID_STATE")])
    now = utcnow()
    ret.status = target
    if target == "OPEN" and ret.approved_at is None:
        ret.approved_at = now
    ret.closed_at = now if target == "CLOSED" else None
    shop.touch(shop.mutable_order(ret.order_index), now)
    _publish_return(context, topic, ret)
    return _ok(shop, ret)


class ReturnMutations:
    """Return mutation fields."""

    def returnRequest(self, info: Info, input: dict[str, Any]) -> Payload:
        return _new_return(ctx(info), info, input, "REQUESTED", "input")

    def returnCreate(self, info: Info, returnInput: dict[str, Any]) -> Payload:
        return _new_return(ctx(info), info, returnInput, "OPEN", "returnInput")

    def returnApproveRequest(self, info: Info, input: dict[str, Any]) -> Payload:
        return _transition(
            info,
            input["id"],
            ("REQUESTED",),
            "OPEN",
            "returns/approve",
            "Return is not approvable. Only returns with status REQUESTED can be approved.",
            ["input", "id"],
        )

    def returnDeclineRequest(self, info: Info, input: dict[str, Any]) -> Payload:
        note = input.get("declineNote")
        if note is not None and len(note) > _DECLINE_NOTE_MAX:
            return _failed([user_error(["input", "declineNote"], "Decline note is too long.", "TOO_LONG")])
        shop = ctx(info).shop
        ret = shop.returns.get(parse_gid(input["id"], "Return") or -1)
        if ret is not None and ret.status == "REQUESTED":
            ret.decline_reason = input["declineReason"]
            ret.decline_note = note
        return _transition(
            info,
            input["id"],
            ("REQUESTED",),
            "DECLINED",
            "returns/decline",
            "Return is not declinable. Only returns with status REQUESTED can be declined.",
            ["input", "id"],
        )

    def returnClose(self, info: Info, id: str) -> Payload:
        return _transition(
            info,
            id,
            ("OPEN",),
            "CLOSED",
            "returns/close",
            "Return is not closable. Only returns with status OPEN can be closed.",
            ["id"],
        )

    def returnReopen(self, info: Info, id: str) -> Payload:
        return _transition(
            info,
            id,
            ("CLOSED",),
            "OPEN",
            "returns/reopen",
            "Return is not reopenable. Only returns with status CLOSED can be reopened.",
            ["id"],
        )

    def returnCancel(self, info: Info, id: str, notifyCustomer: bool | None = None) -> Payload:
        shop = ctx(info).shop
        ret = shop.returns.get(parse_gid(id, "Return") or -1)
        if ret is not None and (
            ret.refunds or any(shop.return_lines[i].processed for i in ret.lines) or ret.reverse_deliveries
        ):
            return _failed(
                [
                    user_error(
                        ["id"],
                        "Return is not cancelable: it already has processed items, refunds or reverse deliveries.",
                        "INVALID_STATE",
                    )
                ]
            )
        return _transition(
            info,
            id,
            ("OPEN", "REQUESTED"),
            "CANCELED",
            "returns/cancel",
            "Return is not cancelable. Only returns with status OPEN or REQUESTED can be canceled.",
            ["id"],
        )

    def returnProcess(self, info: Info, input: dict[str, Any]) -> Payload:
        return _process(ctx(info), input)

    def reverseDeliveryCreateWithShipping(
        self,
        info: Info,
        reverseFulfillmentOrderId: str,
        reverseDeliveryLineItems: list[dict[str, Any]],
        trackingInput: dict[str, Any] | None = None,
        labelInput: dict[str, Any] | None = None,
        notifyCustomer: bool | None = None,
    ) -> Payload:
        shop = ctx(info).shop
        rid = shop.rfo_to_return.get(parse_gid(reverseFulfillmentOrderId, "ReverseFulfillmentOrder") or -1)
        if rid is None:
            return _failed(
                [user_error(["reverseFulfillmentOrderId"], "Reverse fulfillment order does not exist.", "NOT_FOUND")],
                "reverseDelivery",
            )
        ret = shop.returns[rid]
        if ret.status != "OPEN":
            return _failed(
                [user_error(["reverseFulfillmentOrderId"], "Reverse fulfillment order is not open.", "INVALID_STATE")],
                "reverseDelivery",
            )
        own = {shop.return_lines[i].rfo_line_id: shop.return_lines[i] for i in ret.lines}
        chosen: list[tuple[int, int]] = []
        errors = []
        for i, item in enumerate(reverseDeliveryLineItems):
            line_id = parse_gid(item["reverseFulfillmentOrderLineItemId"], "ReverseFulfillmentOrderLineItem")
            rl = own.get(line_id or -1)
            where = ["reverseDeliveryLineItems", str(i)]
            if rl is None:
                errors.append(
                    user_error(
                        [*where, "reverseFulfillmentOrderLineItemId"],
                        "Reverse fulfillment order line item does not exist.",
                        "NOT_FOUND",
                    )
                )
            elif not 0 < item["quantity"] <= rl.quantity:
                errors.append(user_error([*where, "quantity"], "Quantity is invalid.", "INVALID"))
            else:
                chosen.append((rl.rfo_line_id, item["quantity"]))
        if errors:
            return _failed(errors, "reverseDelivery")
        if not reverseDeliveryLineItems:  # empty list = every line, full quantity
            chosen = [(rl.rfo_line_id, rl.quantity) for rl in own.values()]
        tracking = trackingInput or {}
        rd = ReverseDeliveryState(
            shop.next_id(),
            ret.id,
            chosen,
            tracking.get("number"),
            tracking.get("url"),
            (labelInput or {}).get("fileUrl"),
            utcnow(),
            notifyCustomer is not False,
        )
        shop.reverse_deliveries[rd.id] = rd
        ret.reverse_deliveries.append(rd.id)
        return {"reverseDelivery": ReverseDeliveryView(shop, rd), "userErrors": []}


def _process(context: Context, data: dict[str, Any]) -> Payload:
    shop = context.shop
    ret, errors = _find_return(shop, data["returnId"], ["input", "returnId"])
    if ret is None:
        return _failed(errors)
    if ret.status != "OPEN":
        return _failed([user_error(["input", "returnId"], "Return must be OPEN to be processed.", "INVALID_STATE")])
    order = shop.order(ret.order_index)
    assert order is not None
    plan = RefundPlan(order=order, note=data.get("note"), return_id=ret.id)
    processed: list[tuple[ReturnLineState, int, list[dict[str, Any]]]] = []
    for i, item in enumerate(data.get("returnLineItems") or []):
        where = ["input", "returnLineItems", str(i)]
        rl = shop.return_lines.get(parse_gid(item["id"], "ReturnLineItem") or -1)
        if rl is None or rl.return_id != ret.id:
            errors.append(user_error([*where, "id"], "Return line item does not exist.", "NOT_FOUND"))
            continue
        qty = item["quantity"]
        if not 0 < qty <= rl.quantity - rl.processed:
            errors.append(
                user_error(
                    [*where, "quantity"], f"Quantity must be between 1 and {rl.quantity - rl.processed}.", "INVALID"
                )
            )
            continue
        dispositions = _dispositions(rl, qty, item.get("dispositions") or [], where, errors)
        processed.append((rl, qty, dispositions))
    exchanges: list[tuple[ExchangeLineState, int]] = []
    for i, item in enumerate(data.get("exchangeLineItems") or []):
        where = ["input", "exchangeLineItems", str(i)]
        el = shop.exchange_lines.get(parse_gid(item["id"], "ExchangeLineItem") or -1)
        if el is None or el.return_id != ret.id:
            errors.append(user_error([*where, "id"], "Exchange line item does not exist.", "NOT_FOUND"))
        elif not 0 < item["quantity"] <= el.quantity - el.processed:
            errors.append(user_error([*where, "quantity"], "Quantity exceeds the unprocessed quantity.", "INVALID"))
        else:
            exchanges.append((el, item["quantity"]))
    if not processed and not exchanges:
        errors.append(user_error(["input"], "Nothing to process.", "BLANK"))
    refund_input = (data.get("financialTransfer") or {}).get("issueRefund")
    if refund_input is not None:
        triples: list[tuple[object, object, object]] = [
            (t["parentId"], t["transactionAmount"]["amount"], t["transactionAmount"]["currencyCode"])
            for t in refund_input["orderTransactions"]
        ]
        path = ["input", "financialTransfer", "issueRefund"]
        refunds.add_transactions(shop, plan, triples, [*path, "orderTransactions"], errors)
        refunds.add_store_credit(plan, refund_input.get("refundMethods"), [*path, "refundMethods"], errors)
        _shipping(plan, data.get("refundShipping"), errors)
        for rl, qty, dispositions in processed:
            subtotal, tax = refunds.line_share(order, rl.line_index, qty)
            restocked = any(d["type"] == "RESTOCKED" for d in dispositions)
            plan.lines.append(
                RefundLineState(rl.line_index, qty, "RETURN" if restocked else "NO_RESTOCK", subtotal, tax, restocked)
            )
        refunds.check_caps(shop, plan, bool(refund_input.get("allowOverRefunding")), path, errors)
    if errors:
        return _failed(errors)
    _apply_process(context, ret, order, processed, exchanges, plan if refund_input is not None else None)
    return _ok(shop, ret)


def _dispositions(
    rl: ReturnLineState, qty: int, items: list[dict[str, Any]], where: list[str], errors: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    chosen = []
    total = 0
    for j, item in enumerate(items):
        spot = [*where, "dispositions", str(j)]
        if parse_gid(item["reverseFulfillmentOrderLineItemId"], "ReverseFulfillmentOrderLineItem") != rl.rfo_line_id:
            errors.append(
                user_error(
                    [*spot, "reverseFulfillmentOrderLineItemId"],
                    "Reverse fulfillment order line item does not match the return line item.",
                    "INVALID",
                )
            )
            continue
        kind = item["dispositionType"]
        location = parse_gid(item.get("locationId"), "Location")
        if kind == "RESTOCKED" and location != LOCATION_ID:
            errors.append(user_error([*spot, "locationId"], "A valid location is required to restock.", "INVALID"))
            continue
        total += item["quantity"]
        chosen.append({"type": kind, "quantity": item["quantity"], "location": location})
    if total > qty:
        errors.append(
            user_error([*where, "dispositions"], "Disposition quantities exceed the processed quantity.", "INVALID")
        )
    return chosen


def _shipping(plan: RefundPlan, data: dict[str, Any] | None, errors: list[dict[str, Any]]) -> None:
    if not data:
        return
    order = plan.order
    if data.get("fullRefund"):
        plan.shipping = order.seed.shipping
    elif data.get("shippingRefundAmount"):
        amount = refunds.to_amount(data["shippingRefundAmount"]["amount"]) or Decimal(-1)
        if not 0 <= amount <= order.seed.shipping:
            errors.append(
                user_error(["input", "refundShipping"], "Shipping refund exceeds the shipping paid.", "INVALID")
            )
        else:
            plan.shipping = amount


def _apply_process(
    context: Context,
    ret: ReturnState,
    order: OrderState,
    processed: list[tuple[ReturnLineState, int, list[dict[str, Any]]]],
    exchanges: list[tuple[ExchangeLineState, int]],
    plan: RefundPlan | None,
) -> None:
    shop = context.shop
    now = utcnow()
    for rl, qty, dispositions in processed:
        rl.processed += qty
        line = order.lines[rl.line_index]
        variant_id = shop.variant_id(line.product_key, line.variant_index)
        for d in dispositions:
            d["id"] = shop.next_id()
            rl.dispositions.append(d)
            if d["type"] == "RESTOCKED":
                shop.restock(variant_id, d["quantity"], "return", f"Return/{ret.id}")
    if exchanges:
        # Shopify applies the value of the return's items to its exchange items; a balance left is owed by the
        # customer (the order's totalOutstandingSet) and the exchange's fulfillment order is held until paid.
        owed = sum((_price(shop, el.variant_id, order.currency) * qty for el, qty in exchanges), Decimal(0))
        balance = owed - _return_value(shop, ret, order)
        fo = FulfillmentOrderState(
            shop.next_id(), order.index, ret.id, "ON_HOLD" if balance > 0 else "OPEN", [], now, now,
            "AWAITING_PAYMENT" if balance > 0 else None,
        )
        if balance > 0:
            shop.mutable_order(order.index).outstanding += balance
        for el, qty in exchanges:
            el.processed += qty
            fo.lines.append((shop.next_id(), el.variant_id, qty))
            shop.inventory[el.variant_id] = shop.inventory.get(el.variant_id, 0) - qty
            shop.restocks.append(
                {
                    "variant_id": f"gid://shopify/ProductVariant/{el.variant_id}",
                    "delta": -qty,
                    "reason": "exchange",
                    "reference": f"FulfillmentOrder/{fo.id}",
                    "at": now.isoformat(),
                }
            )
        shop.fulfillment_orders[fo.id] = fo
        ret.fulfillment_orders.append(fo.id)
        shop.mutable_order(order.index).fulfillment_orders.append(fo.id)
    if plan is not None:
        refund = refunds.apply(shop, plan, None)
        for rl, qty, _d in processed:
            rl.refunded += qty
        ret.refunds.append(refund.id)
        context.events.publish("refunds/create", payloads.refund_payload(shop, refund))
    shop.touch(shop.mutable_order(order.index), now)
    _publish_return(context, "returns/process", ret)


def _return_value(shop: Shop, ret: ReturnState, order: OrderState) -> Decimal:
    """What every item on the return was paid (net), the credit Shopify applies to the exchange items."""
    total = Decimal(0)
    for line_id in ret.lines:
        rl = shop.return_lines[line_id]
        line = order.lines[rl.line_index]
        total += line.net * rl.quantity / line.quantity
    return quantize(total, order.currency)


def _price(shop: Shop, variant_id: int, currency: str) -> Decimal:
    product, vidx = shop.variants[variant_id]
    return quantize(product.variants[vidx].price * CURRENCY_RATES.get(currency, Decimal(1)), currency)
