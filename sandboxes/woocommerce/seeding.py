"""Load the shared seed (``sandboxes.kit.seed``) into the WooCommerce store's own shapes.

WooCommerce keeps line amounts net of tax even when prices include tax, so seed gross lines are split
into net + tax. Every 25th order is paid by bank transfer (a gateway that cannot refund) so the connector
meets manual gateways too.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime, timedelta
from decimal import Decimal

from sandboxes.kit.seed import SeedOrder, SeedProduct, catalogue, orders, quantize
from sandboxes.woocommerce.state import (
    Coupon,
    CouponLine,
    Gateway,
    LineItem,
    Order,
    Product,
    ShippingLine,
    Store,
    TaxRate,
    Variation,
)
from sandboxes.woocommerce.terms import register_terms

GATEWAYS = (
    Gateway("stripe", "Credit card (Stripe)"),
    Gateway("paypal", "PayPal"),
    Gateway("bacs", "Direct bank transfer", supports_refunds=False),
    Gateway("cheque", "Check payments", supports_refunds=False),
    Gateway("cod", "Cash on delivery", supports_refunds=False),
)
_SEED_GATEWAY = {"shopify_payments": "stripe", "paypal": "paypal"}
_TAX_NAMES = {"FR": "TVA", "DE": "MwSt", "IT": "IVA", "ES": "IVA", "NL": "BTW", "US": "Sales Tax",
              "GB": "VAT", "JP": "JCT"}  # fmt: skip
_SEED_COUPONS = {"WELCOME10": 10, "SPRING15": 15, "VIP20": 20}


class _Interner:
    """Share equal Decimals between records: 100,000 orders hold a few thousand distinct amounts."""

    def __init__(self) -> None:
        self._pool: dict[Decimal, Decimal] = {}
        self.splits: dict[tuple[Decimal, Decimal, bool, str], tuple[Decimal, Decimal]] = {}
        self.names: dict[tuple[int, int], tuple[str, str, tuple[tuple[str, str], ...]]] = {}

    def __call__(self, value: Decimal) -> Decimal:
        return self._pool.setdefault(value, value)


def load(store: Store, seed: int, order_count: int, now: datetime) -> None:
    with store.lock:
        for gateway in GATEWAYS:  # a copy per shop: tests switch gateways off
            store.gateways.setdefault(gateway.id, dataclasses.replace(gateway))
        products = catalogue(seed)
        keys = _load_catalogue(store, products, now - timedelta(days=200))
        for code, pct in _SEED_COUPONS.items():
            coupon = Coupon(store.post_id(), code.lower(), "percent", Decimal(pct), now - timedelta(days=200),
                            now - timedelta(days=200), description=f"{pct}% off")  # fmt: skip
            store.coupons[coupon.id] = coupon
            store.coupon_codes[coupon.code] = coupon.id
        intern = _Interner()
        rates: dict[tuple[str, Decimal], int] = {}
        by_key = {p.key: p for p in products}
        for seed_order in orders(seed, order_count, products, now):
            _load_order(store, seed_order, by_key, keys, rates, intern)


def _load_catalogue(
    store: Store, products: list[SeedProduct], created: datetime
) -> dict[int, tuple[int, list[int]]]:
    """Returns seed product key -> (product id, variation ids by seed variant index)."""
    keys: dict[int, tuple[int, list[int]]] = {}
    for seed_product in products:
        options: dict[str, list[str]] = {}
        for variant in seed_product.variants:
            for name, value in variant.options:
                if value not in options.setdefault(name, []):
                    options[name].append(value)
        slug = seed_product.title.lower().replace(" ", "-") + f"-{seed_product.key}"
        product = Product(
            store.post_id(), seed_product.title, slug, f"P-{seed_product.key:03d}", "variable",
            seed_product.variants[0].price, list(options.items()), [], list(seed_product.tags), created, created,
        )  # fmt: skip
        if seed_product.final_sale:
            product.meta.append(store.meta("_final_sale", "yes"))
        product.categories = [seed_product.product_type, *(["Sale"] if seed_product.final_sale else [])]
        register_terms(store, product)
        store.products[product.id] = product
        for variant in seed_product.variants:
            record = Variation(store.post_id(), product.id, variant.sku, variant.price, variant.options, created,
                               created, stock_quantity=variant.stock)  # fmt: skip
            store.variations[record.id] = record
            product.variation_ids.append(record.id)
        keys[seed_product.key] = (product.id, list(product.variation_ids))
    return keys


def _tax_rate(store: Store, rates: dict[tuple[str, Decimal], int], country: str, rate: Decimal) -> int:
    key = (country, rate)
    if key not in rates:
        rate_id = len(store.tax_rates) + 1
        store.tax_rates[rate_id] = TaxRate(rate_id, country, rate, _TAX_NAMES.get(country, "Tax"))
        rates[key] = rate_id
    return rates[key]


def _load_order(
    store: Store, seed: SeedOrder, by_key: dict[int, SeedProduct], keys: dict[int, tuple[int, list[int]]],
    rates: dict[tuple[str, Decimal], int], intern: _Interner,
) -> None:  # fmt: skip
    cur = seed.currency
    lines: list[LineItem] = []
    rate_id = 0
    for seed_line in seed.lines:
        product_id, variation_ids = keys[seed_line.product_key]
        rate_key = (seed.country, seed_line.tax_rate)
        rate_id = rates.get(rate_key) or _tax_rate(store, rates, seed.country, seed_line.tax_rate)
        gross = seed_line.unit_price * seed_line.quantity
        split_key = (gross, seed_line.tax_rate, seed.taxes_included, cur)
        split = intern.splits.get(split_key)
        if split is None:  # (subtotal, subtotal_tax): the same few gross amounts recur across orders
            if seed.taxes_included:
                subtotal_tax = quantize(gross * seed_line.tax_rate / (1 + seed_line.tax_rate), cur)
                split = (intern(gross - subtotal_tax), intern(subtotal_tax))
            else:
                split = (intern(gross), intern(quantize(gross * seed_line.tax_rate, cur)))
            intern.splits[split_key] = split
        total = gross - seed_line.discount - (seed_line.tax if seed.taxes_included else 0)
        name_key = (seed_line.product_key, seed_line.variant_index)
        label = intern.names.get(name_key)
        if label is None:
            seed_product = by_key[seed_line.product_key]
            variant = seed_product.variants[seed_line.variant_index]
            label = (f"{seed_product.title} - {variant.title}", variant.sku, variant.options)
            intern.names[name_key] = label
        lines.append(LineItem(
            store.item_id(), label[0], product_id, variation_ids[seed_line.variant_index], seed_line.quantity,
            split[0], split[1], intern(total), intern(seed_line.tax), rate_id, label[1], label[2],
            reduced_stock=seed_line.quantity,
        ))  # fmt: skip
    ship_total = seed.shipping - seed.shipping_tax if seed.taxes_included else seed.shipping
    shipping = [ShippingLine(store.item_id(), "flat_rate", "Flat rate", intern(ship_total),
                             intern(seed.shipping_tax), rate_id if seed.shipping_tax else 0)]  # fmt: skip
    order_id = store.post_id()
    gateway = "bacs" if seed.number % 25 == 0 else _SEED_GATEWAY.get(seed.gateway, "stripe")
    complete = all(line.fulfilled_quantity >= line.quantity for line in seed.lines)
    completed = (seed.delivered_at or seed.fulfilled_at) if complete else None
    paid = seed.created_at + timedelta(minutes=1)
    customer_id = 0
    if seed.number % 3:
        customer_id = store.add_customer(seed.email, seed.first_name, seed.last_name).id
    order = Order(
        order_id, "completed" if completed else "processing", cur, seed.created_at,
        max(filter(None, (paid, seed.fulfilled_at, completed))), customer_id, seed.first_name, seed.last_name,
        seed.email, seed.country, gateway, store.gateways[gateway].title, seed.taxes_included,
        "wc_order_" + hashlib.sha256(f"{order_id}".encode()).hexdigest()[:13], lines, shipping, paid=paid,
        completed=completed, transaction_id=f"txn_{order_id}" if gateway != "bacs" else "", stock_reduced=True,
    )  # fmt: skip
    if seed.discount_code:
        order.coupon_lines = [CouponLine(
            store.item_id(), seed.discount_code.lower(),
            sum((line.subtotal - line.total for line in lines), Decimal(0)),
            sum((line.subtotal_tax - line.total_tax for line in lines), Decimal(0)),
        )]  # fmt: skip
        coupon = store.coupons[store.coupon_codes[seed.discount_code.lower()]]
        coupon.usage_count += 1
    store.orders[order_id] = order
