"""Exchange orders priced and taxed by the shop (issue 16): the adapter against the sandbox, over HTTP.

The issue's case, seen on a real WooCommerce 10.0.2 store: a size L replacement priced 25.00 showed a
subtotal of 26.81 plus 1.94 tax, because the returned value (tax included) was sent as the line's pre-tax
``subtotal``. Now the line carries the product's own price, taxed by the store, and the returned goods are
one credit line; dearer, equal and cheaper replacements are checked in the shop's own records, for a store
whose prices are entered without tax (California, 7.25 %) and one whose prices include it (France, 20 %).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from connector.domain.actions import ExchangeInstruction, ExchangeItem, PlatformEffect
from connector.domain.money import Money
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from sandboxes.woocommerce.state import TaxRate
from tests.sandbox_woocommerce.taxed_shop import KEY, SECRET, TaxedShop, serve_taxed_shop

pytestmark = pytest.mark.e2e

PRICES = {"M": Decimal("25.00"), "L": Decimal("25.00"), "XL": Decimal("30.00"), "S": Decimal("20.00")}


class Shop(TaxedShop):
    def record(self, order_id: str | int) -> dict[str, Any]:
        """The shop's own record of an order (the sandbox's inspection route)."""
        reply = requests.get(f"{self.url}/__sandbox/orders/{order_id}", timeout=10)
        reply.raise_for_status()
        return dict(reply.json())

    def adapter(self) -> WooCommerceAdapter:
        return WooCommerceAdapter(WooClient(self.url, KEY, SECRET, allow_private=True), shop_id="shop-x")


def _serve(prices_include_tax: bool, country: str, rate: str) -> Iterator[Shop]:
    for shop in serve_taxed_shop(PRICES, prices_include_tax=prices_include_tax, country=country, rate=rate):
        yield Shop(shop.url, shop.store, shop.product_id, shop.variations)


@pytest.fixture
def excl_tax() -> Iterator[Shop]:
    yield from _serve(False, "US", "0.0725")


@pytest.fixture
def incl_tax() -> Iterator[Shop]:
    yield from _serve(True, "FR", "0.2")


def _original(shop: Shop, country: str, net: str | None = None) -> dict[str, Any]:
    """The customer's paid order for size M, created over REST as a checkout would leave it (``net``: the
    price net of the customer's own rate, as the checkout charges a customer outside the base country)."""
    address = {"first_name": "Ada", "last_name": "L", "email": "ada@example.com", "country": country}
    line: dict[str, Any] = {"product_id": shop.product_id, "variation_id": shop.variations["M"], "quantity": 1}
    if net is not None:
        line.update(subtotal=net, total=net)
    client = shop.adapter().client
    made = client.post("orders", {"billing": address, "shipping": address, "set_paid": True, "line_items": [line]})
    assert isinstance(made, dict)
    return made


def _exchange(shop: Shop, original: dict[str, Any], size: str, key: str) -> tuple[ExchangeInstruction, Money]:
    """The instruction the planner makes: the replacement at its price incl. tax (read through the adapter),
    the credit = what the customer paid for M, capped at the replacement's price (issue 15)."""
    adapter = shop.adapter()
    order = adapter.fetch_order(str(original["id"]))
    paid = order.lines[0].paid_for(1)
    price = adapter.variant_price(str(shop.variations[size]), order, str(shop.product_id))
    assert price is not None
    instruction = ExchangeInstruction(
        idempotency_key=key, order_id=order.id, return_id="R-16", customer_email=order.email,
        items=(ExchangeItem(str(shop.variations[size]), 1, price, str(shop.product_id)),),
        credit_value=paid.min(price),
    )  # fmt: skip
    return instruction, paid


def _made(shop: Shop, instruction: ExchangeInstruction) -> tuple[PlatformEffect, dict[str, Any]]:
    """Create the exchange through the adapter; its effect and the shop's record of the order made."""
    effect = shop.adapter().create_exchange(instruction)
    return effect, shop.record(effect.platform_id)


def _line(record: dict[str, Any]) -> tuple[str, str, str, str]:
    item = record["line_items"][0]
    return item["subtotal"], item["subtotal_tax"], item["total"], item["total_tax"]


def _fee(record: dict[str, Any]) -> tuple[str, str, str]:
    (fee,) = record["fee_lines"]
    return fee["name"], fee["total"], fee["total_tax"]


def _settles(shop: Shop, original: dict[str, Any], size: str) -> tuple[ExchangeInstruction, dict[str, Any]]:
    """Exchange the M of ``original`` for ``size``; checks the settlement issue 15 asks for, returns the record:
    the customer owes exactly the difference (pending, payment link) or nothing (paid by the goods), and a
    cheaper replacement's rest is left to the return's own refund (nothing refunded here)."""
    instruction, paid = _exchange(shop, original, size, f"r16:{size}")
    price = instruction.items[0].price
    effect, record = _made(shop, instruction)
    due = (price - paid).clamp_non_negative()
    assert Decimal(record["total"]) == due.amount
    assert record["status"] == ("pending" if due else "processing") and record["needs_payment"] is bool(due)
    assert effect.extra["amount_due"] == (str(due.amount) if due else "0")
    assert effect.extra["payment_url"] == record["payment_url"]
    assert effect.amount == paid.min(price)
    assert not shop.record(original["id"])["refunds"]
    assert shop.adapter().create_exchange(instruction).platform_id == effect.platform_id  # found, not made again
    return instruction, record


@pytest.mark.parametrize(
    ("size", "price", "line", "fee"),
    [
        ("L", "26.81", ("25.00", "1.81"), ("-25.00", "-1.81")),  # the case: not 26.81 + 1.94
        ("XL", "32.18", ("30.00", "2.18"), ("-25.00", "-1.81")),  # customer owes 5.37
        ("S", "21.45", ("20.00", "1.45"), ("-20.00", "-1.45")),  # the credit capped at the goods: 0.00 due
    ],
)
def test_excl_tax_store_shows_the_real_price_and_settles(
    excl_tax: Shop, size: str, price: str, line: tuple[str, str], fee: tuple[str, str]
) -> None:
    """California, prices without tax: M paid 25.00 + 1.81 = 26.81; the replacement at its own price + tax."""
    original = _original(excl_tax, "US")
    assert original["total"] == "26.81" and _line(original) == ("25.00", "1.81", "25.00", "1.81")
    instruction, record = _settles(excl_tax, original, size)
    assert instruction.items[0].price == Money(price, "EUR")  # the price as the customer pays it
    assert _line(record) == (*line, *line)
    assert _fee(record) == (f"Returned goods (order #{original['number']})", *fee)


@pytest.mark.parametrize(
    ("country", "net", "size", "line", "fee"),
    [
        ("FR", None, "L", ("20.83", "4.17"), ("-20.83", "-4.17")),  # 25.00 as WooCommerce shows it
        ("FR", None, "XL", ("25.00", "5.00"), ("-20.83", "-4.17")),  # 30.00: customer owes 5.00
        # a German customer of the French store pays 25.00 at checkout (19 %): a price-less line would
        # have cost 20.83 + 3.96 = 24.79, the exchange keeps the catalogue's 30.00
        ("DE", "21.008403", "XL", ("25.21", "4.79"), ("-21.01", "-3.99")),
    ],
)
def test_incl_tax_store_shows_the_real_price_and_settles(
    incl_tax: Shop, country: str, net: str | None, size: str, line: tuple[str, str], fee: tuple[str, str]
) -> None:
    """France, prices with 20 % tax: M paid 25.00."""
    incl_tax.store.tax_rates[2] = TaxRate(2, "DE", Decimal("0.19"), "MwSt")
    original = _original(incl_tax, country, net)
    assert original["total"] == "25.00" and original["prices_include_tax"] is True
    instruction, record = _settles(incl_tax, original, size)
    assert instruction.items[0].price == Money(str(PRICES[size]), "EUR")
    assert _line(record) == (*line, *line)
    assert _fee(record)[1:] == fee
