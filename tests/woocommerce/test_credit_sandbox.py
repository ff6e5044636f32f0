"""Store credit against the sandbox, checked in the shop's own records (issue 16).

* Spending the credit saves exactly what it promised, whether the store's prices include tax or not.
* A coupon someone else made under our code is left alone: the customer gets a new, usable coupon, and a
  retry after a lost answer finds ours and never makes a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from connector.domain.actions import StoreCreditInstruction
from connector.domain.money import Money
from connector.errors import OutcomeUnknown
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.markers import coupon_code
from sandboxes.woocommerce.app import start_in_thread
from sandboxes.woocommerce.shop import SandboxOptions
from tests.sandbox_woocommerce.conftest import KEY, SECRET, Woo

EMAIL = "ann@example.com"


@pytest.fixture(params=[False, True], ids=["prices-exclude-tax", "prices-include-tax"])
def shop(request: pytest.FixtureRequest) -> Iterator[tuple[Woo, WooCommerceAdapter]]:
    base, stop = start_in_thread(SandboxOptions(orders=5, consumer_key=KEY, consumer_secret=SECRET,
                                                prices_include_tax=request.param))  # fmt: skip
    client = WooClient(base, KEY, SECRET, allow_private=True)
    yield Woo(base), WooCommerceAdapter(client, shop_id="s")
    client.close()
    stop()


def _order(woo: Woo, quantity: int, coupons: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """An order billed to France (20% in the seed) at the product's own price, taxed by the store."""
    product = woo.get("products", params={"per_page": 1}).json()[0]
    reply = woo.post("orders", {"billing": {"email": EMAIL, "country": "FR"}, "coupon_lines": coupons or [],
                                "line_items": [{"variation_id": product["variations"][0], "quantity": quantity}]})
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def _saved(order: dict[str, Any]) -> Decimal:
    """What the order's coupon took off, tax included, as the shop records it on the coupon line."""
    (line,) = order["coupon_lines"]
    return Decimal(line["discount"]) + Decimal(line["discount_tax"])


def _credit(order_id: str, key: str = "ret-1:credit:1") -> StoreCreditInstruction:
    return StoreCreditInstruction(key, EMAIL, None, Money("26.54", "EUR"), "R-1", order_id)


def test_spending_the_credit_saves_exactly_its_promise(shop: tuple[Woo, WooCommerceAdapter]) -> None:
    woo, adapter = shop
    returned = _order(woo, 1)
    effect = adapter.issue_store_credit(_credit(str(returned["id"])))
    assert effect.amount == Money("26.54", "EUR")
    code = effect.extra["code"]
    full, spent = _order(woo, 3), _order(woo, 3, [{"code": code}])
    assert _saved(spent) == Decimal("26.54")
    # the order total is rounded line by line (tax on the net, each rounded), so it may move a cent further
    assert abs(Decimal(full["total"]) - Decimal(spent["total"]) - Decimal("26.54")) <= Decimal("0.01")
    coupon = woo.get(f"coupons/{effect.platform_id}").json()
    assert "Worth 26.54 EUR" in coupon["description"]
    assert coupon["date_expires"] is not None  # the real store keeps only date_expires


def test_a_foreign_coupon_under_our_code_is_left_alone(shop: tuple[Woo, WooCommerceAdapter]) -> None:
    woo, adapter = shop
    returned = _order(woo, 1)
    derived = coupon_code("ret-1:credit:1")
    foreign = woo.post("coupons", {"code": derived, "discount_type": "fixed_cart", "amount": "1.00",
                                   "email_restrictions": ["someone.else@example.com"]}).json()  # fmt: skip
    effect = adapter.issue_store_credit(_credit(str(returned["id"])))
    assert effect.extra["code"] == derived + "-2" and effect.platform_id != str(foreign["id"])
    assert adapter.issue_store_credit(_credit(str(returned["id"]))).platform_id == effect.platform_id  # a retry
    ours = [c for c in woo.sandbox("GET", "coupons") if c["code"].startswith(derived.lower())]
    assert sorted(c["code"] for c in ours) == [derived.lower(), derived.lower() + "-2"]  # never a second credit
    assert _saved(_order(woo, 3, [{"code": effect.extra["code"]}])) == Decimal("26.54")  # usable, worth its promise
    assert woo.get(f"coupons/{foreign['id']}").json()["amount"] == "1.00"


def test_a_retry_after_a_lost_answer_finds_the_moved_credit(shop: tuple[Woo, WooCommerceAdapter]) -> None:
    """The coupon is written but its answer is lost (a dropped connection after the write): the retry walks
    the same codes past the foreign coupon, finds ours and makes no second one."""
    woo, adapter = shop
    returned = _order(woo, 1)
    derived = coupon_code("ret-1:credit:1")
    woo.post("coupons", {"code": derived, "amount": "1.00", "email_restrictions": ["someone.else@example.com"]})
    woo.sandbox("PUT", "faults", json={"timeout_after_write_rate": 1.0})
    with pytest.raises(OutcomeUnknown):
        adapter.issue_store_credit(_credit(str(returned["id"])))
    woo.sandbox("PUT", "faults", json={"timeout_after_write_rate": 0.0})
    found = adapter.find_store_credit(_credit(str(returned["id"])))
    assert found is not None and found.extra["code"] == derived + "-2"
    assert adapter.issue_store_credit(_credit(str(returned["id"]))).platform_id == found.platform_id
    codes = sorted(c["code"] for c in woo.sandbox("GET", "coupons") if c["code"].startswith(derived.lower()))
    assert codes == [derived.lower(), derived.lower() + "-2"]
