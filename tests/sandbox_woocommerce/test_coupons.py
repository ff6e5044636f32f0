"""Coupons as store credit: docs example, unique codes, restrictions enforced on use, Smart Coupons option.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-coupon (source
source/includes/wp-api-v3/_coupons.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from woocommerce import API

from tests.sandbox_woocommerce.conftest import KEY, SECRET, Woo


def test_docs_example_create_coupon(woo: Woo) -> None:
    response = woo.post("coupons", {"code": "10off", "discount_type": "percent", "amount": "10",
                                    "individual_use": True, "exclude_sale_items": True, "minimum_amount": "100.00"})
    assert response.status_code == 201
    coupon = response.json()
    assert coupon["code"] == "10off" and coupon["amount"] == "10.00" and coupon["discount_type"] == "percent"
    assert coupon["individual_use"] is True and coupon["exclude_sale_items"] is True
    assert coupon["minimum_amount"] == "100.00" and coupon["maximum_amount"] == "0.00"
    assert coupon["usage_count"] == 0 and coupon["used_by"] == [] and coupon["usage_limit"] is None
    assert coupon["date_expires"] is None and coupon["email_restrictions"] == []


def test_duplicate_code_is_rejected_case_insensitively(woo: Woo) -> None:
    assert woo.post("coupons", {"code": "RET-42", "amount": "5"}).status_code == 201
    dup = woo.post("coupons", {"code": "ret-42", "amount": "5"})
    assert dup.status_code == 400
    assert dup.json() == {"code": "woocommerce_rest_coupon_code_already_exists",
                          "message": "The coupon code already exists", "data": {"status": 400}}
    found = woo.get("coupons", params={"code": "RET-42"}).json()
    assert [c["code"] for c in found] == ["ret-42"]
    assert woo.post("coupons", {"amount": "5"}).json()["code"] == "rest_missing_callback_param"


def test_store_credit_coupon_fields_round_trip(woo: Woo) -> None:
    body = {"code": "RET-7", "discount_type": "fixed_cart", "amount": "25.50", "usage_limit": 1,
            "email_restrictions": ["Ann@Example.com"], "date_expires": "2030-01-31T23:59:59",
            "meta_data": [{"key": "_rma_return_id", "value": "7"}]}
    coupon = woo.post("coupons", body).json()
    assert coupon["amount"] == "25.50" and coupon["usage_limit"] == 1
    assert coupon["email_restrictions"] == ["ann@example.com"]
    assert coupon["date_expires"] == "2030-01-31T23:59:59" and coupon["date_expires_gmt"] == "2030-01-31T22:59:59"
    assert coupon["meta_data"][0]["key"] == "_rma_return_id"
    assert woo.sandbox("GET", "coupons")[-1]["code"] == "ret-7"


def _order_with_coupon(woo: Woo, code: str, email: str) -> Any:
    product = woo.get("products", params={"per_page": 1}).json()[0]
    # billed to a country with no tax rate: the coupon's own figures, untaxed (taxes: sandbox/taxes.py)
    return woo.post("orders", {"billing": {"email": email, "country": "CH"}, "set_paid": True,
                               "coupon_lines": [{"code": code}],
                               "line_items": [{"variation_id": product["variations"][0], "quantity": 1,
                                               "subtotal": "40.00", "total": "40.00"}]})


def test_fixed_cart_coupon_is_one_shot_and_email_bound(woo: Woo) -> None:
    woo.post("coupons", {"code": "RET-9", "discount_type": "fixed_cart", "amount": "15", "usage_limit": 1,
                         "email_restrictions": ["ann@example.com"]})
    wrong = _order_with_coupon(woo, "RET-9", "bob@example.com")
    assert wrong.status_code == 400 and wrong.json()["code"] == "woocommerce_rest_invalid_coupon"
    used = _order_with_coupon(woo, "RET-9", "ann@example.com")
    assert used.status_code == 201
    assert used.json()["total"] == "25.00" and used.json()["coupon_lines"][0]["discount"] == "15.00"
    again = _order_with_coupon(woo, "RET-9", "ann@example.com")
    assert again.status_code == 400 and "usage limit" in again.json()["message"]
    coupon = woo.get("coupons", params={"code": "RET-9"}).json()[0]
    assert coupon["usage_count"] == 1 and coupon["used_by"] == ["ann@example.com"]


def test_smart_coupon_type_needs_the_option(woo_factory: Any) -> None:
    plain = woo_factory(orders=5)
    refused = plain.post("coupons", {"code": "SC-1", "discount_type": "smart_coupon", "amount": "30"})
    assert refused.status_code == 400 and refused.json()["code"] == "rest_invalid_param"
    smart = woo_factory(orders=5, store_credit_type=True)
    assert smart.post("coupons", {"code": "SC-1", "discount_type": "smart_coupon", "amount": "30"}).status_code == 201
    first = _order_with_coupon(smart, "SC-1", "ann@example.com")
    assert first.status_code == 201 and first.json()["total"] == "10.00"
    assert smart.get("coupons", params={"code": "SC-1"}).json()[0]["amount"] == "0.00"  # balance drawn down
    second = _order_with_coupon(smart, "SC-1", "ann@example.com")
    assert second.status_code == 400


def test_unknown_coupon_is_404(woo: Woo) -> None:
    response = woo.get("coupons/999999")
    assert response.status_code == 404 and response.json()["code"] == "woocommerce_rest_shop_coupon_invalid_id"


def test_options_schema_reveals_smart_coupons(woo_factory: Any) -> None:
    plain = woo_factory(orders=3)
    schema = plain.session.options(plain.api + "coupons", timeout=10).json()
    assert schema["namespace"] == "wc/v3" and schema["methods"] == ["GET", "POST"]
    assert schema["schema"]["properties"]["discount_type"]["enum"] == ["percent", "fixed_cart", "fixed_product"]
    smart = woo_factory(orders=3, store_credit_type=True)
    api = API(url=smart.base_url, consumer_key=KEY, consumer_secret=SECRET, timeout=10)  # OAuth-signed OPTIONS
    enum = api.options("coupons").json()["schema"]["properties"]["discount_type"]["enum"]
    assert "smart_coupon" in enum


def test_expiry_is_set_by_date_expires_only(woo: Woo) -> None:
    """WooCommerce 10.0.2 ignores ``date_expires_gmt`` on write (the coupon never expires) and honours an
    offset in ``date_expires`` whatever the site's timezone (the sandbox runs on Europe/Paris)."""
    gmt_only = woo.post("coupons", {"code": "gmt-only", "amount": "5", "date_expires_gmt": "2030-01-31T23:59:59"})
    assert gmt_only.json()["date_expires"] is None and gmt_only.json()["date_expires_gmt"] is None
    with_offset = woo.post("coupons", {"code": "offset", "amount": "5", "date_expires": "2030-01-31T23:59:59+00:00"})
    assert with_offset.json()["date_expires_gmt"] == "2030-01-31T23:59:59"
    assert with_offset.json()["date_expires"] == "2030-02-01T00:59:59"


def test_an_expired_coupon_is_refused_on_an_order(woo: Woo) -> None:
    woo.post("coupons", {"code": "old", "discount_type": "fixed_cart", "amount": "5",
                         "date_expires": "2020-01-31T23:59:59+00:00"})
    refused = _order_with_coupon(woo, "old", "ann@example.com")
    assert refused.status_code == 400
    assert refused.json()["code"] == "woocommerce_rest_invalid_coupon"
    assert refused.json()["message"] == "Coupon &quot;old&quot; has expired."  # as the real store words it


def _taxed_order(woo: Woo, coupons: list[dict[str, str]]) -> Any:
    """40.00 net of goods billed to France (20% in the seed), optionally with coupons."""
    product = woo.get("products", params={"per_page": 1}).json()[0]
    reply = woo.post("orders", {"billing": {"email": "ann@example.com", "country": "FR"}, "coupon_lines": coupons,
                                "line_items": [{"variation_id": product["variations"][0], "quantity": 1,
                                                "subtotal": "40.00", "total": "40.00"}]})  # fmt: skip
    assert reply.status_code == 201, reply.text
    return reply.json()


@pytest.mark.parametrize(
    ("prices_include_tax", "total", "discount", "discount_tax"),
    [
        (False, "36.00", "10.00", "2.00"),  # off the net 40.00, then taxed: it saves 12.00
        (True, "38.00", "8.33", "1.67"),  # off 48.00 incl. tax: it saves exactly 10.00
    ],
)
def test_fixed_cart_meets_tax_as_the_store_settings_say(
    woo_factory: Any, prices_include_tax: bool, total: str, discount: str, discount_tax: str
) -> None:
    """WooCommerce 10.0.2 (``WC_Discounts`` + ``set_item_discount_amounts``): a 10.00 ``fixed_cart`` coupon is
    taken off the prices as entered, so it comes off before tax when they exclude it."""
    woo = woo_factory(orders=5, prices_include_tax=prices_include_tax)
    woo.post("coupons", {"code": "ten", "discount_type": "fixed_cart", "amount": "10"})
    plain, with_coupon = _taxed_order(woo, []), _taxed_order(woo, [{"code": "ten"}])
    assert (plain["total"], with_coupon["total"]) == ("48.00", total)
    line = with_coupon["coupon_lines"][0]
    assert (line["discount"], line["discount_tax"]) == (discount, discount_tax)
    assert (with_coupon["discount_total"], with_coupon["discount_tax"]) == (discount, discount_tax)
