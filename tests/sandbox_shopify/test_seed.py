"""The shared seed is deterministic, realistic enough for return flows, and money-correct."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from connector.domain.money import minor_units
from sandboxes.kit.seed import catalogue, orders

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_same_seed_same_data_other_seed_other_data() -> None:
    cat = catalogue(3)
    assert cat == catalogue(3)
    assert list(orders(3, 200, cat, NOW)) == list(orders(3, 200, catalogue(3), NOW))
    assert list(orders(3, 50, cat, NOW)) != list(orders(4, 50, cat, NOW))
    assert catalogue(3) != catalogue(4)


def test_catalogue_has_sized_coloured_variants_and_final_sale() -> None:
    cat = catalogue(11, products=40)
    assert len(cat) == 40
    assert any(p.final_sale for p in cat) and not all(p.final_sale for p in cat)
    for product in cat:
        assert ("final-sale" in product.tags) == product.final_sale
        assert len(product.variants) >= 2
        for variant in product.variants:
            assert dict(variant.options).keys() == {"Size", "Colour"}
            assert variant.stock >= 0 and variant.price > 0
    skus = [v.sku for p in cat for v in p.variants]
    assert len(skus) == len(set(skus))


def test_orders_money_is_rounded_to_minor_unit_and_mix_is_realistic() -> None:
    cat = catalogue(5)
    seen = list(orders(5, 3000, cat, NOW))
    assert [o.number for o in seen[:3]] == [1001, 1002, 1003]
    assert {"EUR", "USD", "GBP", "JPY"} <= {o.currency for o in seen}
    assert any(o.discount_code for o in seen) and any(o.shipping > 0 for o in seen)
    assert any(o.taxes_included for o in seen) and any(not o.taxes_included for o in seen)
    status = Counter(
        "none"
        if not any(ln.fulfilled_quantity for ln in o.lines)
        else "full"
        if all(ln.fulfilled_quantity == ln.quantity for ln in o.lines)
        else "partial"
        for o in seen
    )
    assert status["none"] > 0 and status["partial"] > 0 and status["full"] > status["partial"]
    assert any(o.fulfilled_at and o.delivered_at is None for o in seen)
    for order in seen:
        exp = Decimal(1).scaleb(-minor_units(order.currency))
        assert order.created_at >= NOW - timedelta(days=190) and order.created_at <= NOW
        if order.delivered_at:
            assert order.fulfilled_at and order.fulfilled_at < order.delivered_at <= NOW
        for amount in (order.shipping, order.shipping_tax):
            assert amount == amount.quantize(exp)
        for line in order.lines:
            assert 0 <= line.fulfilled_quantity <= line.quantity
            for amount in (line.unit_price, line.discount, line.tax):
                assert amount == amount.quantize(exp) and amount >= 0
            assert line.discount < line.unit_price * line.quantity
    jpy = next(o for o in seen if o.currency == "JPY")
    assert all(line.unit_price == line.unit_price.to_integral_value() for line in jpy.lines)


def test_orders_stream_lazily() -> None:
    stream = orders(1, 10**9, catalogue(1), NOW)
    first = next(stream)
    assert first.number == 1001
