"""What the store charges one order's buyer for a replacement, and how many it can promise: read from a product
or variation as WooCommerce answers it, for one replacement (``variant_price``, ``available_stock``) or a
catalogue of them (``catalogue``) alike.

The settings a price needs (the store's currency, whether its prices include tax, the order's tax rate) are
read once per ``ReplacementPrices``, however many variations it prices, and only when a price needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from connector.domain.money import Money
from platforms.woocommerce.exchange_order import price_with_tax
from platforms.woocommerce.mapping import money, to_int

_UNREAD: Any = object()


def promisable_stock(product: Any) -> int | None:
    """Units of a product or variation that can be promised now; None = not stock-managed or backorders
    allowed (no limit). Not published, not purchasable or out of stock: 0."""
    if not isinstance(product, Mapping):
        return 0
    if product.get("status") not in (None, "publish") or product.get("purchasable") is False:
        return 0
    if product.get("stock_status") == "outofstock":
        return 0
    managed = product.get("manage_stock") is True or product.get("manage_stock") == "parent"
    quantity = product.get("stock_quantity")
    if not managed or quantity is None:
        return None
    if product.get("backorders_allowed") is True:
        return None
    return max(0, to_int(quantity))


class ReplacementPrices:
    """The unit price (``price``: the sale price when on sale) of replacements for one order, in its currency and
    tax included as the customer pays it (``exchange_order.price_with_tax``).

    WooCommerce prices its catalogue in the store currency only; an order in another currency (a multi-currency
    plugin's) has no price the shop itself would quote, so None: the caller says so.
    """

    def __init__(
        self,
        currency: str,
        store_currency: Callable[[], str],
        prices_include_tax: Callable[[], bool],
        order_tax_rate: Callable[[], Decimal],
    ) -> None:
        self.currency = currency
        self._store_currency = store_currency
        self._prices_include_tax = prices_include_tax
        self._order_tax_rate = order_tax_rate
        self._sells_in_currency: bool | None = None
        self._added_rate: Decimal | None = _UNREAD

    def price(self, product: Any) -> Money | None:
        if self._sells_in_currency is None:
            self._sells_in_currency = self._store_currency() == self.currency
        if not isinstance(product, Mapping) or not self._sells_in_currency or product.get("price") in (None, ""):
            return None
        price = money(product.get("price"), self.currency)
        if product.get("tax_status") not in (None, "taxable"):
            return price
        rate = self._tax_added()
        return price if rate is None else price_with_tax(price, rate)

    def _tax_added(self) -> Decimal | None:
        """The order's rate, for a store whose prices are entered without tax (the exchange order adds it too);
        None when its prices include tax."""
        if self._added_rate is _UNREAD:
            self._added_rate = None if self._prices_include_tax() else self._order_tax_rate()
        return self._added_rate
