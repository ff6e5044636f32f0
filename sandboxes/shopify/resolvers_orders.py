"""Query-root resolvers: shop, orders (with Shopify search syntax), products, returns, webhooks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from graphql import GraphQLError, GraphQLResolveInfo

from sandboxes.shopify import connections
from sandboxes.shopify.context import ctx
from sandboxes.shopify.state import ORDER_BASE, PRODUCT_BASE, GiftCardState, Shop, parse_gid
from sandboxes.shopify.views import (
    CreditAccountView,
    CustomerView,
    FulfillmentOrderView,
    GiftCardView,
    OrderView,
    ProductView,
    ReturnableFulfillmentView,
    ReturnView,
    ReverseFulfillmentOrderView,
    ShopView,
    SubscriptionView,
    VariantView,
    customer_view,
    location,
)

Info = GraphQLResolveInfo
_TERM: Final = re.compile(r"""(-)?(\w+):(>=|<=|>|<)?('([^']*)'|"([^"]*)"|(\S+))""")


def _time(value: str) -> float:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise GraphQLError(f"Invalid date in search query: {value}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def parse_query(query: str | None) -> list[tuple[bool, str, str, str]]:
    """Shopify search terms as (negated, field, comparator, value); words without a field are ignored."""
    terms = []
    for match in _TERM.finditer(query or ""):
        value = next(v for v in (match.group(5), match.group(6), match.group(7)) if v is not None)
        terms.append((bool(match.group(1)), match.group(2).lower(), match.group(3) or "=", value))
    return terms


def _compare(left: float, op: str, right: float) -> bool:
    return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right, "=": left == right}[op]


def _order_candidates(shop: Shop, terms: list[tuple[bool, str, str, str]]) -> Sequence[int]:
    """Matching order indexes in id order, using the cheapest index available for the terms."""
    candidates: list[int] | None = None
    predicates = []
    for negated, fld, op, value in terms:
        if fld == "updated_at" and op in (">", ">=") and not negated and candidates is None:
            candidates = shop.updated_since(_time(value), inclusive=op == ">=")
        elif fld == "name" and not negated:
            digits = value.lstrip("#")
            index = int(digits) - 1001 if digits.isdigit() else -1
            found = [index] if 0 <= index < shop.order_count() else []
            candidates = found if candidates is None else [i for i in candidates if i in found]
        elif fld == "email" and not negated:
            found_set = set(shop.orders_by_email(value))
            candidates = sorted(found_set) if candidates is None else [i for i in candidates if i in found_set]
        elif fld in ("updated_at", "created_at", "processed_at"):
            stamp = _time(value)
            predicates.append((negated, fld, op, stamp))
        elif fld == "id":
            number = parse_gid(value, "Order") or (int(value) if value.isdigit() else None)
            predicates.append((negated, "id", op, float(number or -1)))
    if not predicates:
        return candidates if candidates is not None else range(shop.order_count())

    def keep(index: int) -> bool:
        for negated, fld, op, stamp in predicates:
            if fld == "updated_at":
                value = shop.updated_timestamp(index)
            elif fld == "id":
                value = float(ORDER_BASE + index)
            else:
                value = shop.seed_orders[index].created_at.timestamp()
            if _compare(value, op, stamp) == negated:
                return False
        return True

    pool = candidates if candidates is not None else range(shop.order_count())
    return [i for i in pool if keep(i)]


def _card_matches(card: GiftCardState, terms: list[tuple[bool, str, str, str]]) -> bool:
    for negated, fld, op, value in terms:
        if fld == "created_at":
            matched = _compare(card.created_at.timestamp(), op, _time(value))
        elif fld == "customer_id":
            matched = str(card.customer_id) == value
        else:
            continue
        if matched == negated:
            return False
    return True


class QueryResolvers:
    """Query root fields."""

    def shop(self, info: Info) -> ShopView:
        return ShopView(ctx(info).shop)

    def order(self, info: Info, id: str) -> OrderView | None:
        shop = ctx(info).shop
        number = parse_gid(id, "Order")
        found = shop.order_by_id(number) if number is not None else None
        return OrderView(shop, found) if found else None

    def orders(self, info: Info, query: str | None = None, sortKey: str | None = None, reverse: bool = False,
               first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None) -> dict[str, Any]:  # fmt: skip
        shop = ctx(info).shop
        size, from_end = connections.page_size(first, last)
        indexes = _order_candidates(shop, parse_query(query))
        if sortKey == "UPDATED_AT":
            indexes = sorted(indexes, key=lambda i: (shop.updated_timestamp(i), i))
        if reverse:
            indexes = indexes[::-1]
        start, stop = 0, len(indexes)
        if after is not None:
            start = _cursor_position(indexes, after) + 1
        if before is not None:
            stop = _cursor_position(indexes, before)
        if from_end:
            lo = max(start, stop - size)
            chosen = indexes[lo:stop]
            has_next, has_previous = stop < len(indexes), lo > start
        else:
            chosen = indexes[start : min(stop, start + size)]
            has_next, has_previous = start + size < stop, start > 0
        nodes = []
        for i in chosen:
            order = shop.order(i)
            assert order is not None
            nodes.append(OrderView(shop, order))
        return connections.build(nodes, [str(ORDER_BASE + i) for i in chosen], has_next, has_previous)

    def product(self, info: Info, id: str) -> ProductView | None:
        shop = ctx(info).shop
        number = parse_gid(id, "Product")
        key = (number or 0) - PRODUCT_BASE
        return ProductView(shop, key) if 1 <= key <= len(shop.catalogue) else None

    def products(self, info: Info, query: str | None = None, **args: Any) -> dict[str, Any]:
        shop = ctx(info).shop
        keys = [p.key for p in shop.catalogue]
        for negated, fld, _op, value in parse_query(query):
            if fld in ("tag", "product_type", "title", "sku", "status", "gift_card"):
                keys = [k for k in keys if _product_match(shop, k, fld, value) != negated]
        return connections.from_list(keys, lambda k: ProductView(shop, k), **args)

    def productVariant(self, info: Info, id: str) -> VariantView | None:
        shop = ctx(info).shop
        number = parse_gid(id, "ProductVariant")
        found = shop.variants.get(number or -1)
        return VariantView(shop, found[0].key, found[1]) if found else None

    def customer(self, info: Info, id: str) -> CustomerView | None:
        shop = ctx(info).shop
        number = parse_gid(id, "Customer")
        return customer_view(shop, number) if number is not None else None

    def giftCard(self, info: Info, id: str) -> GiftCardView | None:
        shop = ctx(info).shop
        card = shop.gift_cards.get(parse_gid(id, "GiftCard") or -1)
        return GiftCardView(shop, card) if card else None

    def giftCards(self, info: Info, query: str | None = None, sortKey: str | None = None, reverse: bool = False,
                  **page: Any) -> dict[str, Any]:  # fmt: skip
        """The shop's gift cards matching ``created_at:>=`` and ``customer_id:`` terms, as the adapter looks for a
        card it may have issued before a lost answer (``_find_gift_card``); other terms are ignored."""
        shop = ctx(info).shop
        cards = [card for card in shop.gift_cards.values() if _card_matches(card, parse_query(query))]
        cards.sort(key=lambda card: (card.created_at, card.id) if sortKey != "ID" else (card.id,), reverse=reverse)
        return connections.from_list(cards, lambda card: GiftCardView(shop, card), **page)

    def fulfillmentOrder(self, info: Info, id: str) -> FulfillmentOrderView | None:
        shop = ctx(info).shop
        fo = shop.fulfillment_orders.get(parse_gid(id, "FulfillmentOrder") or -1)
        return FulfillmentOrderView(shop, fo) if fo else None

    def locations(self, info: Info, **args: Any) -> dict[str, Any]:
        """One warehouse, the place restocked returns go back to."""
        return connections.from_list([location()], lambda node: node, **args)

    def return_(self, info: Info, id: str) -> ReturnView | None:
        shop = ctx(info).shop
        ret = shop.returns.get(parse_gid(id, "Return") or -1)
        return ReturnView(shop, ret) if ret else None

    def reverseFulfillmentOrder(self, info: Info, id: str) -> ReverseFulfillmentOrderView | None:
        shop = ctx(info).shop
        rid = shop.rfo_to_return.get(parse_gid(id, "ReverseFulfillmentOrder") or -1)
        return ReverseFulfillmentOrderView(shop, shop.returns[rid]) if rid else None

    def returnableFulfillments(self, info: Info, orderId: str, **args: Any) -> dict[str, Any]:
        shop = ctx(info).shop
        number = parse_gid(orderId, "Order")
        order = shop.order_by_id(number) if number is not None else None
        if order is None:
            raise GraphQLError("Order does not exist.", extensions={"code": "NOT_FOUND"})
        items = [
            f
            for f in order.fulfillments
            if any(shop.returnable_quantity(shop.fulfillment_line_item_id(f.id, j)) for j in f.quantities)
        ]
        return connections.from_list(items, lambda f: ReturnableFulfillmentView(shop, order, f), **args)  # fmt: skip

    def webhookSubscriptions(self, info: Info, topics: list[str] | None = None, **args: Any) -> dict[str, Any]:
        shop = ctx(info).shop
        subs = [s for s in shop.subscriptions.values() if not topics or s.topic in topics]
        return connections.from_list(subs, SubscriptionView, **args)

    def nodes(self, info: Info, ids: list[str]) -> list[object]:
        """Each id's node, or null where there is none (a deleted product), in the order asked."""
        return [self.node(info, one) for one in ids]

    def node(self, info: Info, id: str) -> object:
        kind = id.split("/")[3] if id.startswith("gid://shopify/") and id.count("/") >= 4 else ""
        lookup = {
            "Order": self.order, "Product": self.product, "ProductVariant": self.productVariant,
            "Customer": self.customer, "GiftCard": self.giftCard, "FulfillmentOrder": self.fulfillmentOrder,
            "Return": self.return_, "ReverseFulfillmentOrder": self.reverseFulfillmentOrder,
        }  # fmt: skip
        if kind == "StoreCreditAccount":
            shop = ctx(info).shop
            account = shop.credit_accounts.get(parse_gid(id, kind) or -1)
            return CreditAccountView(shop, account) if account else None
        resolver = lookup.get(kind)
        return resolver(info, id) if resolver else None


def _product_match(shop: Shop, key: int, fld: str, value: str) -> bool:
    product = shop.catalogue[key - 1]
    value = value.lower()
    if fld == "tag":
        return value in product.tags
    if fld == "product_type":
        return product.product_type.lower() == value
    if fld == "sku":
        return any(v.sku.lower() == value for v in product.variants)
    if fld == "status":  # every seeded product is active
        return value == "active"
    if fld == "gift_card":  # and none is a gift card
        return value == "false"
    # Shopify matches ``title:*shirt*`` anywhere in the title (wildcards); a plain word is matched likewise here.
    return value.strip("*") in product.title.lower()


def _cursor_position(indexes: Sequence[int], cursor: str) -> int:
    """Where the cursor's order sits in ``indexes`` (O(1) for the unfiltered range)."""
    raw = connections.decode_cursor(cursor)
    index = int(raw) - ORDER_BASE if raw.isdigit() else -1
    try:
        return indexes.index(index)
    except ValueError:
        raise GraphQLError("Invalid cursor for current pagination sort.") from None


__all__ = ["QueryResolvers", "parse_query"]
