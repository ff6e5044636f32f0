"""``/wc/v3/products`` and ``/products/<id>/variations``: stock levels the connector reads and adjusts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import rest, serialize
from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.routes_orders import site
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Product, StockChange, Variation

blueprint = Blueprint("wc_products", __name__, url_prefix="/wp-json/wc/v3")
_BACKORDERS = ("no", "notify", "yes")
_STATUSES = ("draft", "pending", "private", "publish")


def _product(product_id: int) -> Product:
    product = shop().store.products.get(product_id)
    if product is None:
        raise ApiError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
    return product


def _variation(product: Product, variation_id: int) -> Variation:
    variation = shop().store.variations.get(variation_id)
    if variation is None or variation.parent_id != product.id:
        raise ApiError("woocommerce_rest_product_variation_invalid_id", "Invalid ID.", 404)
    return variation


def _apply_stock(record: Product | Variation, data: dict[str, Any], product_id: int, variation_id: int) -> None:
    the_shop = shop()
    now = the_shop.now()
    if "manage_stock" in data:
        record.manage_stock = rest.as_bool("manage_stock", data["manage_stock"])
    if "backorders" in data:
        record.backorders = rest.as_enum("backorders", data["backorders"], _BACKORDERS)
    if "stock_quantity" in data and data["stock_quantity"] is not None:
        quantity = rest.as_int("stock_quantity", data["stock_quantity"])
        delta = quantity - int(record.stock_quantity or 0)
        record.stock_quantity = quantity
        if delta:
            the_shop.store.stock_log.append(StockChange(now, product_id, variation_id, delta, quantity, "api", 0))
    if "regular_price" in data:
        record.price = rest.as_money("regular_price", data["regular_price"])
    if "status" in data:
        record.status = rest.as_enum("status", data["status"], _STATUSES)
    record.modified = now


@blueprint.get("/products")
def list_products() -> Response:
    store = shop().store
    p = rest.params()
    page, per_page, offset = rest.page_window(0)
    search = str(p.get("search") or "").lower()
    sku = str(p.get("sku") or "")
    status = rest.as_enum("status", p.get("status", "any"), ("any", *_STATUSES))
    include = {rest.as_int("include", v, 0) for v in rest.as_list("include", p.get("include", []))}
    with store.lock:
        found = [
            pr for pr in store.products.values()
            if (not search or search in pr.name.lower()) and (not include or pr.id in include)
            and status in ("any", pr.status)
            and (not sku or pr.sku == sku or any(store.variations[v].sku == sku for v in pr.variation_ids))
        ]  # fmt: skip
        found.sort(key=lambda pr: pr.id, reverse=rest.as_enum("order", p.get("order", "desc"), ("asc", "desc"))
                   == "desc")  # fmt: skip
        items = [rest.trim_fields(serialize.product(store, pr, site())) for pr in found[offset:offset + per_page]]
    return rest.paginated(items, len(found), page, per_page)


@blueprint.get("/products/<int:product_id>")
def read_product(product_id: int) -> Response:
    """A variation id works here too: WooCommerce answers it as a product of type ``variation``."""
    store = shop().store
    with store.lock:
        variation = store.variations.get(product_id)
        if variation is not None and product_id not in store.products:
            parent = store.products[variation.parent_id]
            name = f"{parent.name} - {', '.join(option for _, option in variation.attrs)}"
            return jsonify({**serialize.variation(variation, site()), "name": name, "type": "variation"})
        return jsonify(serialize.product(store, _product(product_id), site()))


@blueprint.route("/products/<int:product_id>", methods=["PUT", "PATCH", "POST"])
def put_product(product_id: int) -> Response:
    store = shop().store
    with store.lock:
        product = _product(product_id)
        _apply_stock(product, rest.body(), product.id, 0)
        store.emit("product", "updated", product.id)
        return jsonify(serialize.product(store, product, site()))


@blueprint.get("/products/<int:product_id>/variations")
def list_variations(product_id: int) -> Response:
    store = shop().store
    page, per_page, offset = rest.page_window(0)
    with store.lock:
        product = _product(product_id)
        variations = [store.variations[v] for v in product.variation_ids]
        items = [rest.trim_fields(serialize.variation(v, site())) for v in variations[offset:offset + per_page]]
    return rest.paginated(items, len(variations), page, per_page)


@blueprint.get("/products/<int:product_id>/variations/<int:variation_id>")
def read_variation(product_id: int, variation_id: int) -> Response:
    with shop().store.lock:
        return jsonify(serialize.variation(_variation(_product(product_id), variation_id), site()))


@blueprint.route("/products/<int:product_id>/variations/<int:variation_id>", methods=["PUT", "PATCH", "POST"])
def put_variation(product_id: int, variation_id: int) -> Response:
    store = shop().store
    with store.lock:
        product = _product(product_id)
        variation = _variation(product, variation_id)
        _apply_stock(variation, rest.body(), product.id, variation.id)
        store.emit("product", "updated", product.id)
        return jsonify(serialize.variation(variation, site()))
