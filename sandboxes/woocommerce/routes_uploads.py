"""``/wp-content/uploads/sandbox/product-<id>.svg``: the products' pictures, served by the sandbox itself.

A real store's ``images[].src`` points into its media library under ``wp-content/uploads``; here each product
gets a small SVG swatch (``sandboxes.kit.swatches``) at the same kind of address, so a page showing it needs
nothing from the internet.
"""

from __future__ import annotations

from flask import Blueprint, Response

from sandboxes.kit import swatches

blueprint = Blueprint("wc_uploads", __name__, url_prefix="/wp-content/uploads/sandbox")


def image_path(product_id: int) -> str:
    return f"/wp-content/uploads/sandbox/product-{product_id}.svg"


@blueprint.get("/product-<int:product_id>.svg")
def product_image(product_id: int) -> Response:
    return Response(swatches.swatch_svg(product_id), mimetype=swatches.MIMETYPE)
