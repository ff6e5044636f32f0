"""Apply an event from a shop (webhook or poll), already translated by its adapter, to our state.

Events can repeat, arrive late or out of order. Each branch is therefore idempotent and never rolls a
return back: the state machine only moves forward, a platform return we already hold is not opened twice,
and an order snapshot older than the one we hold is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from connector.domain.actions import ActionKind
from connector.domain.errors import DomainError
from connector.domain.events import Actor, ActorKind
from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.shop_refunds import ShopRefund
from connector.domain.states import ReturnStatus
from connector.ports import EventKind, IncomingEvent
from connector.services.awaiting_payment import wake_exchanges_awaiting
from connector.services.deps import Deps
from connector.services.privacy import forget_customer_photos, record_data_request, redact_shop
from connector.services.return_link_note import offer_return_link
from connector.services.returns import LineInput, ReturnService
from connector.services.shop_refunds import attach_refunds_of_order, attach_shop_refund
from connector.store.actions_repo import ActionState

log = logging.getLogger("connector.incoming")
PLATFORM = Actor(ActorKind.PLATFORM, "webhook")
DESTRUCTIVE_KINDS = frozenset({EventKind.APP_UNINSTALLED, EventKind.CUSTOMER_REDACT, EventKind.SHOP_REDACT})
"""Deactivate or delete data: applied only when the signed body names the shop it is applied to."""


class IncomingEventHandler:
    def __init__(self, deps: Deps, service: ReturnService | None = None) -> None:
        self.deps = deps
        self.service = service or ReturnService(deps)

    def apply(self, shop_id: str, event: IncomingEvent) -> str:
        """Returns a short word saying what happened, for the logs and the inbox row."""
        if event.kind in DESTRUCTIVE_KINDS and not self._names_its_shop(shop_id, event):
            log.warning("incoming.destructive-refused",
                        extra={"kind": event.kind, "shop": shop_id, "named": event.shop_named_in_body})
            return "refused-shop-not-named"
        handler = HANDLERS.get(event.kind)
        if handler is None:
            # A kind an adapter emits but nobody handles: a bug to see in the logs, not an AttributeError.
            log.error("incoming.no-handler", extra={"kind": event.kind, "shop": shop_id})
            return "no-handler"
        return handler(self, shop_id, event)

    def _names_its_shop(self, shop_id: str, event: IncomingEvent) -> bool:
        with self.deps.uow() as uow:
            shop = uow.shops.find_by_id(shop_id)
        return shop is not None and event.shop_named_in_body == shop.address

    # -- orders ----------------------------------------------------------------------------------------

    def _on_order_changed(self, shop_id: str, event: IncomingEvent) -> str:
        with self.deps.uow() as uow:
            uow.shops.get(shop_id)  # an unknown shop fails here, loudly
            before = uow.orders(shop_id).get(event.resource_id)
            if event.order is not None:
                written = uow.orders(shop_id).upsert(event.order)
            else:
                # A hint without a usable order: re-read it only when fresh data is next needed.
                uow.orders(shop_id).mark_stale(event.resource_id)
                written = None
            uow.commit()
        result = "order-marked-stale" if written is None else "order-updated" if written else "order-stale"
        if offer_return_link(self.deps, shop_id, event, before):
            result += "-return-link-offered"
        if not (event.data or {}).get("own_write"):
            # A refund made by hand on the order screen (WooCommerce) settles the open return on its lines.
            attached = [r for r in attach_refunds_of_order(self.deps, shop_id, event.resource_id)
                        if r.startswith("refund-attached")]
            if attached:
                result += "-" + ",".join(attached)
            # Maybe the payment an exchange waits for (not our own write, which pays nothing): look now.
            if wake_exchanges_awaiting(self.deps, shop_id, event.resource_id):
                result += "-exchange-payment-checked"
        return result

    def _on_order_deleted(self, shop_id: str, event: IncomingEvent) -> str:
        return "order-deleted-noted"

    def _on_ignored(self, shop_id: str, event: IncomingEvent) -> str:
        log.info("incoming.ignored", extra={"kind": event.kind, "shop": shop_id})
        return "ignored"

    # -- returns opened or changed at the shop (Shopify) ----------------------------------------------

    def _on_return_requested(self, shop_id: str, event: IncomingEvent, declined: str | None = None) -> str:
        """A return opened at the shop; with ``declined``, one the merchant declined before we saw it."""
        data: Mapping[str, Any] = event.data or {}
        platform_id = str(data.get("return_id") or event.resource_id)
        order_id = str(data.get("order_id") or "")
        with self.deps.uow() as uow:
            if uow.returns(shop_id).get_by_platform_id(platform_id) is not None:
                return "return-known"
            fee = _shipping_fee(data, uow.orders(shop_id).get(order_id) if order_id else None)
        lines = _line_inputs(data)
        if not lines or not order_id:
            log.warning("incoming.return-without-lines", extra={"return": platform_id})
            return "return-unusable"
        outcome = self.service.open_return(
            shop_id, order_id, lines, ReturnMethod.PREPAID_LABEL, PLATFORM, platform_return_id=platform_id,
            shop_shipping_fee=fee, declined_at_shop=declined,
        )
        return f"return-opened-{outcome.request.status.value}"

    def _declined_unknown(self, shop_id: str, event: IncomingEvent) -> str:
        """A decline for a return we never saw: open it declined, so agents see it. ``returns/decline`` bodies
        carry no lines (Shopify's documented example has none), so the return is read from the shop."""
        data: Mapping[str, Any] = event.data or {}
        reason = _decline_text(data)
        if data.get("lines") and data.get("order_id"):
            return self._on_return_requested(shop_id, event, declined=reason)
        platform_id = str(data.get("return_id") or event.resource_id)
        with self.deps.uow() as uow:
            adapter = self.deps.adapter_for(uow, uow.shops.get(shop_id))
        fetch = getattr(adapter, "fetch_return", None)
        if fetch is None:
            return "return-unknown"
        found: ReturnRequest = fetch(platform_id)
        read = {
            "return_id": platform_id,
            "order_id": found.order_id,
            "lines": [
                {"order_line_id": line.order_line_id, "quantity": line.quantity, "reason": line.reason.value,
                 "reason_handle": line.reason_handle, "customer_note": line.customer_note,
                 "id": line.platform_line_id}
                for line in found.lines
            ],
        }
        return self._on_return_requested(shop_id, replace(event, data={**data, **read}), declined=reason)

    def _at_shop(self, shop_id: str, event: IncomingEvent, action: str) -> str | None:
        """Declined or closed in the shop's admin: ours follows, without telling the shop what it did.

        None when the plain transition applies (a close after we paid goes through ``_close``)."""
        data: Mapping[str, Any] = event.data or {}
        platform_id = str(data.get("return_id") or event.resource_id)
        with self.deps.uow() as uow:
            known = uow.returns(shop_id).get_by_platform_id(platform_id) is not None
        if not known:
            return self._declined_unknown(shop_id, event) if action == "decline_at_shop" else "return-unknown"
        with self.deps.uow() as uow:
            repo = uow.returns(shop_id)
            request = repo.get_by_platform_id(platform_id)
            if request is None:
                return "return-unknown"
            if action == "close_at_shop" and request.status is ReturnStatus.RESOLVED:
                return None
            word = action.removesuffix("_at_shop")
            if not request.can(action):
                return f"return-{word}-skipped-{request.status.value}"
            now = self.deps.clock()
            try:
                if action == "decline_at_shop":
                    request.decline_at_shop(PLATFORM, now, _decline_text(data))
                else:
                    request.close_at_shop(PLATFORM, now)
            except DomainError as exc:
                log.info("incoming.transition-refused", extra={"return": request.id, "why": str(exc)})
                return f"return-{word}-refused"
            # What we had still to tell the shop about this return no longer applies there.
            for record in uow.actions(shop_id).for_return(request.id):
                if record.state is ActionState.PENDING and record.kind in _STALE_AFTER_SHOP_DECISION:
                    uow.actions(shop_id).transition(
                        record.id, ActionState.PENDING, ActionState.SUCCEEDED,
                        result={"detail": f"not sent: the return was {request.status.value} at the shop"},
                    )
            repo.save(request)
            uow.commit()
        return f"return-{request.status.value}-at-shop"

    def _transition(self, shop_id: str, event: IncomingEvent, action: str) -> str:
        data: Mapping[str, Any] = event.data or {}
        platform_id = str(data.get("return_id") or event.resource_id)
        with self.deps.uow() as uow:
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
            elif action == "cancel":
                self.service.cancel(shop_id, request.id, PLATFORM, "canceled at the shop")
            elif action == "close":
                self._close(shop_id, request.id)
        except DomainError as exc:
            log.info("incoming.transition-refused", extra={"return": request.id, "why": str(exc)})
            return f"return-{action}-refused"
        return f"return-{action}d"

    def _close(self, shop_id: str, return_id: str) -> None:
        with self.deps.uow() as uow:
            request = uow.returns(shop_id).get(return_id)
            if request is None or request.status is not ReturnStatus.RESOLVED:
                return
            request.close(PLATFORM, self.deps.clock(), "closed at the shop")
            uow.returns(shop_id).save(request)
            uow.commit()

    def _on_return_approved(self, shop_id: str, event: IncomingEvent) -> str:
        return self._transition(shop_id, event, "approve")

    def _on_return_declined(self, shop_id: str, event: IncomingEvent) -> str:
        return self._at_shop(shop_id, event, "decline_at_shop") or "return-decline-skipped"

    def _on_return_canceled(self, shop_id: str, event: IncomingEvent) -> str:
        return self._transition(shop_id, event, "cancel")

    def _on_return_closed(self, shop_id: str, event: IncomingEvent) -> str:
        return self._at_shop(shop_id, event, "close_at_shop") or self._transition(shop_id, event, "close")

    def _on_return_reopened(self, shop_id: str, event: IncomingEvent) -> str:
        return "return-reopen-noted"

    def _on_refund_created(self, shop_id: str, event: IncomingEvent) -> str:
        """Our own refunds are tracked by their actions. One made by hand at the shop settles the return it
        names (or the open return on its lines), and changes the order's refundable amounts, so the
        snapshot the policy reads is refreshed either way."""
        data: Mapping[str, Any] = event.data or {}
        order_id = data.get("order_id")
        if not order_id:
            return "refund-noted"
        with self.deps.uow() as uow:
            uow.orders(shop_id).mark_stale(str(order_id))
            uow.commit()
        refund = data.get("refund")
        if isinstance(refund, ShopRefund):
            return attach_shop_refund(self.deps, shop_id, refund, self.service)
        return "refund-order-marked-stale"

    # -- the app and the law ----------------------------------------------------------------------------

    def _on_app_uninstalled(self, shop_id: str, event: IncomingEvent) -> str:
        with self.deps.uow() as uow:
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
        forget_customer_photos(self.deps, shop_id, email, order_ids)
        with self.deps.uow() as uow:
            removed = uow.orders(shop_id).delete_for_email(email, order_ids)
            anonymised = uow.returns(shop_id).redact_customer(email, order_ids)
            uow.commit()
        return f"customer-redacted-{removed}-orders-{anonymised}-returns"

    def _on_shop_redact(self, shop_id: str, event: IncomingEvent) -> str:
        redact_shop(self.deps, shop_id)
        return "shop-redacted"

    def _on_customer_data_request(self, shop_id: str, event: IncomingEvent) -> str:
        """Keep an export of everything we hold on the customer, for the merchant to send on."""
        data: Mapping[str, Any] = event.data or {}
        email = _customer_email(data)
        if not email:
            return "data-request-no-email"
        request_id = (data.get("data_request") or {}).get("id")
        with self.deps.uow() as uow:
            items = record_data_request(uow, shop_id, email, None if request_id is None else str(request_id))
            uow.commit()
        return f"data-request-exported-{items}-items"


Handler = Callable[[IncomingEventHandler, str, IncomingEvent], str]
HANDLERS: Mapping[EventKind, Handler] = MappingProxyType({
    EventKind.ORDER_CHANGED: IncomingEventHandler._on_order_changed,
    EventKind.ORDER_DELETED: IncomingEventHandler._on_order_deleted,
    EventKind.RETURN_REQUESTED: IncomingEventHandler._on_return_requested,
    EventKind.RETURN_APPROVED: IncomingEventHandler._on_return_approved,
    EventKind.RETURN_DECLINED: IncomingEventHandler._on_return_declined,
    EventKind.RETURN_CANCELED: IncomingEventHandler._on_return_canceled,
    EventKind.RETURN_CLOSED: IncomingEventHandler._on_return_closed,
    EventKind.RETURN_REOPENED: IncomingEventHandler._on_return_reopened,
    EventKind.REFUND_CREATED: IncomingEventHandler._on_refund_created,
    EventKind.APP_UNINSTALLED: IncomingEventHandler._on_app_uninstalled,
    EventKind.CUSTOMER_DATA_REQUEST: IncomingEventHandler._on_customer_data_request,
    EventKind.CUSTOMER_REDACT: IncomingEventHandler._on_customer_redact,
    EventKind.SHOP_REDACT: IncomingEventHandler._on_shop_redact,
    EventKind.IGNORED: IncomingEventHandler._on_ignored,
})
"""One handler per event kind, looked up by the event's kind (a test checks that every kind has one)."""

_STALE_AFTER_SHOP_DECISION = frozenset({ActionKind.APPROVE, ActionKind.DECLINE, ActionKind.CLOSE})


def _line_inputs(data: Mapping[str, Any]) -> list[LineInput]:
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
    return lines


def _shipping_fee(data: Mapping[str, Any], order: Any) -> Money | None:
    """The customer's return shipping fee named on the shop's return, in its currency (else the order's)."""
    fee = data.get("return_shipping_fee")
    if not isinstance(fee, Mapping):
        return None
    currency = fee.get("currency") or (order.currency if order is not None else None)
    return Money(str(fee.get("amount") or "0"), str(currency)) if currency else None


def _decline_text(data: Mapping[str, Any]) -> str:
    return str(data.get("decline_note") or data.get("decline_reason") or "declined at the shop")


def _customer_email(data: Mapping[str, Any]) -> str:
    """Compliance payloads carry ``customer: {id, email, phone}``; be lenient with a flat ``email``."""
    customer = data.get("customer") or {}
    return str((customer.get("email") if isinstance(customer, Mapping) else None) or data.get("email") or "")


def _order_ids(values: Any) -> list[str]:
    """The order ids a redaction names, in every spelling the platform's translator handed over."""
    return [str(value) for value in values or []]
