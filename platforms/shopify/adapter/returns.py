"""The Shopify adapter's return lifecycle: read, create (``returnCreate``), approve, decline, close, cancel.

Each status change is a mutation; a refusal because the return is already in the wanted status counts as done
(``_transition``), so a retried job does not fail. Return reasons are the shop's definitions where the API
has them (2026-01+), read once per adapter, else the older enum.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.errors import PermanentError
from platforms.shopify import mapping, queries
from platforms.shopify.adapter.base import ShopifyAdapterBase
from platforms.shopify.errors import ShopifyUserError

log = logging.getLogger(__name__)


class ReturnsLifecycle(ShopifyAdapterBase):
    """Shopify returns, driven from our return requests."""

    def fetch_return(self, return_id: str) -> ReturnRequest:
        document = queries.RETURN if self._definitions() else queries.RETURN_ENUM_REASONS
        return mapping.return_from_graphql(self._return_node(return_id, document), self.shop_id)

    def create_return(self, request: ReturnRequest, order: Order) -> str | None:
        """``returnCreate`` (an OPEN return) for a return started in our portal; returns its GID."""
        returnable = self._returnable(order.id)
        return_input = mapping.return_create_input(request, returnable, self._definitions(), request.created_at)
        payload = self.client.mutate(queries.RETURN_CREATE, {"returnInput": return_input}, payload_key="returnCreate")
        return str(payload["return"]["id"])

    def approve_return(self, request: ReturnRequest) -> None:
        rid = self._platform_return(request)
        self._transition(
            queries.RETURN_APPROVE,
            {"input": {"id": rid, "notifyCustomer": False}},
            "returnApproveRequest",
            rid,
            "OPEN",
        )

    def decline_return(self, request: ReturnRequest, reason: str) -> None:
        rid = self._platform_return(request)
        self._transition(
            queries.RETURN_DECLINE,
            {"input": mapping.decline_input(rid, reason, True)},
            "returnDeclineRequest",
            rid,
            "DECLINED",
        )

    def close_return(self, request: ReturnRequest) -> None:
        rid = self._platform_return(request)
        self._transition(queries.RETURN_CLOSE, {"id": rid}, "returnClose", rid, "CLOSED")

    def cancel_return(self, request: ReturnRequest) -> None:
        rid = self._platform_return(request)
        self._transition(queries.RETURN_CANCEL, {"id": rid}, "returnCancel", rid, "CANCELED")

    def _platform_return(self, request: ReturnRequest) -> str:
        if not request.platform_return_id:
            raise PermanentError(f"return {request.id} has no Shopify return id")
        return request.platform_return_id

    def _transition(self, document: str, variables: Mapping[str, Any], key: str, rid: str, target: str) -> None:
        """Run a status mutation; a refusal because the return is already there counts as done."""
        try:
            self.client.mutate(document, variables, payload_key=key)
        except ShopifyUserError:
            status = (self.client.query(queries.RETURN_STATUS, {"id": rid}).get("return") or {}).get("status")
            if status != target:
                raise
            log.info("shopify.return.already", extra={"return": rid, "status": status})

    def _returnable(self, order_id: str) -> dict[str, list[tuple[str, int]]]:
        data = self.client.query(queries.RETURNABLE_FULFILLMENTS, {"orderId": mapping.gid("Order", order_id)})
        per_line: dict[str, list[tuple[str, int]]] = {}
        for fulfillment in mapping.nodes_of(data.get("returnableFulfillments")):
            for item in mapping.nodes_of(fulfillment.get("returnableFulfillmentLineItems")):
                fli = item.get("fulfillmentLineItem") or {}
                line = str((fli.get("lineItem") or {}).get("id"))
                per_line.setdefault(line, []).append((str(fli["id"]), int(item.get("quantity") or 0)))
        return per_line

    def _definitions(self) -> dict[str, str]:
        """Reason-definition handle → id, fetched once per adapter (2026-01+); empty when unsupported."""
        if self._reason_definitions is None:
            try:
                data = self.client.query(queries.RETURN_REASON_DEFINITIONS)
                nodes = mapping.nodes_of(data.get("returnReasonDefinitions"))
            except PermanentError:
                nodes = []  # older shop/API without definitions: fall back to the enum
            self._reason_definitions = {
                str(n["handle"]): str(n["id"]) for n in nodes if n.get("handle") and not n.get("deleted")
            }
        return self._reason_definitions
