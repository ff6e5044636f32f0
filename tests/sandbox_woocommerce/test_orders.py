"""Orders contract: shapes from the WooCommerce REST docs, pagination headers, filters, writes.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#orders (source
woocommerce/woocommerce-rest-api-docs source/includes/wp-api-v3/_orders.md).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tests.sandbox_woocommerce.conftest import Woo

NAIVE_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def _first_variation(woo: Woo) -> tuple[int, int]:
    product = woo.get("products", params={"per_page": 1}).json()[0]
    return product["id"], product["variations"][0]


def test_order_shape_matches_docs(woo: Woo) -> None:
    order = woo.get("orders", params={"per_page": 1}).json()[0]
    for key in ("id", "parent_id", "number", "order_key", "created_via", "version", "status", "currency",
                "date_created", "date_created_gmt", "date_modified", "date_modified_gmt", "discount_total",
                "discount_tax", "shipping_total", "shipping_tax", "cart_tax", "total", "total_tax",
                "prices_include_tax", "customer_id", "billing", "shipping", "payment_method",
                "payment_method_title", "transaction_id", "date_paid_gmt", "date_completed_gmt", "meta_data",
                "line_items", "tax_lines", "shipping_lines", "fee_lines", "coupon_lines", "refunds", "_links"):
        assert key in order, key
    assert isinstance(order["id"], int) and order["number"] == str(order["id"])
    for key in ("date_created", "date_created_gmt", "date_modified_gmt", "date_paid_gmt"):
        assert NAIVE_DATE.match(order[key]), (key, order[key])
    assert order["date_created"] != order["date_created_gmt"]  # site time is Europe/Paris by default
    for key in ("total", "total_tax", "shipping_total", "discount_total"):
        assert MONEY.match(order[key])
    line = order["line_items"][0]
    for key in ("id", "name", "product_id", "variation_id", "quantity", "subtotal", "subtotal_tax", "total",
                "total_tax", "taxes", "sku", "price", "meta_data"):
        assert key in line, key
    assert isinstance(line["price"], float | int)  # a JSON number in WooCommerce, unlike the other amounts
    assert "@" in order["billing"]["email"]
    # totals add up from the items, as they do in WooCommerce
    items = sum(Decimal(li["total"]) + Decimal(li["total_tax"]) for li in order["line_items"])
    shipping = sum(Decimal(s["total"]) + Decimal(s["total_tax"]) for s in order["shipping_lines"])
    assert items + shipping == Decimal(order["total"])


def test_pagination_headers_and_link(woo: Woo) -> None:
    response = woo.get("orders", params={"per_page": 25, "page": 2})
    assert response.status_code == 200
    assert response.headers["X-WP-Total"] == "60"
    assert response.headers["X-WP-TotalPages"] == "3"
    assert 'rel="prev"' in response.headers["Link"] and 'rel="next"' in response.headers["Link"]
    assert len(response.json()) == 25
    pages = [woo.get("orders", params={"per_page": 25, "page": p}).json() for p in (1, 2, 3)]
    ids = [o["id"] for page in pages for o in page]
    assert len(ids) == len(set(ids)) == 60
    default = woo.get("orders")
    assert len(default.json()) == 10  # per_page defaults to 10
    past_end = woo.get("orders", params={"per_page": 25, "page": 4})
    assert past_end.status_code == 200 and past_end.json() == [] and "next" not in past_end.headers.get("Link", "")


def test_per_page_bounds_are_rest_invalid_param(woo: Woo) -> None:
    for value in ("0", "101", "abc"):
        response = woo.get("orders", params={"per_page": value})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "rest_invalid_param"
        assert body["data"]["status"] == 400 and "per_page" in body["data"]["params"]
    assert woo.get("orders", params={"per_page": 100}).status_code == 200


def test_default_order_is_date_desc_and_orderby_id_asc(woo: Woo) -> None:
    newest = woo.get("orders", params={"per_page": 100}).json()
    stamps = [o["date_created_gmt"] for o in newest]
    assert stamps == sorted(stamps, reverse=True)
    by_id = woo.get("orders", params={"per_page": 100, "orderby": "id", "order": "asc"}).json()
    assert [o["id"] for o in by_id] == sorted(o["id"] for o in by_id)
    assert woo.get("orders", params={"orderby": "nope"}).json()["code"] == "rest_invalid_param"


def test_incremental_sync_with_modified_after(woo: Woo) -> None:
    orders = woo.get("orders", params={"per_page": 100, "orderby": "modified", "order": "asc"}).json()
    stamp = orders[-1]["date_modified_gmt"]
    params = {"modified_after": stamp, "dates_are_gmt": "true", "orderby": "modified", "order": "asc"}
    assert woo.get("orders", params=params).json() == []
    target = orders[5]["id"]
    woo.sandbox("POST", f"orders/{target}/touch", json={})
    changed = woo.get("orders", params=params).json()
    assert [o["id"] for o in changed] == [target]
    assert changed[0]["date_modified_gmt"] > stamp


def test_status_and_search_filters(woo: Woo) -> None:
    completed = woo.get("orders", params={"status": "completed", "per_page": 100}).json()
    assert completed and all(o["status"] == "completed" for o in completed)
    email = completed[0]["billing"]["email"]
    found = woo.get("orders", params={"search": email}).json()
    assert completed[0]["id"] in [o["id"] for o in found]
    assert all(o["billing"]["email"] == email for o in found)
    assert woo.get("orders", params={"status": "bogus"}).status_code == 400


def test_get_unknown_order_is_404_in_woo_shape(woo: Woo) -> None:
    response = woo.get("orders/999999")
    assert response.status_code == 404
    assert response.json() == {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.",
                               "data": {"status": 404}}


def test_create_order_docs_example_with_set_paid_reduces_stock(woo: Woo) -> None:
    product_id, variation_id = _first_variation(woo)
    before = woo.get(f"products/{product_id}/variations/{variation_id}").json()["stock_quantity"]
    # The docs' "Create an order" example, with product ids from this shop.
    data: dict[str, Any] = {
        "payment_method": "bacs", "payment_method_title": "Direct Bank Transfer", "set_paid": True,
        "billing": {"first_name": "John", "last_name": "Doe", "address_1": "969 Market", "address_2": "",
                    "city": "San Francisco", "state": "CA", "postcode": "94103", "country": "US",
                    "email": "john.doe@example.com", "phone": "(555) 555-5555"},
        "shipping": {"first_name": "John", "last_name": "Doe", "address_1": "969 Market", "address_2": "",
                     "city": "San Francisco", "state": "CA", "postcode": "94103", "country": "US"},
        "line_items": [{"product_id": product_id, "variation_id": variation_id, "quantity": 2}],
        "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat Rate", "total": "10.00"}],
        "meta_data": [{"key": "_rma_original_order_id", "value": "123"}],
    }
    response = woo.post("orders", data)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "processing" and order["created_via"] == "rest-api"
    assert order["date_paid_gmt"] is not None
    assert order["billing"]["email"] == "john.doe@example.com"
    assert order["line_items"][0]["variation_id"] == variation_id and order["line_items"][0]["quantity"] == 2
    assert order["shipping_total"] == "10.00"
    assert order["meta_data"][0]["key"] == "_rma_original_order_id" and isinstance(order["meta_data"][0]["id"], int)
    after = woo.get(f"products/{product_id}/variations/{variation_id}").json()["stock_quantity"]
    assert after == before - 2
    stock = woo.sandbox("GET", "stock", params={"variation_id": variation_id})
    assert stock[-1]["delta"] == -2 and stock[-1]["order_id"] == order["id"]


def test_free_exchange_order_zero_prices(woo: Woo) -> None:
    product_id, variation_id = _first_variation(woo)
    order = woo.post("orders", {
        "status": "processing", "line_items": [{"variation_id": variation_id, "quantity": 1, "subtotal": "0",
                                                "total": "0"}],
        "billing": {"email": "x@example.com"}, "parent_id": 0,
    }).json()
    assert order["total"] == "0.00" and order["line_items"][0]["product_id"] == product_id


def test_create_order_rejects_unknown_product_and_customer(woo: Woo) -> None:
    bad = woo.post("orders", {"line_items": [{"product_id": 999999, "quantity": 1}]})
    assert bad.status_code == 400 and bad.json()["code"] == "woocommerce_rest_invalid_product_id"
    bad = woo.post("orders", {"customer_id": 987654})
    assert bad.status_code == 400 and bad.json()["code"] == "woocommerce_rest_invalid_customer_id"


def test_update_order_status_meta_and_note(woo: Woo) -> None:
    order = woo.get("orders", params={"status": "processing"}).json()[0]
    response = woo.put(f"orders/{order['id']}", {"status": "completed", "meta_data": [{"key": "_rma", "value": "R1"}]})
    assert response.status_code == 200
    updated = response.json()
    assert updated["status"] == "completed" and updated["date_completed_gmt"] is not None
    assert {"key": "_rma", "value": "R1"}.items() <= updated["meta_data"][-1].items()
    assert updated["date_modified_gmt"] >= order["date_modified_gmt"]
    note = woo.post(f"orders/{order['id']}/notes", {"note": "Return RMA-1 received", "customer_note": False})
    assert note.status_code == 201
    notes = woo.get(f"orders/{order['id']}/notes").json()
    assert notes[0]["note"] == "Return RMA-1 received"
    assert any("Processing to Completed" in n["note"] for n in notes)


def test_batch_reports_item_errors_with_200(woo: Woo) -> None:
    order = woo.get("orders").json()[0]
    response = woo.post("orders/batch", {"update": [{"id": order["id"], "customer_note": "hi"},
                                                    {"id": 999999, "customer_note": "x"}]})
    assert response.status_code == 200
    first, second = response.json()["update"]
    assert first["customer_note"] == "hi"
    assert second["error"]["code"] == "woocommerce_rest_shop_order_invalid_id"
    too_many = woo.post("orders/batch", {"delete": list(range(1, 102))})
    assert too_many.status_code == 413


def test_fields_param_trims_output(woo: Woo) -> None:
    orders = woo.get("orders", params={"_fields": "id,status"}).json()
    assert all(set(o) == {"id", "status"} for o in orders)


def test_trash_and_restore_via_delete(woo: Woo) -> None:
    order = woo.get("orders").json()[0]
    trashed = woo.delete(f"orders/{order['id']}")
    assert trashed.status_code == 200 and trashed.json()["status"] == "trash"
    assert order["id"] not in [o["id"] for o in woo.get("orders", params={"per_page": 100}).json()]
    restored = woo.sandbox("POST", f"orders/{order['id']}/untrash")
    assert restored["status"] == order["status"]
    woo.delete(f"orders/{order['id']}", params={"force": "true"})
    assert woo.get(f"orders/{order['id']}").status_code == 404


def test_customer_lookup(woo: Woo) -> None:
    order = next(o for o in woo.get("orders", params={"per_page": 100}).json() if o["customer_id"])
    customer = woo.get(f"customers/{order['customer_id']}").json()
    assert customer["email"] == order["billing"]["email"]
    by_email = woo.get("customers", params={"email": order["billing"]["email"]}).json()
    assert [c["id"] for c in by_email] == [order["customer_id"]]
    assert woo.get("customers/999999").status_code == 404
