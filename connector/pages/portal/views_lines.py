"""Screen 2: the order's lines, what each can be returned for and until when, and the customer's choices."""

from __future__ import annotations

from flask import render_template

from connector.pages.portal import bp
from connector.pages.portal.current import signer


@bp.route("/o/<access>", methods=["GET", "POST"])
def lines(shop_id: str, access: str) -> str:
    order = signer().read_order_access(access, shop_id)
    return render_template("portal/lines.html", order_id=order.order_id)
