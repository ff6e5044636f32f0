"""The portal's exchange step end to end over real HTTP, on each sandbox shop: a seeded order's line, its
product's other variants with their real prices, a sold-out one flagged and listed last, and the difference
with what one returned unit was paid; then another product found by its title.

The use case (``services.exchange_options``) runs against a real store (SQLite, migrated) and the platform's
real adapter, speaking to the sandbox on 127.0.0.1 as it would speak to the shop. Stock is set the way the
shop's own tools set it: WooCommerce's REST API, the Shopify sandbox's stock count (``/__sandbox/inventory``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain.exchange_options import CatalogueQuery
from connector.domain.money import Money
from connector.domain.orders import Order, OrderLine, Platform
from connector.policy import Decision, Policy
from connector.policy.model import ExchangeScope, Outcomes
from connector.ports import ShopAdapter
from connector.services.exchange_options import ExchangeChoices, exchange_options
from connector.services.policies import set_policy
from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from platforms.shopify import queries
from platforms.shopify.adapter import ShopifyAdapter
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from sandboxes.shopify.cli import start_in_thread as start_shopify
from sandboxes.shopify.options import SandboxOptions as ShopifyOptions
from sandboxes.woocommerce.app import start_in_thread as start_woocommerce
from sandboxes.woocommerce.shop import SandboxOptions as WooOptions

pytestmark = pytest.mark.e2e

SHOP = "shop-e2e"
KEY, SECRET = "ck_" + "a" * 40, "cs_" + "b" * 40


@dataclass(frozen=True)
class Picked:
    """A seeded order, one of its lines, and the variant of the same product a test sells out."""

    order: Order
    line: OrderLine
    sold_out: str


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    built = make_engine(sqlite_url)
    upgrade(built)
    yield built
    built.dispose()


def container_for(engine: Engine, platform: str, adapter: ShopAdapter) -> Container:
    """The process's container over a real store, the shop's adapter the one speaking to the sandbox; the policy
    lets a customer exchange for any product (the search)."""
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]),
                      adapter_factory=lambda _c, _s, _creds: adapter)  # fmt: skip
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(platform, "https://sandbox.example", shop_id=SHOP, credentials={"token": "sandbox"})
        outcomes = Outcomes(exchange_scope=ExchangeScope.ANY_PRODUCT)
        set_policy(uow, SHOP, Policy(name="any product", default_action=Decision.APPROVE, outcomes=outcomes))
        uow.commit()
    return built


def check_same_product(choices: ExchangeChoices, picked: Picked, adapter: ShopAdapter) -> None:
    """The line's other variants, the sold-out one flagged and after every one in stock, each with its price as
    ``variant_price`` reads it and the difference with one paid unit."""
    options = [p.option for p in choices.options]
    assert options and all(o.product_id == picked.line.product_id for o in options)
    assert picked.line.variant_id not in {o.variant_id for o in options}
    assert choices.paid_per_unit == picked.line.paid_for(1)
    sold_out = next(o for o in options if o.variant_id == picked.sold_out)
    assert sold_out.stock == 0 and not sold_out.in_stock
    flags = [o.in_stock for o in options]
    assert flags == sorted(flags, reverse=True)  # every option in stock comes before any sold out
    for priced in choices.options:
        assert priced.difference == priced.option.price - choices.paid_per_unit
        assert priced.option.price.currency == picked.order.currency
        assert {name for name, _ in priced.option.option_values} == {"Size", "Colour"}
    first = choices.options[0].option
    assert adapter.variant_price(first.variant_id, picked.order, first.product_id) == first.price


def check_search(choices: ExchangeChoices, picked: Picked) -> None:
    """Another product found by a word of its title, with a difference to pay or to receive."""
    assert choices.options and choices.other_products_allowed
    assert {p.option.product_id for p in choices.options} != {picked.line.product_id}
    assert any(p.difference for p in choices.options)
    assert all(p.difference == p.option.price - choices.paid_per_unit for p in choices.options)


# -- Shopify -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shopify() -> Iterator[tuple[str, ShopifyAdapter]]:
    base, stop = start_shopify(ShopifyOptions(orders=30, seed=7))
    try:
        yield base, ShopifyAdapter("sandbox-shop.myshopify.com", lambda: "shpat_sandbox", shop_id=SHOP, base_url=base)
    finally:
        stop()


def _shopify_pick(adapter: ShopifyAdapter) -> Picked:
    ids = adapter.client.query(queries.ORDER_IDS_PAGE, {"first": 30, "after": None, "query": None})["orders"]
    for node in ids["nodes"]:
        order = adapter.fetch_order(str(node["id"]))
        for line in order.lines:
            if not (order.country and line.product_id and line.variant_id):
                continue
            listed = adapter.exchange_options(order, CatalogueQuery.same_product(line.product_id))
            others = [o.variant_id for o in listed if o.variant_id != line.variant_id]
            if len(others) >= 2:
                return Picked(order, line, others[0])
    raise AssertionError("no seeded order has a line whose product has three variants")


def test_shopify_lists_a_lines_other_variants_and_other_products(
    shopify: tuple[str, ShopifyAdapter], engine: Engine
) -> None:
    base, adapter = shopify
    picked = _shopify_pick(adapter)
    answer = requests.put(f"{base}/__sandbox/inventory/{picked.sold_out}", json={"available": 0}, timeout=10)
    assert answer.status_code == 200, answer.text
    container = container_for(engine, Platform.SHOPIFY, adapter)

    choices = exchange_options(container, SHOP, picked.order.id, picked.line.id)
    check_same_product(choices, picked, adapter)

    other = next(o for o in _shopify_titles(adapter) if o not in picked.line.title)
    found = exchange_options(container, SHOP, picked.order.id, picked.line.id, search=other.split()[-1], limit=3)
    check_search(found, picked)


def _shopify_titles(adapter: ShopifyAdapter) -> list[str]:
    data = adapter.client.query("query Titles { products(first: 20) { nodes { title } } }", {})
    return [str(p["title"]) for p in data["products"]["nodes"]]


# -- WooCommerce ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def woocommerce() -> Iterator[WooCommerceAdapter]:
    base, stop = start_woocommerce(WooOptions(orders=30, seed=7, consumer_key=KEY, consumer_secret=SECRET))
    try:
        yield WooCommerceAdapter(WooClient(base, KEY, SECRET, allow_private=True), shop_id=SHOP,
                                 variation_cache_seconds=0)  # fmt: skip
    finally:
        stop()


def _woo_pick(adapter: WooCommerceAdapter) -> Picked:
    """An order in the store's currency (EUR) with a variation line whose product has three variations or more."""
    for raw in adapter.client.paginate("orders", {"orderby": "id", "order": "asc"}):
        if raw.get("currency") != "EUR":
            continue
        order = adapter.fetch_order(str(raw["id"]))
        for line in order.lines:
            if not line.product_id or line.variant_id == line.product_id:
                continue
            variations = adapter.client.get(f"products/{line.product_id}")["variations"]
            others = [str(v) for v in variations if str(v) != line.variant_id]
            if len(others) >= 2:
                return Picked(order, line, others[0])
    raise AssertionError("no seeded EUR order has a line whose product has three variations")


def test_woocommerce_lists_a_lines_other_variations_and_other_products(
    woocommerce: WooCommerceAdapter, engine: Engine
) -> None:
    adapter = woocommerce
    picked = _woo_pick(adapter)
    product = f"products/{picked.line.product_id}/variations"
    adapter.client.put(f"{product}/{picked.sold_out}", {"stock_quantity": 0, "manage_stock": True})
    dearer = next(str(v) for v in adapter.client.get(f"products/{picked.line.product_id}")["variations"]
                  if str(v) not in (picked.sold_out, picked.line.variant_id))  # fmt: skip
    paid = picked.line.paid_for(1)
    adapter.client.put(f"{product}/{dearer}", {"regular_price": str(paid.amount + Decimal("12.50"))})
    container = container_for(engine, Platform.WOOCOMMERCE, adapter)

    choices = exchange_options(container, SHOP, picked.order.id, picked.line.id)
    check_same_product(choices, picked, adapter)
    # The store's prices include tax (an EU store): the dearer size costs 12.50 more than the unit paid.
    assert next(p.difference for p in choices.options if p.option.variant_id == dearer) == Money("12.50", "EUR")

    names = [str(p["name"]) for p in adapter.client.get("products", {"per_page": 20})]
    other = next(name for name in names if name.split()[-1] not in picked.line.title)
    found = exchange_options(container, SHOP, picked.order.id, picked.line.id, search=other.split()[-1], limit=3)
    check_search(found, picked)
