"""The portal's order lookup through the WooCommerce adapter: matching, and shop work that tells nothing.

"No such order" and "wrong e-mail" must cost the shop the same calls, or the portal's answer time says
whether an order exists (a missing order once cost two calls, a wrong e-mail one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

import responses

from platforms.woocommerce.adapter import WooCommerceAdapter
from tests.woocommerce.conftest import API, dump, order

NOT_FOUND = {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}


def _shapes(calls: Iterable[responses.Call], number: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each request as (method, path, query) with the order number replaced: what the two paths must share."""
    found = []
    for call in calls:
        url = urlsplit(call.request.url or "")
        query = [(key, "N" if value == number else value) for key, value in parse_qsl(url.query)]
        found.append((call.request.method or "", re.sub(rf"/{number}\b", "/N", url.path), sorted(query)))
    return found


def test_missing_order_and_wrong_email_cost_the_same_shop_calls(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/orders/727", body=dump(order()))
    rsps.get(f"{API}/orders/728", json=NOT_FOUND, status=404)
    rsps.get(f"{API}/orders", body=dump([]), headers={"X-WP-TotalPages": "1"})
    assert adapter.find_order("#727", "eve@example.com") is None  # the order exists, another e-mail
    wrong_email = _shapes(rsps.calls, "727")
    before = len(rsps.calls)
    assert adapter.find_order("#728", "john.doe@example.com") is None  # no such order
    missing = _shapes(list(rsps.calls)[before:], "728")
    assert len(wrong_email) == 2 and wrong_email == missing


def test_find_order_by_number_and_email(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders/727", body=dump(order()))
    rsps.get(f"{API}/products", body=dump([]))
    rsps.get(f"{API}/orders", body=dump([]), headers={"X-WP-TotalPages": "1"})
    assert adapter.find_order("#\xa0727", "JOHN.DOE@example.com ") is not None
    assert adapter.find_order("0727", "john.doe@example.com") is not None  # leading zeros: the same number
    assert adapter.find_order("727", "someone@else.example") is None


def test_find_order_with_custom_numbers(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders", body=dump([order(id=1234, number="WC-727")]), headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/products", body=dump([]))
    found = adapter.find_order("# wc-727", "john.doe@example.com")
    assert found is not None and found.id == "1234" and found.name == "WC-727"
    assert "search=wc-727" in (rsps.calls[0].request.url or "")  # the normal form, as the rate limit counts it
