"""The documented-shape check of sandbox webhook bodies (tests/shopify_webhook_schemas.py) bites where Shopify's
bodies differ, and lifts only what inferring a schema from one example invents."""

from __future__ import annotations

import pytest

from tests.shopify_published import PINNED_VERSION
from tests.shopify_webhook_schemas import WEBHOOKS_DIR, body_problems, documented_example

VENDORED = sorted(
    str(path.relative_to(WEBHOOKS_DIR / "schemas" / PINNED_VERSION).with_suffix(""))
    for path in (WEBHOOKS_DIR / "schemas" / PINNED_VERSION).rglob("*.json")
)


def test_a_refund_line_amount_as_a_string_is_refused() -> None:
    """What the sandbox sent before: Shopify's REST refund line carries ``subtotal`` as a JSON number."""
    assert body_problems("refunds/create", {"refund_line_items": [{"subtotal": "73.41", "total_tax": "12.24"}]}) == [
        "refunds/create refund_line_items/0/subtotal: '73.41' is not of type 'null', 'number'",
        "refunds/create refund_line_items/0/total_tax: '12.24' is not of type 'null', 'number'",
    ]
    assert body_problems("refunds/create", {"refund_line_items": [{"subtotal": 73.41, "total_tax": 12.24}]}) == []


def test_a_nested_shape_unlike_shopifys_is_refused() -> None:
    assert body_problems("returns/request", {"order": "gid://shopify/Order/1"}) != []
    assert body_problems("orders/updated", {"line_items": [{"price": 10}]}) != []  # a string in Shopify's bodies


def test_what_one_example_cannot_tell_is_not_held_against_a_body() -> None:
    """Keys the example had (required), its empty lists' items, its nulls' types, its whole numbers."""
    assert body_problems("returns/request", {"id": 1, "name": "#1001-R1",
                                             "return_line_items": [{"id": 2, "quantity": 1}]}) == []  # fmt: skip
    assert body_problems("customers/redact", {"customer": {"id": 1, "email": None, "phone": None}}) == []
    assert body_problems("orders/updated", {"tax_lines": [{"rate": 0.2}]}) == []


def test_a_topic_without_a_vendored_schema_is_a_problem() -> None:
    expected = f"products/update: no documented schema vendored for {PINNED_VERSION}"
    assert body_problems("products/update", {}) == [expected]


@pytest.mark.parametrize("topic", VENDORED)
def test_each_documented_example_has_its_own_documented_shape(topic: str) -> None:
    assert body_problems(topic, documented_example(topic)) == []
