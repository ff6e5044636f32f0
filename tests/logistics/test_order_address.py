"""The order's shipping address, read from each platform's order and kept in the snapshot: it is where a return
parcel comes from (the label's sender, a pickup's address)."""

from __future__ import annotations

from dataclasses import replace

from connector.domain.shipping import PostalAddress
from connector.store import codec
from platforms.shopify import queries
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.mapping.orders import order_from_rest, postal_address
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.mapping import order_from_woo
from sandboxes.shopify.cli import start_in_thread as start_shopify
from sandboxes.shopify.options import SandboxOptions as ShopifyOptions
from sandboxes.woocommerce.app import start_in_thread as start_woocommerce
from sandboxes.woocommerce.shop import SandboxOptions as WooOptions
from tests.factories import order, order_line
from tests.shopify.helpers import load
from tests.woocommerce.conftest import order as woo_order

LYON = PostalAddress("Élodie Martin", "12 rue des Lilas, Bât. B", "69003", "Lyon", "FR", company="Atelier",
                     phone="+33 4 00 00 00 00")  # fmt: skip


def test_a_graphql_mailing_address() -> None:
    node = {"name": "Élodie Martin", "firstName": "Élodie", "lastName": "Martin", "company": "Atelier",
            "address1": "12 rue des Lilas", "address2": "Bât. B", "city": "Lyon", "zip": "69003",
            "countryCodeV2": "FR", "phone": "+33 4 00 00 00 00"}  # fmt: skip
    assert postal_address(node, "countryCodeV2") == LYON


def test_a_rest_webhook_address_and_an_order_that_ships_nowhere() -> None:
    payload = load("webhook_orders_updated.json")
    payload["shipping_address"] = {"first_name": "Élodie", "last_name": "Martin", "address1": "12 rue des Lilas",
                                   "city": "Lyon", "zip": "69003", "country_code": "fr"}  # fmt: skip
    mapped = order_from_rest(payload, "shop-1")
    assert mapped.shipping_address == PostalAddress("Élodie Martin", "12 rue des Lilas", "69003", "Lyon", "FR")
    assert postal_address({"countryCodeV2": "FR"}, "countryCodeV2") is None  # a country alone: no parcel address
    assert postal_address(None, "country_code") is None


def test_a_woocommerce_shipping_block() -> None:
    raw = woo_order()
    raw["shipping"] = {"first_name": "Élodie", "last_name": "Martin", "company": "Atelier",
                       "address_1": "12 rue des Lilas", "address_2": "Bât. B", "city": "Lyon", "postcode": "69003",
                       "country": "FR", "phone": "+33 4 00 00 00 00"}  # fmt: skip
    mapped = order_from_woo(raw, shop_id="shop-1")
    assert mapped.shipping_address == replace(LYON, email=mapped.email)
    raw["shipping"] = {"first_name": "", "address_1": "", "city": "", "postcode": "", "country": ""}
    assert order_from_woo(raw, shop_id="shop-1").shipping_address is None  # a virtual order


def test_the_snapshot_keeps_the_address_and_reads_one_stored_before_it() -> None:
    source = replace(order(order_line("L1")), shipping_address=LYON)
    assert codec.order_from_json(codec.order_to_json(source)) == source
    older = codec.order_to_json(source)
    del older["shipping_address"]
    assert codec.order_from_json(older).shipping_address is None


def test_both_sandbox_shops_give_the_address_over_http() -> None:
    """Through the real adapters: Shopify's ``shippingAddress`` (the query asks for the parcel fields) and
    WooCommerce's ``shipping`` block."""
    base, stop = start_shopify(ShopifyOptions(orders=2, seed=7))
    try:
        shopify = ShopifyAdapter("sandbox-shop.myshopify.com", lambda: "shpat_sandbox", shop_id="s", base_url=base)
        ids = shopify.client.query(queries.ORDER_IDS_PAGE, {"first": 1, "after": None, "query": None})["orders"]
        address = shopify.fetch_order(str(ids["nodes"][0]["id"])).shipping_address
        assert address is not None and address.street and address.postal_code and address.city and address.country
    finally:
        stop()
    key, secret = "ck_" + "a" * 40, "cs_" + "b" * 40
    base, stop = start_woocommerce(WooOptions(orders=2, seed=7, consumer_key=key, consumer_secret=secret))
    try:
        woo = WooCommerceAdapter(WooClient(base, key, secret, allow_private=True), shop_id="s")
        raw = next(iter(woo.client.paginate("orders", {"orderby": "id", "order": "asc"})))
        address = woo.fetch_order(str(raw["id"])).shipping_address
        assert address is not None and address.street and address.postal_code and address.email
    finally:
        stop()
