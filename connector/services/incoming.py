"""Apply an event from a shop (webhook or poll), already translated by its adapter, to our state.

Events can repeat, arrive late or out of order. Each branch is therefore idempotent and never rolls a
return back: the state machine only moves forward, a platform return we already hold is not opened twice,
and an order snapshot older than the one we hold is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from connector.bootstrap import Container
from connector.domain.errors import DomainError
from connector.domain.events import Actor, ActorKind
from connector.domain.reasons import ReasonCode
from connector.domain.returns import Resolution, ReturnMethod
from connector.domain.states import ReturnStatus
from connector.ports import IncomingEvent
from connector.services.privacy import record_data_request
from connector.services.returns import LineInput, ReturnService

log = logging.getLogger("connector.incoming")
PLATFORM = Actor(ActorKind.PLATFORM, "webhook")
DESTRUCTIVE_KINDS = frozenset({"app_uninstalled", "customer_redact", "shop_redact"})
"""Deactivate or delete data: applied only when the signed body names the shop it is applied to."""


class IncomingEventHandler:
    def __init__(self, container: Container, service: ReturnService | None = None) -> None:
        self.container = container
        self.service = service or ReturnService(container)

    def apply(self, shop_id: str, event: IncomingEvent) -> str:
        """Returns a short word saying what happened, for the logs and the inbox row."""
        if event.kind in DESTRUCTIVE_KINDS and not self._names_its_shop(shop_id, event):
            log.warning("incoming.destructive-refused",
                        extra={"kind": event.kind, "shop": shop_id, "named": event.shop_named_in_body})
            return "refused-shop-not-named"
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is None:
            log.info("incoming.ignored", extra={"kind": event.kind, "shop": shop_id})
            return "ignored"
        result: str = handler(shop_id, event)
        return result

    def _names_its_shop(self, shop_id: str, event: IncomingEvent) -> bool:
        with self.container.uow() as uow:
            shop = uow.shops.find_by_id(shop_id)
        return shop is not None and event.shop_named_in_body == shop.address

    # -- orders ----------------------------------------------------------------------------------------

    def _on_order_changed(self, shop_id: str, event: IncomingEvent) -> str:
        with self.container.uow() as uow:
            uow.shops.get(shop_id)  # an unknown shop fails here, loudly
            if event.order is not None:
                written = uow.orders(shop_id).upsert(event.order)
            else:
                # A hint without a usable order: re-read it only when fresh data is next needed.
                uow.orders(shop_id).mark_stale(event.resource_id)
                uow.commit()
                return "order-marked-stale"
            uow.commit()
        return "order-updated" if written else "order-stale"

    def _on_order_deleted(self, shop_id: str, event: IncomingEvent) -> str:
        return "order-deleted-noted"

    # -- returns opened or changed at the shop (Shopify) ----------------------------------------------

    def _on_return_requested(self, shop_id: str, event: IncomingEvent) -> str:
        data: Mapping[str, Any] = event.data or {}
        platform_id = str(data.get("return_id") or event.resource_id)
        order_id = str(data.get("order_id") or "")
        with self.container.uow() as uow:
            if uow.returns(shop_id).get_by_platform_id(platform_id) is not None:
                return "return-known"
        exchanges = [str(v) for v in data.get("exchange_variant_ids") or []]
        lines = []
        for index, item in enumerate(data.get("lines") or []):
            resolution = (
                Resolution.exchange(variant_id=exchanges[min(index, len(exchanges) - 1)])
                if exchanges
                else Resolution.refund()
            )
            lines.append(
                LineInput(
                    order_line_id=str(item["order_line_id"]),
                    quantity=int(item["quantity"]),
                    reason=ReasonCode(item.get("reason") or ReasonCode.OTHER),
                    resolution=resolution,
                    customer_note=str(item.get("customer_note") or ""),
                    reason_handle=item.get("reason_handle"),
                    platform_line_id=str(item.get("id") or "") or None,
                )
            )
        if not lines or not order_id:
            log.warning("incoming.return-without-lines", extra={"return": platform_id})
            return "return-unusable"
        outcome = self.service.open_return(
            shop_id, order_id, lines, ReturnMethod.PREPAID_LABEL, PLATFORM, platform_return_id=platform_id,
        )
        return f"return-opened-{outcome.request.status.value}"

    def _transition(self, shop_id: str, event: IncomingEvent, action: str) -> str:
        data: Mapping[str, Any] = event.data or {}
        platform_id = str(data.get("return_id") or event.resource_id)
        with self.container.uow() as uow:
            request = uow.returns(shop_id).get_by_platform_id(platform_id)
        if request is None:
            if action == "approve":
                return self._on_return_requested(shop_id, event)
            return "return-unknown"
        if not request.can(action):
            # Already there or beyond: a duplicate, late or out-of-order event never rolls back.
            return f"return-{action}-skipped-{request.status.value}"
        try:
            if action == "approve":
                self.service.approve(shop_id, request.id, PLATFORM, "approved at the shop")
            elif action == "decline":
                reason = str(data.get("decline_note") or data.get("decline_reason") or "declined at the shop")
                self.service.decline(shop_id, request.id, PLATFORM, reason)
            elif action == "cancel":
                self.service.cancel(shop_id, request.id, PLATFORM, "canceled at the shop")
            elif action == "close":
                self._close(shop_id, request.id)
        except DomainError as exc:
            log.info("incoming.transition-refused", extra={"return": request.id, "why": str(exc)})
            return f"return-{action}-refused"
        return f"return-{action}d"

    def _close(self, shop_id: str, return_id: str) -> None:
        with self.container.uow() as uow:
            request = uow.returns(shop_id).get(return_id)
            if request is None or request.status is not ReturnStatus.RESOLVED:
                return
            request.close(PLATFORM, self.container.clock(), "closed at the shop")
            uow.returns(shop_id).save(request)
            uow.commit()

    def _on_return_approved(self, shop_id: str, event: IncomingEvent) -> str:
        return self._transition(shop_id, event, "approve")

    def _on_return_declined(self, shop_id: str, event: IncomingEvent) -> str:
        return self._transition(shop_id, event, "decline")

    def _on_return_canceled(self, shop_id: str, event: IncomingEvent) -> str:
        return self._transition(shop_id, event, "cancel")

    def _on_return_closed(self, shop_id: str, event: IncomingEvent) -> str:
        return self._transition(shop_id, event, "close")

    def _on_return_reopened(self, shop_id: str, event: IncomingEvent) -> str:
        return "return-reopen-noted"

    def _on_refund_created(self, shop_id: str, event: IncomingEvent) -> str:
        # Our own refunds are tracked by their actions; a refund made by hand at the shop changes the
        # order's refundable amounts, so refresh the snapshot the policy reads.
        data: Mapping[str, Any] = event.data or {}
        order_id = data.get("order_id")
        if not order_id:
            return "refund-noted"
        with self.container.uow() as uow:
            uow.orders(shop_id).mark_stale(str(order_id))
            uow.commit()
        return "refund-order-marked-stale"

    # -- the app and the law ----------------------------------------------------------------------------

    def _on_app_uninstalled(self, shop_id: str, event: IncomingEvent) -> str:
        with self.container.uow() as uow:
            uow.shops.set_active(shop_id, False)
            uow.shops.clear_credentials(shop_id)
            uow.commit()
        return "shop-deactivated"

    def _on_customer_redact(self, shop_id: str, event: IncomingEvent) -> str:
        data: Mapping[str, Any] = event.data or {}
        email = _customer_email(data)
        order_ids = _order_ids(data.get("orders_to_redact"))
        if not email and not order_ids:
            return "redact-no-customer"
        with self.container.uow() as uow:
            removed = uow.orders(shop_id).delete_for_email(email, order_ids)
            anonymised = uow.returns(shop_id).redact_customer(email, order_ids)
            uow.commit()
        return f"customer-redacted-{removed}-orders-{anonymised}-returns"

    def _on_shop_redact(self, shop_id: str, event: IncomingEvent) -> str:
        with self.container.uow() as uow:
            uow.shops.remove(shop_id)
            uow.commit()
        return "shop-redacted"

    def _on_customer_data_request(self, shop_id: str, event: IncomingEvent) -> str:
        """Keep an export of everything we hold on the customer, for the merchant to send on."""
        data: Mapping[str, Any] = event.data or {}
        email = _customer_email(data)
        if not email:
            return "data-request-no-email"
        request_id = (data.get("data_request") or {}).get("id")
        with self.container.uow() as uow:
            items = record_data_request(uow, shop_id, email, None if request_id is None else str(request_id))
            uow.commit()
        return f"data-request-exported-{items}-items"


def _customer_email(data: Mapping[str, Any]) -> str:
    """Compliance payloads carry ``customer: {id, email, phone}``; be lenient with a flat ``email``."""
    customer = data.get("customer") or {}
    return str((customer.get("email") if isinstance(customer, Mapping) else None) or data.get("email") or "")


def _order_ids(values: Any) -> list[str]:
    """Ids as the platform sent them and as Shopify GIDs, which is how we key Shopify orders."""
    found: list[str] = []
    for value in values or []:
        text = str(value)
        found.append(text)
        if text.isdigit():
            found.append(f"gid://shopify/Order/{text}")
    return found
