"""Money and admin mutations: refundCreate (with @idempotent), store credit, gift cards, exchange release,
webhook subscriptions."""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import date, datetime
from typing import Any, Final

from graphql import GraphQLError, GraphQLResolveInfo

from sandboxes.kit.seed import quantize
from sandboxes.shopify import payloads, refunds
from sandboxes.shopify.context import ctx, directive_argument
from sandboxes.shopify.refunds import RefundPlan, user_error
from sandboxes.shopify.state import (
    GiftCardState,
    RefundLineState,
    SubscriptionState,
    parse_gid,
    utcnow,
)
from sandboxes.shopify.views import (
    CreditTransactionView,
    FulfillmentOrderView,
    GiftCardView,
    OrderView,
    RefundView,
    SubscriptionView,
)

Info = GraphQLResolveInfo
Payload = dict[str, Any]
IDEMPOTENCY_REQUIRED_FROM: Final = "2026-04"
_GIFT_CODE: Final = re.compile(r"^[A-Za-z0-9]{8,20}$")
_TOPIC_NAMES: Final = re.compile(r"^[A-Za-z0-9_-]{1,50}$")


def _fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class MoneyMutations:
    """refundCreate, storeCreditAccountCredit, giftCardCreate, fulfillmentOrderReleaseHold, webhooks."""

    def refundCreate(self, info: Info, input: dict[str, Any]) -> Payload:
        context = ctx(info)
        shop = context.shop
        key = directive_argument(info, "idempotent", "key")
        if key is None and context.api_version >= IDEMPOTENCY_REQUIRED_FROM:
            raise GraphQLError(
                "The @idempotent directive is required for this mutation.",
                extensions={"code": "IDEMPOTENCY_KEY_REQUIRED"},
            )
        fingerprint = _fingerprint(input)
        if isinstance(key, str):
            previous = shop.idempotency.get(key)
            if previous is not None:
                if previous[0] != fingerprint:
                    raise GraphQLError(
                        "The idempotency key was already used with different parameters.",
                        extensions={"code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"},
                    )
                refund = shop.refunds[previous[1]]
                order = shop.order(refund.order_index)
                assert order is not None
                return {"refund": RefundView(shop, refund), "order": OrderView(shop, order), "userErrors": []}
        errors: list[dict[str, Any]] = []
        plan = _plan(info, input, errors)
        if plan is None or errors:
            return {"refund": None, "order": None, "userErrors": errors}
        refund = refunds.apply(shop, plan, key if isinstance(key, str) else None)
        if isinstance(key, str):
            shop.idempotency[key] = (fingerprint, refund.id)
        order = shop.order(refund.order_index)
        assert order is not None
        context.events.publish("refunds/create", payloads.refund_payload(shop, refund))
        context.events.publish("orders/updated", payloads.order_payload(shop, order))
        return {"refund": RefundView(shop, refund), "order": OrderView(shop, order), "userErrors": []}

    def storeCreditAccountCredit(self, info: Info, id: str, creditInput: dict[str, Any]) -> Payload:
        shop = ctx(info).shop
        money = creditInput["creditAmount"]
        amount = refunds.to_amount(money["amount"])
        currency = money["currencyCode"]
        if amount is None or amount <= 0:
            return _credit_failed(
                ["creditInput", "creditAmount", "amount"], "The amount must be positive.", "NEGATIVE_OR_ZERO_AMOUNT"
            )
        account_id = parse_gid(id, "StoreCreditAccount")
        account = shop.credit_accounts.get(account_id or -1)
        if account is None:
            customer = parse_gid(id, "Customer")
            if customer is None or shop.customer_known(customer) is None:
                return _credit_failed(["id"], "Owner does not exist.", "ACCOUNT_NOT_FOUND")
            account = shop.credit_account(customer, currency)
        if account.currency != currency:
            return _credit_failed(
                ["creditInput", "creditAmount", "currencyCode"],
                "The currency does not match the account currency.",
                "MISMATCHING_CURRENCY",
            )
        expires = creditInput.get("expiresAt")
        txn = shop.credit(
            account,
            quantize(amount, currency),
            expires if isinstance(expires, datetime) else None,
            "storeCreditAccountCredit",
        )
        return {"storeCreditAccountTransaction": CreditTransactionView(shop, txn), "userErrors": []}

    def giftCardCreate(self, info: Info, input: dict[str, Any]) -> Payload:
        shop = ctx(info).shop
        amount = refunds.to_amount(input["initialValue"])
        if amount is None or amount <= 0:
            return _gift_failed(["input", "initialValue"], "Initial value must be greater than 0.", "GREATER_THAN")
        code = input.get("code")
        if code is not None and not _GIFT_CODE.match(code):
            return _gift_failed(["input", "code"], "Code must be 8 to 20 letters or digits.", "INVALID")
        if code is not None and any(c.code.lower() == code.lower() for c in shop.gift_cards.values()):
            return _gift_failed(["input", "code"], "Code has already been taken.", "TAKEN")
        customer_id = None
        if input.get("customerId") is not None:
            customer_id = parse_gid(input["customerId"], "Customer")
            if customer_id is None or shop.customer_known(customer_id) is None:
                return _gift_failed(["input", "customerId"], "Customer does not exist.", "CUSTOMER_NOT_FOUND")
        recipient_id = None
        if input.get("recipientAttributes") is not None:
            recipient_id = parse_gid(input["recipientAttributes"]["id"], "Customer")
            if recipient_id is None or shop.customer_known(recipient_id) is None:
                return _gift_failed(["input", "recipientAttributes", "id"], "Recipient does not exist.",
                                    "RECIPIENT_NOT_FOUND")  # fmt: skip
        if code is None:
            rng = random.Random(f"gift:{shop.seed}:{len(shop.gift_cards)}")
            code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(16))
        expires = input.get("expiresOn")
        card = GiftCardState(
            shop.next_id(),
            code,
            shop.currency,
            quantize(amount, shop.currency),
            quantize(amount, shop.currency),
            customer_id,
            input.get("note"),
            expires.isoformat() if isinstance(expires, date) else expires,
            utcnow(),
            recipient_id,
        )
        shop.gift_cards[card.id] = card
        return {"giftCard": GiftCardView(shop, card), "giftCardCode": code, "userErrors": []}

    def fulfillmentOrderReleaseHold(self, info: Info, id: str) -> Payload:
        shop = ctx(info).shop
        fo = shop.fulfillment_orders.get(parse_gid(id, "FulfillmentOrder") or -1)
        if fo is None:
            return {"fulfillmentOrder": None, "userErrors": [user_error(["id"], "Fulfillment order not found.")]}
        if fo.status != "ON_HOLD":
            return {"fulfillmentOrder": None, "userErrors": [user_error(["id"], "Fulfillment order is not on hold.")]}
        fo.status = "OPEN"
        fo.updated_at = utcnow()
        return {"fulfillmentOrder": FulfillmentOrderView(shop, fo), "userErrors": []}

    def webhookSubscriptionCreate(self, info: Info, topic: str, webhookSubscription: dict[str, Any]) -> Payload:
        context = ctx(info)
        shop = context.shop
        data = webhookSubscription
        uri = data.get("uri") or data.get("callbackUrl")
        if not uri or not str(uri).startswith(("https://", "http://")):
            return {
                "webhookSubscription": None,
                "userErrors": [user_error(["webhookSubscription", "uri"], "Address is invalid")],
            }
        name = data.get("name")
        if name is not None and not _TOPIC_NAMES.match(name):
            return {
                "webhookSubscription": None,
                "userErrors": [user_error(["webhookSubscription", "name"], "Name is invalid")],
            }
        if any(s.topic == topic and s.uri == uri for s in shop.subscriptions.values()):
            return {
                "webhookSubscription": None,
                "userErrors": [
                    user_error(["webhookSubscription", "callbackUrl"], "Address for this topic has already been taken")
                ],
            }
        sub = SubscriptionState(
            shop.next_id(),
            topic,
            str(uri),
            name,
            list(data.get("includeFields") or []),
            data.get("filter"),
            context.api_version,
            utcnow(),
        )
        shop.subscriptions[sub.id] = sub
        return {"webhookSubscription": SubscriptionView(sub), "userErrors": []}

    def webhookSubscriptionDelete(self, info: Info, id: str) -> Payload:
        shop = ctx(info).shop
        number = parse_gid(id, "WebhookSubscription")
        if number is None or shop.subscriptions.pop(number, None) is None:
            return {
                "deletedWebhookSubscriptionId": None,
                "userErrors": [user_error(["id"], "Webhook subscription does not exist")],
            }
        return {"deletedWebhookSubscriptionId": id, "userErrors": []}


def _credit_failed(path: list[str], message: str, code: str) -> Payload:
    return {"storeCreditAccountTransaction": None, "userErrors": [user_error(path, message, code)]}


def _gift_failed(path: list[str], message: str, code: str) -> Payload:
    return {"giftCard": None, "giftCardCode": None, "userErrors": [user_error(path, message, code)]}


def _plan(info: Info, data: dict[str, Any], errors: list[dict[str, Any]]) -> RefundPlan | None:
    shop = ctx(info).shop
    number = parse_gid(data["orderId"], "Order")
    order = shop.order_by_id(number) if number is not None else None
    if order is None:
        errors.append(user_error(["orderId"], "Order does not exist"))
        return None
    currency = data.get("currency")
    if currency is not None and currency != order.currency:
        errors.append(user_error(["currency"], f"Currency must be the order presentment currency {order.currency}"))
    plan = RefundPlan(order=order, note=data.get("note"))
    seen: dict[int, int] = {}
    for i, item in enumerate(data.get("refundLineItems") or []):
        where = ["refundLineItems", str(i)]
        line_id = parse_gid(item["lineItemId"], "LineItem")
        order_index, line_index = shop.split_line_item_id(line_id or 0)
        if line_id is None or order_index != order.index or line_index >= len(order.lines):
            errors.append(user_error([*where, "lineItemId"], "Line item does not exist"))
            continue
        line = order.lines[line_index]
        qty = item["quantity"]
        seen[line_index] = seen.get(line_index, 0) + qty
        restock = item.get("restockType") or "NO_RESTOCK"
        fulfilled = order.fulfilled(line_index)
        if qty <= 0 or seen[line_index] > line.quantity - line.refunded:
            errors.append(user_error([*where, "quantity"], "Quantity cannot refund more items than were purchased"))
            continue
        if restock == "LEGACY_RESTOCK":
            errors.append(user_error([*where, "restockType"], "Restock type LEGACY_RESTOCK cannot be used"))
            continue
        if restock == "RETURN" and qty > fulfilled:
            errors.append(user_error([*where, "restockType"], "Cannot return more items than were fulfilled"))
            continue
        if restock == "CANCEL" and qty > line.quantity - line.refunded - fulfilled:
            errors.append(user_error([*where, "restockType"], "Cannot cancel items that were already fulfilled"))
            continue
        subtotal, tax = refunds.line_share(order, line_index, qty)
        restocked = restock in ("RETURN", "CANCEL")
        plan.lines.append(RefundLineState(line_index, qty, restock, subtotal, tax, restocked))
        if restocked:
            plan.restock_variants.append((shop.variant_id(line.product_key, line.variant_index), qty))
    triples: list[tuple[object, object, object]] = []
    for i, txn in enumerate(data.get("transactions") or []):
        if parse_gid(txn["orderId"], "Order") != order.id:
            errors.append(user_error(["transactions", str(i), "orderId"], "Transaction order does not match"))
        elif txn["kind"] != "REFUND":
            errors.append(user_error(["transactions", str(i), "kind"], "Transaction kind must be REFUND"))
        else:
            triples.append((txn.get("parentId"), txn["amount"], None))
    refunds.add_transactions(shop, plan, triples, ["transactions"], errors)
    refunds.add_store_credit(plan, data.get("refundMethods"), ["refundMethods"], errors)
    shipping = data.get("shipping") or {}
    already = sum((shop.refunds[r].shipping for r in order.refunds), order.seed.shipping * 0)
    if shipping.get("fullRefund"):
        plan.shipping = order.seed.shipping - already
    elif shipping.get("amount") is not None:
        amount = refunds.to_amount(shipping["amount"])
        if amount is None or not 0 <= amount <= order.seed.shipping - already:
            errors.append(user_error(["shipping", "amount"], "Shipping refund exceeds the refundable shipping"))
        else:
            plan.shipping = amount
    refunds.check_caps(shop, plan, bool(data.get("allowOverRefunding")), ["transactions"], errors)
    return plan


__all__ = ["MoneyMutations"]
