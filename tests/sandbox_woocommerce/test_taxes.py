"""Orders created over REST are taxed as WooCommerce 10.0.2 taxes them (``sandbox/taxes.py``).

Every figure below was seen on a real store (the issue 16 findings, question 6): a 25.00 variation, a
customer in California taxed at 7.25 %, prices entered without tax and with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from sandboxes.woocommerce import settings
from tests.sandbox_woocommerce.taxed_shop import KEY, SECRET, TaxedShop, serve_taxed_shop

ADDRESS = {"first_name": "Ada", "last_name": "L", "email": "ada@example.com", "country": "US", "state": "CA"}


@pytest.fixture(params=[False, True], ids=["prices-excl-tax", "prices-incl-tax"])
def shop(request: pytest.FixtureRequest) -> Iterator[TaxedShop]:
    yield from serve_taxed_shop({"M": Decimal("25.00")}, prices_include_tax=request.param, country="US",
                                rate="0.0725")  # fmt: skip


def _order(shop: TaxedShop, fees: list[dict[str, str]], quantity: int = 1) -> dict[str, Any]:
    line = {"product_id": shop.product_id, "variation_id": shop.variations["M"], "quantity": quantity}
    body = {"billing": ADDRESS, "shipping": ADDRESS, "line_items": [line], "fee_lines": fees}
    reply = requests.post(f"{shop.url}/wp-json/wc/v3/orders", json=body, auth=(KEY, SECRET), timeout=10)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def _figures(order: dict[str, Any]) -> tuple[tuple[str, ...], list[tuple[str, str]], str]:
    (line,) = order["line_items"]
    fees = [(fee["total"], fee["total_tax"]) for fee in order["fee_lines"]]
    return (line["subtotal"], line["subtotal_tax"], line["total"], line["total_tax"]), fees, order["total"]


def _included(shop: TaxedShop) -> bool:
    return settings.prices_include_tax(shop.store)


def test_a_line_without_prices_costs_the_catalogue_price(shop: TaxedShop) -> None:
    line, fees, total = _figures(_order(shop, []))
    if _included(shop):  # 25.00 with tax: its net is stored, the customer pays 25.00
        assert (line, total) == (("23.31", "1.69", "23.31", "1.69"), "25.00")
    else:
        assert (line, total) == (("25.00", "1.81", "25.00", "1.81"), "26.81")
    assert fees == []


@pytest.mark.parametrize("credit", ["-25.00", "-26.81", "-40.00"])
def test_a_negative_fee_is_capped_at_the_goods_and_takes_their_tax(shop: TaxedShop, credit: str) -> None:
    _, fees, total = _figures(_order(shop, [{"name": "Returned goods", "total": credit, "tax_status": "none"}]))
    assert fees == ([("-23.31", "-1.69")] if _included(shop) else [("-25.00", "-1.81")])
    assert total == "0.00"


@pytest.mark.parametrize("status", ["none", "taxable"])
def test_a_negative_fee_is_net_and_taxed_whatever_its_tax_status(shop: TaxedShop, status: str) -> None:
    _, fees, total = _figures(_order(shop, [{"name": "Returned goods", "total": "-10.00", "tax_status": status}]))
    if _included(shop):
        assert (fees, total) == ([("-10.00", "-0.72")], "14.28")
    else:
        assert (fees, total) == ([("-10.00", "-0.73")], "16.08")


@pytest.mark.parametrize("shop", [True], ids=["prices-incl-tax"], indirect=True)
def test_an_unrounded_fee_is_taxed_unrounded_and_the_total_rounded_once(shop: TaxedShop) -> None:
    """Four units; the credit 70.05 at 7.25 % is 65.314685 net: rounded first, it would leave a cent over.
    Only with prices including tax: the real store's figures were taken that way."""
    order = _order(shop, [{"name": "Returned goods", "total": "-65.314685", "tax_status": "taxable"}], quantity=4)
    line, fees, total = _figures(order)
    assert (line[0], line[1], fees, total) == ("93.24", "6.76", [("-65.31", "-4.74")], "29.95")
    rounded = _order(shop, [{"name": "Returned goods", "total": "-65.31", "tax_status": "taxable"}], quantity=4)
    assert _figures(rounded)[1:] == ([("-65.31", "-4.73")], "29.96")
