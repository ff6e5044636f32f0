"""GraphQL views over the shop state: one small class per Admin API object.

graphql-core's default resolver reads an attribute and, when it is a method, calls it with
``(info, **arguments)``; so fields with arguments are methods and plain fields are properties.
Method names are the Admin API's camelCase field names on purpose.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from sandboxes.kit.seed import COUNTRY_CURRENCIES, CURRENCY_RATES, quantize
from sandboxes.shopify import admin_catalogue, connections
from sandboxes.shopify.collections_seed import CollectionState
from sandboxes.shopify.state import (
    LOCATION_ID,
    ORDER_BASE,
    SHOP_ID,
    CreditAccountState,
    CreditTransactionState,
    ExchangeLineState,
    FulfillmentOrderState,
    FulfillmentState,
    GiftCardState,
    LineState,
    OrderState,
    RefundState,
    ReturnLineState,
    ReturnState,
    ReverseDeliveryState,
    Shop,
    SubscriptionState,
    TransactionState,
    customer_id_for,
    gid,
)

Info = GraphQLResolveInfo
Page = dict[str, Any]


def money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": quantize(amount, currency), "currencyCode": currency}


def bag(shop: Shop, amount: Decimal, currency: str) -> dict[str, Any]:
    """MoneyBag: presentment money in the order currency, shop money converted to the shop currency."""
    shop_amount = amount
    if currency != shop.currency:
        shop_amount = amount / CURRENCY_RATES.get(currency, Decimal(1)) * CURRENCY_RATES.get(shop.currency, Decimal(1))
    return {"shopMoney": money(shop_amount, shop.currency), "presentmentMoney": money(amount, currency)}


def location() -> dict[str, Any]:
    return {"id": gid("Location", LOCATION_ID), "name": "Main warehouse"}


class ShopView:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.id = gid("Shop", SHOP_ID)
        self.name = shop.name
        self.email = f"owner@{shop.domain}"
        self.currencyCode = shop.currency
        self.myshopifyDomain = shop.domain
        self.ianaTimezone = "Europe/Paris"
        self.enabledPresentmentCurrencies = sorted(CURRENCY_RATES)


class ProductView:
    def __init__(self, shop: Shop, key: int) -> None:
        self.shop = shop
        self.product = shop.catalogue[key - 1]
        self.id = gid("Product", shop.product_id(key))
        self.legacyResourceId = shop.product_id(key)
        self.title = self.product.title
        self.handle = self.product.title.lower().replace(" ", "-") + f"-{key}"
        self.productType = self.product.product_type
        self.vendor = self.product.vendor
        self.tags = list(self.product.tags)
        self.status = "ACTIVE"

    @property
    def featuredMedia(self) -> dict[str, Any]:
        """The product's picture, served by the sandbox itself (``admin_catalogue``): a real shop's is on its CDN."""
        url = admin_catalogue.image_url(self.product.key)
        media_id = gid("MediaImage", self.legacyResourceId)
        return {"__typename": "MediaImage", "id": media_id, "alt": self.title, "preview": {"image": {"url": url}},
                "image": {"url": url, "altText": self.title}}  # fmt: skip

    @property
    def totalInventory(self) -> int:
        key = self.product.key
        return sum(self.shop.inventory[self.shop.variant_id(key, i)] for i in range(len(self.product.variants)))

    def collections(self, info: Info, **args: Any) -> Page:
        return connections.from_list(self.shop.collections[self.product.key], CollectionState.node, **args)

    def variants(self, info: Info, **args: Any) -> Page:
        indexes = list(range(len(self.product.variants)))
        return connections.from_list(indexes, lambda i: VariantView(self.shop, self.product.key, i), **args)


class VariantView:
    def __init__(self, shop: Shop, key: int, vidx: int) -> None:
        self.shop = shop
        self.key = key
        self.seed = shop.catalogue[key - 1].variants[vidx]
        self.variant_id = shop.variant_id(key, vidx)
        self.id = gid("ProductVariant", self.variant_id)
        self.legacyResourceId = self.variant_id
        self.title = self.seed.title
        self.displayName = f"{shop.catalogue[key - 1].title} - {self.seed.title}"
        self.sku = self.seed.sku
        self.price = self.seed.price
        self.selectedOptions = [{"name": n, "value": v} for n, v in self.seed.options]

    def contextualPricing(self, info: Info, context: dict[str, Any]) -> dict[str, Any]:
        """The price a buyer in ``context.country`` pays, in that market's currency (fixed sandbox rates)."""
        currency = COUNTRY_CURRENCIES.get(str(context.get("country") or ""), self.shop.currency)
        amount = quantize(self.price * CURRENCY_RATES.get(currency, Decimal(1)), currency)
        return {"price": {"amount": amount, "currencyCode": currency}, "compareAtPrice": None}

    @property
    def inventoryQuantity(self) -> int:
        return self.shop.inventory[self.variant_id]

    @property
    def availableForSale(self) -> bool:
        return self.inventoryQuantity > 0

    @property
    def inventoryPolicy(self) -> str:
        """Seeded variants stop selling at zero, Shopify's default."""
        return "DENY"

    @property
    def inventoryItem(self) -> dict[str, Any]:
        return {"id": gid("InventoryItem", self.variant_id), "tracked": True}

    @property
    def product(self) -> ProductView:
        return ProductView(self.shop, self.key)


class CustomerView:
    def __init__(self, shop: Shop, customer_id: int, email: str | None, first: str | None, last: str | None) -> None:
        self.shop = shop
        self.customer_id = customer_id
        self.id = gid("Customer", customer_id)
        self.email = email
        self.firstName = first
        self.lastName = last
        self.displayName = " ".join(p for p in (first, last) if p) or (email or "")

    def storeCreditAccounts(self, info: Info, **args: Any) -> Page:
        accounts = [a for a in self.shop.credit_accounts.values() if a.customer_id == self.customer_id]
        return connections.from_list(accounts, lambda a: CreditAccountView(self.shop, a), **args)


class CreditAccountView:
    def __init__(self, shop: Shop, account: CreditAccountState) -> None:
        self.shop = shop
        self.account = account
        self.id = gid("StoreCreditAccount", account.id)
        self.balance = money(account.balance, account.currency)
        self.owner = customer_view(shop, account.customer_id)  # non-null in Shopify's schema

    def transactions(self, info: Info, **args: Any) -> Page:
        txns = [self.shop.credit_transactions[t] for t in self.account.transactions]
        return connections.from_list(txns, lambda t: CreditTransactionView(self.shop, t), **args)


class CreditTransactionView:
    def __init__(self, shop: Shop, txn: CreditTransactionState) -> None:
        account = shop.credit_accounts[txn.account_id]
        self.id = gid("StoreCreditAccountCreditTransaction", txn.id)
        self.amount = money(txn.amount, account.currency)
        self.balanceAfterTransaction = money(txn.balance_after, account.currency)
        self.createdAt = txn.created_at
        self.expiresAt = txn.expires_at
        self.event = txn.event
        self.account = CreditAccountView(shop, account)


class GiftCardView:
    def __init__(self, shop: Shop, card: GiftCardState) -> None:
        self.id = gid("GiftCard", card.id)
        self.balance = money(card.balance, card.currency)
        self.initialValue = money(card.initial_value, card.currency)
        self.lastCharacters = card.code[-4:]
        self.maskedCode = "•••• •••• •••• " + card.code[-4:]
        self.enabled = True
        self.expiresOn = card.expires_on
        self.note = card.note
        self.createdAt = card.created_at
        self.customer = customer_view(shop, card.customer_id) if card.customer_id else None


def customer_view(shop: Shop, customer_id: int) -> CustomerView | None:
    known = shop.customer_known(customer_id)
    if known is None:
        return None
    return CustomerView(shop, customer_id, *known)


class OrderView:
    def __init__(self, shop: Shop, order: OrderState) -> None:
        self.shop = shop
        self.order = order
        seed = order.seed
        cur = seed.currency
        self.id = gid("Order", order.id)
        self.legacyResourceId = order.id
        self.name = f"#{seed.number}"
        self.email = seed.email
        self.createdAt = seed.created_at
        self.processedAt = seed.created_at
        self.updatedAt = order.updated_at
        self.cancelledAt = None
        self.closedAt = None
        self.currencyCode = cur
        self.presentmentCurrencyCode = cur
        self.tags = list(order.tags)
        self.note = None
        self.test = False
        self.discountCode = seed.discount_code
        self.discountCodes = [seed.discount_code] if seed.discount_code else []
        self.taxesIncluded = seed.taxes_included
        self.customAttributes: list[dict[str, str]] = []
        self.shippingAddress = {
            "firstName": seed.first_name,
            "lastName": seed.last_name,
            "name": f"{seed.first_name} {seed.last_name}",
            "address1": "1 Sandbox Street",
            "city": "Sandbox",
            "zip": "00000",
            "country": seed.country,
            "countryCodeV2": seed.country,
        }

    def _bag(self, amount: Decimal) -> dict[str, Any]:
        return bag(self.shop, amount, self.order.currency)

    @property
    def customer(self) -> CustomerView:
        s = self.order.seed
        return CustomerView(self.shop, customer_id_for(s.email), s.email, s.first_name, s.last_name)

    @property
    def subtotalPriceSet(self) -> dict[str, Any]:
        return self._bag(self.order.subtotal())

    @property
    def totalPriceSet(self) -> dict[str, Any]:
        return self._bag(self.order.total())

    @property
    def currentTotalPriceSet(self) -> dict[str, Any]:
        return self._bag(self.order.total() - self.order.refunded_cash())

    @property
    def totalShippingPriceSet(self) -> dict[str, Any]:
        return self._bag(self.order.seed.shipping)

    @property
    def totalTaxSet(self) -> dict[str, Any]:
        return self._bag(self.order.total_tax())

    @property
    def totalDiscountsSet(self) -> dict[str, Any]:
        return self._bag(self.order.total_discounts())

    @property
    def totalRefundedSet(self) -> dict[str, Any]:
        return self._bag(self.order.refunded_cash())

    @property
    def totalRefundedShippingSet(self) -> dict[str, Any]:
        return self._bag(sum((self.shop.refunds[r].shipping for r in self.order.refunds), Decimal(0)))

    @property
    def totalReceivedSet(self) -> dict[str, Any]:
        return self._bag(self.order.received())

    @property
    def totalOutstandingSet(self) -> dict[str, Any]:
        """The balance the customer still owes: an exchange for dearer items, until the customer pays it."""
        return self._bag(self.order.outstanding)

    @property
    def displayFulfillmentStatus(self) -> str:
        return fulfillment_status(self.order)

    @property
    def displayFinancialStatus(self) -> str:
        refunded = self.order.refunded_cash() + sum(
            (self.shop.refunds[r].store_credit for r in self.order.refunds), Decimal(0)
        )
        if refunded <= 0:
            return "PAID"
        return "REFUNDED" if refunded >= self.order.received() else "PARTIALLY_REFUNDED"

    @property
    def returnStatus(self) -> str:
        statuses = [self.shop.returns[r] for r in self.order.returns]
        if not statuses:
            return "NO_RETURN"
        if any(r.status == "REQUESTED" for r in statuses):
            return "RETURN_REQUESTED"
        opened = [r for r in statuses if r.status == "OPEN"]
        if opened:
            done = all(
                self.shop.return_lines[i].processed >= self.shop.return_lines[i].quantity
                for r in opened
                for i in r.lines
            )
            return "INSPECTION_COMPLETE" if done else "IN_PROGRESS"
        if any(r.status == "CLOSED" for r in statuses):
            return "RETURNED"
        return "NO_RETURN"

    def lineItems(self, info: Info, **args: Any) -> Page:
        return connections.from_list(self.order.lines, lambda ln: LineItemView(self.shop, self.order, ln), **args)

    def fulfillments(self, info: Info, first: int | None = None) -> list[FulfillmentView]:
        items = [FulfillmentView(self.shop, self.order, f) for f in self.order.fulfillments]
        return items[:first] if first is not None else items

    def fulfillmentOrders(self, info: Info, **args: Any) -> Page:
        fos = [self.shop.fulfillment_orders[i] for i in self.order.fulfillment_orders]
        return connections.from_list(fos, lambda fo: FulfillmentOrderView(self.shop, fo), **args)

    def transactions(self, info: Info, first: int | None = None) -> list[TransactionView]:
        items = [TransactionView(self.shop, self.order, t) for t in self.order.transactions]
        return items[:first] if first is not None else items

    def refunds(self, info: Info, first: int | None = None) -> list[RefundView]:
        items = [RefundView(self.shop, self.shop.refunds[r]) for r in self.order.refunds]
        return items[:first] if first is not None else items

    def returns(self, info: Info, query: str | None = None, **args: Any) -> Page:
        items = [self.shop.returns[r] for r in self.order.returns]
        if query:
            wanted = {part.split(":", 1)[1].upper() for part in query.split() if part.startswith("status:")}
            if wanted:
                items = [r for r in items if r.status in wanted]
        return connections.from_list(items, lambda r: ReturnView(self.shop, r), **args)


def fulfillment_status(order: OrderState) -> str:
    wanted = sum(line.quantity - line.refunded for line in order.lines)
    done = sum(order.fulfilled(line.index) for line in order.lines)
    if done == 0:
        return "UNFULFILLED"
    return "FULFILLED" if done >= wanted else "PARTIALLY_FULFILLED"


class LineItemView:
    def __init__(self, shop: Shop, order: OrderState, line: LineState) -> None:
        self.shop = shop
        self.order = order
        self.line = line
        product = shop.catalogue[line.product_key - 1]
        variant = product.variants[line.variant_index]
        self.id = gid("LineItem", shop.line_item_id(order.index, line.index))
        self.name = f"{product.title} - {variant.title}"
        self.title = product.title
        self.variantTitle = variant.title
        self.vendor = product.vendor
        self.sku = variant.sku
        self.quantity = line.quantity
        self.currentQuantity = line.quantity - line.refunded
        self.refundableQuantity = line.quantity - line.refunded
        self.requiresShipping = True
        self.customAttributes: list[dict[str, str]] = []
        self.nonFulfillableQuantity = line.refunded

    @property
    def unfulfilledQuantity(self) -> int:
        return max(0, self.line.quantity - self.line.refunded - self.order.fulfilled(self.line.index))

    def _bag(self, amount: Decimal) -> dict[str, Any]:
        return bag(self.shop, amount, self.order.currency)

    @property
    def variant(self) -> VariantView:
        return VariantView(self.shop, self.line.product_key, self.line.variant_index)

    @property
    def product(self) -> ProductView:
        return ProductView(self.shop, self.line.product_key)

    @property
    def originalUnitPriceSet(self) -> dict[str, Any]:
        return self._bag(self.line.unit_price)

    @property
    def discountedUnitPriceAfterAllDiscountsSet(self) -> dict[str, Any]:
        return self._bag(self.line.net / self.line.quantity)

    @property
    def originalTotalSet(self) -> dict[str, Any]:
        return self._bag(self.line.unit_price * self.line.quantity)

    @property
    def totalDiscountSet(self) -> dict[str, Any]:
        return self._bag(self.line.discount)

    @property
    def discountAllocations(self) -> list[dict[str, Any]]:
        if not self.line.discount:
            return []
        return [{"allocatedAmountSet": self._bag(self.line.discount)}]

    def taxLines(self, info: Info, first: int | None = None) -> list[dict[str, Any]]:
        rate = self.line.tax_rate
        return [
            {
                "title": "VAT" if self.order.seed.taxes_included else "Sales tax",
                "rate": float(rate),
                "ratePercentage": float(rate * 100),
                "priceSet": self._bag(self.line.tax),
            }
        ]


class FulfillmentView:
    def __init__(self, shop: Shop, order: OrderState, fulfillment: FulfillmentState) -> None:
        self.shop = shop
        self.order = order
        self.fulfillment = fulfillment
        self.id = gid("Fulfillment", fulfillment.id)
        self.name = f"#{order.seed.number}-F{order.fulfillments.index(fulfillment) + 1}"
        self.status = "SUCCESS"
        self.displayStatus = "DELIVERED" if fulfillment.delivered_at else "FULFILLED"
        self.createdAt = fulfillment.created_at
        self.updatedAt = fulfillment.delivered_at or fulfillment.created_at
        self.inTransitAt = fulfillment.created_at
        self.deliveredAt = fulfillment.delivered_at
        self.estimatedDeliveryAt = None
        self.totalQuantity = sum(fulfillment.quantities.values())

    def trackingInfo(self, info: Info, first: int | None = None) -> list[dict[str, Any]]:
        number = self.fulfillment.tracking_number
        return [{"company": "UPS", "number": number, "url": f"https://tracking.invalid/{number}"}] if number else []

    def fulfillmentLineItems(self, info: Info, **args: Any) -> Page:
        items = sorted(self.fulfillment.quantities.items())
        return connections.from_list(
            items, lambda item: FulfillmentLineItemView(self.shop, self.order, self.fulfillment, *item), **args
        )


class FulfillmentLineItemView:
    def __init__(
        self, shop: Shop, order: OrderState, fulfillment: FulfillmentState, line_index: int, quantity: int
    ) -> None:
        self.shop = shop
        self.order = order
        self.line = order.lines[line_index]
        self.id = gid("FulfillmentLineItem", shop.fulfillment_line_item_id(fulfillment.id, line_index))
        self.quantity = quantity

    @property
    def lineItem(self) -> LineItemView:
        return LineItemView(self.shop, self.order, self.line)

    @property
    def originalTotalSet(self) -> dict[str, Any]:
        return bag(self.shop, self.line.unit_price * (self.quantity or 0), self.order.currency)

    @property
    def discountedTotalSet(self) -> dict[str, Any]:
        share = self.line.net * (self.quantity or 0) / self.line.quantity
        return bag(self.shop, share, self.order.currency)


class FulfillmentOrderView:
    def __init__(self, shop: Shop, fo: FulfillmentOrderState) -> None:
        self.shop = shop
        self.fo = fo
        self.id = gid("FulfillmentOrder", fo.id)
        self.status = fo.status
        self.createdAt = fo.created_at
        self.updatedAt = fo.updated_at
        self.orderId = gid("Order", ORDER_BASE + fo.order_index)
        self.fulfillmentHolds = (
            [{"id": gid("FulfillmentHold", fo.id), "reason": fo.hold, "reasonNotes": None}] if fo.hold else []
        )

    def lineItems(self, info: Info, **args: Any) -> Page:
        def wrap(item: tuple[int, int, int]) -> dict[str, Any]:
            line_id, variant_id, qty = item
            product, vidx = self.shop.variants[variant_id]
            return {
                "id": gid("FulfillmentOrderLineItem", line_id),
                "totalQuantity": qty,
                "sku": product.variants[vidx].sku,
                "variant": VariantView(self.shop, product.key, vidx),
            }

        return connections.from_list(self.fo.lines, wrap, **args)


class TransactionView:
    def __init__(self, shop: Shop, order: OrderState, txn: TransactionState) -> None:
        self.shop = shop
        self.order = order
        self.txn = txn
        self.id = gid("OrderTransaction", txn.id)
        self.kind = txn.kind
        self.status = txn.status
        self.gateway = txn.gateway
        self.test = False
        self.amountSet = bag(shop, txn.amount, order.currency)
        self.createdAt = txn.created_at
        self.processedAt = txn.created_at

    @property
    def parentTransaction(self) -> TransactionView | None:
        for txn in self.order.transactions:
            if txn.id == self.txn.parent_id:
                return TransactionView(self.shop, self.order, txn)
        return None


class RefundView:
    def __init__(self, shop: Shop, refund: RefundState) -> None:
        self.shop = shop
        self.refund = refund
        order = shop.order(refund.order_index)
        assert order is not None
        self._order = order
        self.id = gid("Refund", refund.id)
        self.legacyResourceId = refund.id
        self.createdAt = refund.created_at
        self.updatedAt = refund.created_at
        self.note = refund.note
        self.totalRefundedSet = bag(shop, refund.total, order.currency)

    @property
    def order(self) -> OrderView:
        return OrderView(self.shop, self._order)

    @property
    def return_(self) -> ReturnView | None:
        rid = self.refund.return_id
        return ReturnView(self.shop, self.shop.returns[rid]) if rid else None

    def refundLineItems(self, info: Info, **args: Any) -> Page:
        def wrap(rl: Any) -> dict[str, Any]:
            line = self._order.lines[rl.line_index]
            cur = self._order.currency
            return {
                "id": None,
                "lineItem": LineItemView(self.shop, self._order, line),
                "quantity": rl.quantity,
                "restockType": rl.restock_type,
                "restocked": rl.restocked,
                "location": location() if rl.restocked else None,
                "priceSet": bag(self.shop, line.unit_price, cur),
                "subtotalSet": bag(self.shop, rl.subtotal, cur),
                "totalTaxSet": bag(self.shop, rl.tax, cur),
            }

        return connections.from_list(self.refund.lines, wrap, **args)

    def transactions(self, info: Info, **args: Any) -> Page:
        return connections.from_list(
            self.refund.transactions, lambda t: TransactionView(self.shop, self._order, t), **args
        )


class ReturnView:
    def __init__(self, shop: Shop, ret: ReturnState) -> None:
        self.shop = shop
        self.ret = ret
        self.id = gid("Return", ret.id)
        self.name = ret.name
        self.status = ret.status
        self.createdAt = ret.created_at
        self.requestApprovedAt = ret.approved_at
        self.closedAt = ret.closed_at
        self.decline = {"reason": ret.decline_reason, "note": ret.decline_note} if ret.decline_reason else None
        self.totalQuantity = sum(shop.return_lines[i].quantity for i in ret.lines)

    @property
    def order(self) -> OrderView:
        order = self.shop.order(self.ret.order_index)
        assert order is not None
        return OrderView(self.shop, order)

    @property
    def returnShippingFees(self) -> list[dict[str, Any]]:
        fee = self.ret.shipping_fee
        if fee is None:
            return []
        order = self.shop.order(self.ret.order_index)
        assert order is not None
        return [{"id": gid("ReturnShippingFee", self.ret.id), "amountSet": bag(self.shop, fee, order.currency)}]

    def returnLineItems(self, info: Info, **args: Any) -> Page:
        items = [self.shop.return_lines[i] for i in self.ret.lines]
        return connections.from_list(items, lambda rl: ReturnLineItemView(self.shop, rl), **args)

    def exchangeLineItems(self, info: Info, includeRemovedItems: bool = False, **args: Any) -> Page:
        items = [self.shop.exchange_lines[i] for i in self.ret.exchange_lines]
        return connections.from_list(items, ExchangeLineItemView, **args)

    def reverseFulfillmentOrders(self, info: Info, **args: Any) -> Page:
        return connections.from_list([self.ret], lambda r: ReverseFulfillmentOrderView(self.shop, r), **args)

    def refunds(self, info: Info, **args: Any) -> Page:
        items = [self.shop.refunds[r] for r in self.ret.refunds]
        return connections.from_list(items, lambda r: RefundView(self.shop, r), **args)


class ReturnLineItemView:
    def __init__(self, shop: Shop, rl: ReturnLineState) -> None:
        self.shop = shop
        self.rl = rl
        self.id = gid("ReturnLineItem", rl.id)
        self.quantity = rl.quantity
        self.processedQuantity = rl.processed
        self.unprocessedQuantity = rl.quantity - rl.processed
        ret = shop.returns[rl.return_id]
        self.processableQuantity = self.unprocessedQuantity if ret.status == "OPEN" else 0
        self.refundedQuantity = rl.refunded
        self.refundableQuantity = rl.quantity - rl.refunded
        self.returnReason = rl.reason
        self.returnReasonNote = rl.reason_note
        self.customerNote = rl.customer_note
        order = shop.order(rl.order_index)
        assert order is not None
        self._order = order
        line = order.lines[rl.line_index]
        self.withCodeDiscountedTotalPriceSet = bag(shop, line.net * rl.quantity / line.quantity, order.currency)
        pct = rl.restocking_fee_percentage
        self.restockingFee = (
            {
                "percentage": pct,
                "amountSet": bag(
                    shop, line.net * rl.quantity / line.quantity * Decimal(str(pct)) / 100, order.currency
                ),
            }
            if pct is not None
            else None
        )

    @property
    def fulfillmentLineItem(self) -> FulfillmentLineItemView:
        found = self.shop.fulfillment_line(self.rl.fulfillment_line_item_id)
        assert found is not None
        order, fulfillment, line_index = found
        return FulfillmentLineItemView(self.shop, order, fulfillment, line_index, fulfillment.quantities[line_index])


class ExchangeLineItemView:
    def __init__(self, el: ExchangeLineState) -> None:
        self.id = gid("ExchangeLineItem", el.id)
        self.quantity = el.quantity
        self.processedQuantity = el.processed
        self.unprocessedQuantity = el.quantity - el.processed
        self.processableQuantity = el.quantity - el.processed
        self.variantId = gid("ProductVariant", el.variant_id)


class ReverseFulfillmentOrderView:
    def __init__(self, shop: Shop, ret: ReturnState) -> None:
        self.shop = shop
        self.ret = ret
        self.id = gid("ReverseFulfillmentOrder", ret.rfo_id)
        self.status = {"CLOSED": "CLOSED", "CANCELED": "CANCELED", "DECLINED": "CANCELED"}.get(ret.status, "OPEN")

    @property
    def order(self) -> OrderView:
        return ReturnView(self.shop, self.ret).order

    def lineItems(self, info: Info, **args: Any) -> Page:
        items = [self.shop.return_lines[i] for i in self.ret.lines]
        return connections.from_list(items, lambda rl: rfo_line(self.shop, rl), **args)

    def reverseDeliveries(self, info: Info, **args: Any) -> Page:
        items = [self.shop.reverse_deliveries[i] for i in self.ret.reverse_deliveries]
        return connections.from_list(items, lambda rd: ReverseDeliveryView(self.shop, rd), **args)


def rfo_line(shop: Shop, rl: ReturnLineState) -> dict[str, Any]:
    return {
        "id": gid("ReverseFulfillmentOrderLineItem", rl.rfo_line_id),
        "totalQuantity": rl.quantity,
        "fulfillmentLineItem": ReturnLineItemView(shop, rl).fulfillmentLineItem,
        "dispositions": [
            {
                "id": gid("ReverseFulfillmentOrderDisposition", d["id"]),
                "quantity": d["quantity"],
                "type": d["type"],
                "location": location() if d.get("location") else None,
            }
            for d in rl.dispositions
        ],
    }


class ReverseDeliveryView:
    def __init__(self, shop: Shop, rd: ReverseDeliveryState) -> None:
        self.shop = shop
        self.rd = rd
        self.id = gid("ReverseDelivery", rd.id)
        self.deliverable = {
            "__typename": "ReverseDeliveryShippingDeliverable",
            "label": {"publicFileUrl": rd.label_url, "createdAt": rd.created_at, "updatedAt": rd.created_at}
            if rd.label_url
            else None,
            "tracking": {
                "carrierName": "UPS" if rd.tracking_number else None,
                "number": rd.tracking_number,
                "url": rd.tracking_url,
            }
            if (rd.tracking_number or rd.tracking_url)
            else None,
        }

    @property
    def reverseFulfillmentOrder(self) -> ReverseFulfillmentOrderView:
        return ReverseFulfillmentOrderView(self.shop, self.shop.returns[self.rd.return_id])

    def reverseDeliveryLineItems(self, info: Info, **args: Any) -> Page:
        def wrap(item: tuple[int, int]) -> dict[str, Any]:
            rfo_line_id, qty = item
            rl = self.shop.return_lines[self.shop.rfo_lines[rfo_line_id]]
            return {
                "id": gid("ReverseDeliveryLineItem", rfo_line_id * 10 + 1),
                "quantity": qty,
                "reverseFulfillmentOrderLineItem": rfo_line(self.shop, rl),
            }

        return connections.from_list(self.rd.lines, wrap, **args)


class ReturnableFulfillmentView:
    def __init__(self, shop: Shop, order: OrderState, fulfillment: FulfillmentState) -> None:
        self.shop = shop
        self.order = order
        self.fulfillment_state = fulfillment
        self.id = gid("ReturnableFulfillment", fulfillment.id)

    @property
    def fulfillment(self) -> FulfillmentView:
        return FulfillmentView(self.shop, self.order, self.fulfillment_state)

    def returnableFulfillmentLineItems(self, info: Info, **args: Any) -> Page:
        items = []
        for line_index, qty in sorted(self.fulfillment_state.quantities.items()):
            fli = self.shop.fulfillment_line_item_id(self.fulfillment_state.id, line_index)
            left = self.shop.returnable_quantity(fli)
            if left > 0:
                view = FulfillmentLineItemView(self.shop, self.order, self.fulfillment_state, line_index, qty)
                items.append({"fulfillmentLineItem": view, "quantity": left})
        return connections.from_list(items, lambda x: x, **args)


class SubscriptionView:
    def __init__(self, sub: SubscriptionState) -> None:
        self.id = gid("WebhookSubscription", sub.id)
        self.topic = sub.topic
        self.uri = sub.uri
        self.name = sub.name
        self.format = "JSON"
        self.includeFields = list(sub.include_fields)
        self.filter = sub.filter
        self.apiVersion = {"handle": sub.api_version, "displayName": sub.api_version, "supported": True}
        self.createdAt = sub.created_at
        self.updatedAt = sub.created_at


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
