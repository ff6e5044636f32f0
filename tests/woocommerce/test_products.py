"""Product facts on WooCommerce order lines: one batched, cached product read per order."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connector.config import ConfigError, load_config_text
from connector.domain.orders import Platform, Shop
from connector.errors import RetryableError
from platforms.shopify.mapping import FINAL_SALE_TAGS
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.products import FinalSaleRule, ProductCatalog, facts_from_product
from platforms.woocommerce.settings import WooCommerceSettings, settings_of
from platforms.woocommerce.webhook_source import translate_webhook
from tests.woocommerce.conftest import API, dump, load, order


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _product_calls(mock: responses.RequestsMock) -> list[dict[str, list[str]]]:
    return [
        parse_qs(urlsplit(call.request.url or "").query)
        for call in mock.calls
        if urlsplit(call.request.url or "").path.endswith("/products")
    ]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(client: WooClient, clock: Clock, rsps: responses.RequestsMock) -> WooCommerceAdapter:
    adapter = WooCommerceAdapter(client, shop_id="shop-1")
    adapter.products.clock = clock
    rsps.get(f"{API}/orders/727", body=dump(order()))
    return adapter


def test_one_products_request_per_order_then_the_cache(
    shop: WooCommerceAdapter, rsps: responses.RequestsMock, clock: Clock
) -> None:
    rsps.get(f"{API}/products", body=dump(load("products_727.json")))
    first = shop.fetch_order("727")
    assert len(first.lines) == 3
    calls = _product_calls(rsps)
    assert len(calls) == 1
    assert calls[0]["include"] == ["22,40,93"] and calls[0]["per_page"] == ["100"]
    clock.now += 299  # within the 5 minutes
    assert shop.fetch_order("727") == first
    assert len(_product_calls(rsps)) == 1
    clock.now += 2  # expired
    shop.fetch_order("727")
    assert len(_product_calls(rsps)) == 2


def test_lines_carry_their_products_facts(shop: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/products", body=dump(load("products_727.json")))
    simple, variation, socks = shop.fetch_order("727").lines
    assert simple.tags == {"cotton"} and simple.product_type == "simple"
    assert simple.collections == {"clothing", "summer sale", "summer-sale"}
    assert not simple.final_sale  # _final_sale = "no"
    assert variation.product_type == "variable"  # a variation line has its parent's facts
    assert variation.tags == {"gift idea", "gift-idea"} and "t-shirts" in variation.collections
    assert variation.final_sale  # the parent's _final_sale = "yes"
    assert socks.final_sale and socks.tags == {"final sale", "final-sale"}  # by tag (its slug)


def test_a_deleted_product_leaves_its_line_without_facts_and_is_not_asked_again(
    shop: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    products = [p for p in load("products_727.json") if p["id"] != 40]
    rsps.get(f"{API}/products", body=dump(products))
    socks = shop.fetch_order("727").line("317")
    assert socks.tags == frozenset() and socks.product_type is None and not socks.final_sale
    shop.fetch_order("727")
    assert len(_product_calls(rsps)) == 1


def test_a_failed_product_read_fails_the_mapping(shop: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    """Never map without the facts: a final-sale item would become returnable. The caller retries."""
    rsps.get(f"{API}/products", json={"code": "internal_server_error", "message": "x", "data": {"status": 503}},
             status=503)
    with pytest.raises(RetryableError):
        shop.fetch_order("727")
    event = shop.translate_webhook("order.updated", order())
    assert event.kind == "order_changed" and event.order is None  # a hint: the core reads the order later


def test_webhook_orders_carry_product_facts(shop: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/products", body=dump(load("products_727.json")))
    event = shop.translate_webhook("order.created", order())
    assert event.order is not None and event.order.line("317").final_sale


def test_more_than_100_products_are_read_100_at_a_time(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/products", body=dump([]))
    catalog = ProductCatalog(client)
    found = catalog.facts_for(range(1, 151))
    assert len(found) == 150 and all(f is None for f in found.values())
    calls = _product_calls(rsps)
    assert [len(c["include"][0].split(",")) for c in calls] == [100, 50]


def test_the_cache_is_bounded(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/products", body=dump([]))
    catalog = ProductCatalog(client, max_entries=2)
    catalog.facts_for([1, 2])
    catalog.facts_for([3])  # 1 is the least recently used: dropped
    catalog.facts_for([2, 3])
    assert len(_product_calls(rsps)) == 2
    catalog.facts_for([1])
    assert len(_product_calls(rsps)) == 3


@pytest.mark.parametrize(
    ("meta", "tags", "rule", "final"),
    [
        ([{"id": 1, "key": "_final_sale", "value": "yes"}], [], FinalSaleRule(), True),
        ([{"id": 1, "key": "_final_sale", "value": "1"}], [], FinalSaleRule(), True),
        ([{"id": 1, "key": "_final_sale", "value": True}], [], FinalSaleRule(), True),
        ([{"id": 1, "key": "_final_sale", "value": "no"}], [], FinalSaleRule(), False),
        ([{"id": 1, "key": "_final_sale", "value": ""}], [], FinalSaleRule(), False),
        ([], [{"id": 3, "name": "finalsale", "slug": "finalsale"}], FinalSaleRule(), True),
        ([], [{"id": 3, "name": "Soldes finales", "slug": "soldes-finales"}], FinalSaleRule(), False),
        ([], [{"id": 3, "name": "Soldes finales", "slug": "soldes-finales"}],
         FinalSaleRule(frozenset({"Soldes Finales"})), True),
        ([{"id": 1, "key": "no_returns", "value": "yes"}], [], FinalSaleRule(meta_key="no_returns"), True),
        ([{"id": 1, "key": "_final_sale", "value": "yes"}], [], FinalSaleRule(meta_key=None), False),
    ],
)
def test_final_sale_by_tag_or_meta(meta: list[Any], tags: list[Any], rule: FinalSaleRule, final: bool) -> None:
    product = {"id": 5, "type": "simple", "tags": tags, "categories": [], "meta_data": meta}
    assert facts_from_product(product, rule).final_sale is final


def test_order_item_meta_counts_too(shop: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    raw = order()
    raw["line_items"][0]["meta_data"] = [{"id": 9, "key": "_final_sale", "value": "yes", "display_key": "",
                                          "display_value": "yes"}]
    rsps.get(f"{API}/products", body=dump([]))
    assert shop.translate_webhook("order.created", raw).order.line("315").final_sale  # type: ignore[union-attr]


def test_config_defaults_are_shopifys_final_sale_tags_and_are_validated() -> None:
    settings = WooCommerceSettings()
    assert frozenset(settings.final_sale_tags) == FINAL_SALE_TAGS
    assert settings.final_sale_meta_key == "_final_sale" and settings.product_cache_seconds == 300
    config = load_config_text('[woocommerce]\nfinal_sale_tags = ["no-returns"]\nfinal_sale_meta_key = ""\n')
    assert settings_of(config).final_sale_tags == ("no-returns",) and settings_of(config).final_sale_meta_key == ""
    for bad, key in [("final_sale_tags = [' ']", "woocommerce.final_sale_tags"),
                     ("final_sale_meta_key = 3", "woocommerce.final_sale_meta_key"),
                     ("product_cache_seconds = -1", "woocommerce.product_cache_seconds")]:
        with pytest.raises(ConfigError) as caught:
            load_config_text(f"[woocommerce]\n{bad}\n")
        assert key in str(caught.value)


class _Container:
    """Just what ``translate_webhook`` asks of the container."""

    def __init__(self, adapter: WooCommerceAdapter | None) -> None:
        self.adapter = adapter

    @contextlib.contextmanager
    def uow(self) -> Iterator[None]:
        yield None

    def adapter_for(self, _uow: None, _shop: Shop) -> WooCommerceAdapter | None:
        return self.adapter


def test_the_webhook_route_stores_orders_only_with_their_product_facts(
    shop: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/products", body=dump(load("products_727.json")))
    woo = Shop("shop-1", Platform.WOOCOMMERCE, "https://shop.example")
    event = translate_webhook(_Container(shop), woo, "order.created", order())  # type: ignore[arg-type]
    assert event.order is not None and event.order.line("317").final_sale
    without = translate_webhook(_Container(None), woo, "order.created", order())  # type: ignore[arg-type]
    assert without.kind == "order_changed" and without.order is None  # read later, by the adapter


def test_polling_reads_the_products_of_a_page_of_orders_at_once(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    first, second = order(id=1, number="1"), order(id=2, number="2")
    second["line_items"] = [{**second["line_items"][0], "id": 400, "product_id": 77}]
    rsps.get(f"{API}/orders", body=dump([first, second]), headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/products", body=dump(load("products_727.json")))
    seen = list(adapter.orders_changed_since(None))
    assert [o.id for o in seen] == ["1", "2"] and seen[0].line("317").final_sale
    assert [c["include"] for c in _product_calls(rsps)] == [["22,40,77,93"]]
