"""One entry per action kind: how the executor performs it at the shop, and how it looks for an earlier effect.

Why one table: ``perform`` and ``find`` used to be two parallel if-chains in the executor, so a kind could gain
one and silently miss the other. Here each kind is a single entry holding both (``find`` may be "nothing to
find"), beside the kinds it waits for, and a test checks that every ``ActionKind`` has its entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TypeVar

from connector.domain.actions import ActionKind, ExchangeInstruction, PlatformEffect, RefundInstruction
from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.errors import PermanentError
from connector.ports import ShopAdapter, WritesReturnLinkNotes
from connector.services import instructions
from connector.store.actions_repo import ActionRecord

_Named = TypeVar("_Named", RefundInstruction, ExchangeInstruction)


@dataclass(frozen=True, slots=True)
class ActionCall:
    """What one attempt of an action may use. ``read_order`` reads the order's current snapshot in its own
    transaction (a return is created at the shop from it), so no transaction is held open across the call."""

    adapter: ShopAdapter
    shop: Shop
    record: ActionRecord
    request: ReturnRequest | None
    read_order: Callable[[str], Order]


Perform = Callable[[ActionCall], PlatformEffect]
Find = Callable[[ShopAdapter, ActionRecord, "ReturnRequest | None"], "PlatformEffect | None"]


@dataclass(frozen=True, slots=True)
class ActionEntry:
    """How one kind of action is performed, and how its effect is found after an unknown outcome."""

    perform: Perform
    find: Find


def nothing_to_find(adapter: ShopAdapter, record: ActionRecord, request: ReturnRequest | None) -> None:
    """A kind whose repetition is harmless (or refused by the shop's state): performed again, never looked for."""
    return None


# -- money and stock: found by their idempotency key -------------------------------------------------------


def _perform_refund(call: ActionCall) -> PlatformEffect:
    return call.adapter.refund(_naming_the_return(instructions.refund_from_json(call.record.payload), call))


def _find_refund(adapter: ShopAdapter, record: ActionRecord, request: ReturnRequest | None) -> PlatformEffect | None:
    instruction = instructions.refund_from_json(record.payload)
    return adapter.find_refund(instruction.order_id, instruction.idempotency_key)


def _perform_store_credit(call: ActionCall) -> PlatformEffect:
    return call.adapter.issue_store_credit(instructions.credit_from_json(call.record.payload))


def _find_store_credit(
    adapter: ShopAdapter, record: ActionRecord, request: ReturnRequest | None
) -> PlatformEffect | None:
    return adapter.find_store_credit(instructions.credit_from_json(record.payload))


def _perform_exchange(call: ActionCall) -> PlatformEffect:
    return call.adapter.create_exchange(_naming_the_return(instructions.exchange_from_json(call.record.payload), call))


def _find_exchange(adapter: ShopAdapter, record: ActionRecord, request: ReturnRequest | None) -> PlatformEffect | None:
    return adapter.find_exchange(instructions.exchange_from_json(record.payload))


def _perform_restock(call: ActionCall) -> PlatformEffect:
    return call.adapter.restock(instructions.refund_from_json(call.record.payload))


def _find_restock(adapter: ShopAdapter, record: ActionRecord, request: ReturnRequest | None) -> PlatformEffect | None:
    return adapter.find_restock(instructions.refund_from_json(record.payload))


# -- the return's own steps: they need the return --------------------------------------------------------------


def _perform_create_return(call: ActionCall) -> PlatformEffect:
    request = _required_return(call)
    created = call.adapter.create_return(request, call.read_order(request.order_id))
    return PlatformEffect(call.record.kind, created or "")


def _perform_approve(call: ActionCall) -> PlatformEffect:
    call.adapter.approve_return(_required_return(call))
    return _done_on_return(call)


def _perform_decline(call: ActionCall) -> PlatformEffect:
    request = _required_return(call)
    call.adapter.decline_return(request, str(call.record.payload.get("reason") or request.decline_reason or ""))
    return _done_on_return(call)


def _perform_close(call: ActionCall) -> PlatformEffect:
    call.adapter.close_return(_required_return(call))
    return _done_on_return(call)


def _perform_cancel(call: ActionCall) -> PlatformEffect:
    call.adapter.cancel_return(_required_return(call))
    return _done_on_return(call)


def _perform_note(call: ActionCall) -> PlatformEffect:
    request = _required_return(call)
    call.adapter.add_order_note(request.order_id, str(call.record.payload.get("text", "")))
    return _done_on_return(call)


# -- the order's own notes: written before any return exists -----------------------------------------------------


def _perform_return_link_note(call: ActionCall) -> PlatformEffect:
    """Looked for first, on every attempt, not only after an unknown outcome: the note is e-mailed to the
    customer, so a second one is a second e-mail, and reading the order's notes costs one call."""
    earlier = _find_return_link_note(call.adapter, call.record, call.request)
    if earlier is not None:
        return earlier
    order = call.read_order(_linked_order_id(call.record))
    return PlatformEffect(call.record.kind, _return_link_notes(call.adapter).add_return_link_note(order))


def _find_return_link_note(
    adapter: ShopAdapter, record: ActionRecord, request: ReturnRequest | None
) -> PlatformEffect | None:
    found = _return_link_notes(adapter).find_return_link_note(_linked_order_id(record))
    return None if found is None else PlatformEffect(record.kind, found)


def _linked_order_id(record: ActionRecord) -> str:
    order_id = str(record.payload.get("order_id") or "")
    if not order_id:
        raise PermanentError(f"action {record.id} does not name its order")
    return order_id


def _return_link_notes(adapter: ShopAdapter) -> WritesReturnLinkNotes:
    if not isinstance(adapter, WritesReturnLinkNotes):
        raise PermanentError("this shop's adapter cannot write the return link for the customer")
    return adapter


def _perform_unsupported(call: ActionCall) -> PlatformEffect:
    """Notifications are recorded but not sent by the executor: refused, so the action fails visibly."""
    _required_return(call)
    raise PermanentError(f"no executor for action kind {call.record.kind}")


def _required_return(call: ActionCall) -> ReturnRequest:
    if call.request is None:
        raise PermanentError(f"action {call.record.id} has no return")
    return call.request


def _platform_return_id(call: ActionCall) -> str | None:
    return call.request.platform_return_id if call.request else None


def _naming_the_return(instruction: _Named, call: ActionCall) -> _Named:
    """The shop's return id, when the instruction was recorded before the return existed at the shop."""
    platform_return_id = _platform_return_id(call)
    if platform_return_id and not instruction.platform_return_id:
        return replace(instruction, platform_return_id=platform_return_id)
    return instruction


def _done_on_return(call: ActionCall) -> PlatformEffect:
    return PlatformEffect(call.record.kind, _platform_return_id(call) or "")


ACTIONS: Mapping[ActionKind, ActionEntry] = MappingProxyType(
    {
        ActionKind.REFUND: ActionEntry(_perform_refund, _find_refund),
        ActionKind.STORE_CREDIT: ActionEntry(_perform_store_credit, _find_store_credit),
        ActionKind.EXCHANGE: ActionEntry(_perform_exchange, _find_exchange),
        ActionKind.RESTOCK: ActionEntry(_perform_restock, _find_restock),
        ActionKind.CREATE_RETURN: ActionEntry(_perform_create_return, nothing_to_find),
        ActionKind.APPROVE: ActionEntry(_perform_approve, nothing_to_find),
        ActionKind.DECLINE: ActionEntry(_perform_decline, nothing_to_find),
        ActionKind.CLOSE: ActionEntry(_perform_close, nothing_to_find),
        ActionKind.CANCEL: ActionEntry(_perform_cancel, nothing_to_find),
        ActionKind.NOTE: ActionEntry(_perform_note, nothing_to_find),
        ActionKind.NOTIFY: ActionEntry(_perform_unsupported, nothing_to_find),
        ActionKind.RETURN_LINK_NOTE: ActionEntry(_perform_return_link_note, _find_return_link_note),
    }
)

ORDERED_BEFORE: Mapping[ActionKind, frozenset[ActionKind]] = MappingProxyType(
    {
        ActionKind.APPROVE: frozenset({ActionKind.CREATE_RETURN}),
        ActionKind.REFUND: frozenset({ActionKind.CREATE_RETURN, ActionKind.APPROVE}),
        # After the refund too: on Shopify a credit bonus is paid once the return's own refund went through.
        ActionKind.STORE_CREDIT: frozenset({ActionKind.CREATE_RETURN, ActionKind.APPROVE, ActionKind.REFUND}),
        # After the refund: on Shopify one returnProcess releases the exchange with the refund, and two
        # returnProcess calls racing on the same return lines would both claim them.
        ActionKind.EXCHANGE: frozenset({ActionKind.CREATE_RETURN, ActionKind.APPROVE, ActionKind.REFUND}),
        ActionKind.CLOSE: frozenset({ActionKind.REFUND, ActionKind.STORE_CREDIT, ActionKind.EXCHANGE}),
        # After the refund: both write the order's refunds, and WooCommerce caps each by what the other left.
        ActionKind.RESTOCK: frozenset({ActionKind.CREATE_RETURN, ActionKind.APPROVE, ActionKind.REFUND}),
        # The carrier's actions (services.carrier_actions) on the label once it exists; the shop's admin shows it on
        # the return made there (Shopify's reverse delivery needs the return's reverse fulfilment orders).
        ActionKind.ATTACH_SHIPPING: frozenset({ActionKind.CREATE_LABEL, ActionKind.CREATE_RETURN, ActionKind.APPROVE}),
        ActionKind.BOOK_PICKUP: frozenset({ActionKind.CREATE_LABEL}),
        ActionKind.CANCEL_LABEL: frozenset({ActionKind.CREATE_LABEL, ActionKind.BOOK_PICKUP}),
    }
)
"""The kinds an action waits for on the same return, when they were recorded before it and are not done."""


def perform(call: ActionCall) -> PlatformEffect:
    """Ask the shop to do the action."""
    return ACTIONS[call.record.kind].perform(call)


def find_earlier_effect(
    adapter: ShopAdapter, record: ActionRecord, request: ReturnRequest | None
) -> PlatformEffect | None:
    """The effect an earlier attempt of ``record`` left at the shop, if any: asked before trying again, and
    before an agent pays a failed action again (``services.failed_payment``), so nothing is paid twice."""
    return ACTIONS[record.kind].find(adapter, record, request)
