"""The sandbox's catalogue helpers: product pictures it serves itself, and stock a test can set.

* ``GET /__sandbox/images/product-<key>.svg``: a real shop's ``featuredMedia`` points at Shopify's CDN; here
  each product gets a small SVG swatch on the sandbox's own host, so a page showing it needs no internet.
* ``PUT /__sandbox/inventory/<variant id or GID>`` ``{"available": n}``: what a merchant's stock count does,
  for tests and demos that need a variant sold out (or back in stock).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from sandboxes.kit import swatches
from sandboxes.shopify.state import Shop, parse_gid


def image_url(product_key: int) -> str:
    """The picture's address on the host the request came to (the sandbox listens on a port of its own)."""
    return f"{request.host_url.rstrip('/')}/__sandbox/images/product-{product_key}.svg"


def blueprint(shop: Shop) -> Blueprint:
    bp = Blueprint("sandbox_catalogue", __name__, url_prefix="/__sandbox")

    @bp.get("/images/product-<int:key>.svg")
    def product_image(key: int) -> Response:
        return Response(swatches.swatch_svg(key), mimetype=swatches.MIMETYPE)

    @bp.put("/inventory/<path:ref>")
    def set_inventory(ref: str) -> Response:
        number = parse_gid(ref, "ProductVariant") if ref.startswith("gid://") else (int(ref) if ref.isdigit() else None)
        body = request.get_json(silent=True) or {}
        available = body.get("available")
        if number not in shop.variants or not isinstance(available, int) or isinstance(available, bool):
            response = jsonify({"error": "a known variant and an integer 'available' are needed"})
            response.status_code = 400
            return response
        with shop.lock:
            shop.inventory[number] = available
        return jsonify({"variant_id": number, "available": available})

    return bp
