"""``/__sandbox/returns/<id>/process``: a merchant processing a return in Shopify's admin, refund included.

It goes through the same ``returnProcess`` code as the API (so the same ``refunds/create`` body, naming the
return, and ``returns/process`` webhooks go out) with what the admin fills in by default: every unprocessed
line, restocked at the shop's location (``restock: false`` to dispose), and a refund of those lines (at most
what is still refundable) to the order's first payment, less an optional return ``fee``.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, jsonify, request

from sandboxes.shopify import refunds
from sandboxes.shopify.context import Context
from sandboxes.shopify.resolvers_returns import _process
from sandboxes.shopify.state import LOCATION_ID, Shop, gid, parse_gid
from sandboxes.shopify.webhooks import Dispatcher

ADMIN_API_VERSION = "admin"


def register(bp: Blueprint, shop: Shop, dispatcher: Dispatcher) -> None:
    @bp.post("/returns/<ref>/process")
    def process_in_admin(ref: str) -> Response:
        body = request.get_json(silent=True) or {}
        restock = body.get("restock", True) is not False
        with shop.lock:
            ret = shop.returns.get(parse_gid(ref, "Return") or (int(ref) if ref.isdigit() else -1))
            if ret is None:
                return _answer({"error": "return not found"}, 404)
            order = shop.order(ret.order_index)
            assert order is not None
            lines, total = [], Decimal(0)
            for line_id in ret.lines:
                rl = shop.return_lines[line_id]
                quantity = rl.quantity - rl.processed
                if quantity <= 0:
                    continue
                subtotal, tax = refunds.line_share(order, rl.line_index, quantity)
                total += subtotal + tax
                disposition = {
                    "reverseFulfillmentOrderLineItemId": gid("ReverseFulfillmentOrderLineItem", rl.rfo_line_id),
                    "quantity": quantity,
                    "dispositionType": "RESTOCKED" if restock else "NOT_RESTOCKED",
                    "locationId": gid("Location", LOCATION_ID) if restock else None,
                }
                lines.append({"id": gid("ReturnLineItem", rl.id), "quantity": quantity, "dispositions": [disposition]})
            amount = min(total, shop.refundable_amount(order)) - Decimal(str(body.get("fee", "0")))
            parent = next((t for t in order.transactions if t.kind in ("SALE", "CAPTURE") and t.status == "SUCCESS"),
                          None)
            data: dict[str, object] = {"returnId": gid("Return", ret.id), "returnLineItems": lines,
                                       "note": body.get("note", "Refunded in the admin")}
            if parent is not None and amount > 0:
                data["financialTransfer"] = {"issueRefund": {"orderTransactions": [{
                    "parentId": gid("OrderTransaction", parent.id),
                    "transactionAmount": {"amount": str(amount), "currencyCode": order.currency},
                }]}}
            answer = _process(Context(shop, ADMIN_API_VERSION, dispatcher), data)
            if answer["userErrors"]:
                return _answer({"errors": answer["userErrors"]}, 422)
            return _answer({"return_id": gid("Return", ret.id), "refunds": [gid("Refund", r) for r in ret.refunds]})


def _answer(body: dict[str, object], status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response
