"""A sandbox shop with one product in sizes at chosen prices and one tax rate, served on 127.0.0.1.

Tests that compare the sandbox's tax arithmetic with a real WooCommerce store's figures need its tax
settings and rates set before the first request (the REST API, like WooCommerce's, only reads them).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from werkzeug.serving import make_server

from sandboxes.woocommerce.app import create_app
from sandboxes.woocommerce.shop import SandboxOptions, shop_of
from sandboxes.woocommerce.state import Store, TaxRate

KEY, SECRET = "ck_" + "e" * 40, "cs_" + "f" * 40


@dataclass
class TaxedShop:
    url: str
    store: Store
    product_id: int
    variations: dict[str, int]  # size -> variation id


def serve_taxed_shop(
    prices: Mapping[str, Decimal], *, prices_include_tax: bool, country: str, rate: str
) -> Iterator[TaxedShop]:
    """Yield a running shop whose base country is ``country``, taxed at ``rate``; stop it afterwards."""
    app = create_app(SandboxOptions(orders=5, seed=3, consumer_key=KEY, consumer_secret=SECRET, currency="EUR",
                                    prices_include_tax=prices_include_tax))  # fmt: skip
    store = shop_of(app).store
    store.base_country = country
    store.tax_rates = {1: TaxRate(1, country, Decimal(rate), "Tax")}
    product = next(p for p in store.products.values() if len(p.variation_ids) >= len(prices))
    variations = dict(zip(prices, product.variation_ids, strict=False))
    for size, variation_id in variations.items():
        store.variations[variation_id].price = prices[size]
        store.variations[variation_id].stock_quantity = 10
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    shop_of(app).home_url = url
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield TaxedShop(url, store, product.id, variations)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        shop_of(app).dispatcher.stop()
