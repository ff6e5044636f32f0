"""The demo's summary as a merchant reads it: each return under its shop, by order name, with its outcome,
the money that moved and its final state, and counts that add up to the number of returns.

The money is read from the return's stored amounts (``ReturnAmounts``), field by field: a figure that
another part of the connector adds later (a fee, a difference, a bonus) shows up here without a change, in
plain words when this module knows the field, under its field name otherwise. Whether it was paid is read
from the return's money actions, not from the shops' refund objects: on Shopify a store credit or an
exchange travels in a refund (of 0.00 when nothing is paid back), which counted as a refund before.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

from sqlalchemy.engine import make_url

from connector.domain.actions import ActionKind
from connector.domain.money import Money
from connector.domain.orders import Platform, Shop
from connector.domain.resolutions import ResolutionKind, ReturnAmounts
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.store.actions_repo import ActionRecord, ActionState

MONEY_ACTIONS: Final = frozenset({ActionKind.REFUND, ActionKind.STORE_CREDIT, ActionKind.EXCHANGE})
OUTCOME_WORDS: Final = {
    ResolutionKind.REFUND: "refunded",
    ResolutionKind.STORE_CREDIT: "credited",
    ResolutionKind.EXCHANGE: "exchanged",
}
PLATFORM_NAMES: Final[dict[str, str]] = {Platform.SHOPIFY: "Shopify", Platform.WOOCOMMERCE: "WooCommerce"}
# How the known amounts read; ``store_credit_bonus`` is said with the credit it belongs to.
_PHRASES: Final = {
    "refund": "refunded {}",
    "shipping_refund": "shipping refunded {}",
    "exchange_value": "exchanged for goods worth {}",
    "balance_due": "customer pays {} difference",
    "return_shipping_fee": "return shipping fee {}",
}
_SAID_ELSEWHERE: Final = frozenset({"currency", "lines", "store_credit", "store_credit_bonus"})


def shop_heading(shop: Shop) -> str:
    """``Shopify shop Name (address)``: the name when the shop has one, always the address it is reached at."""
    platform = PLATFORM_NAMES.get(shop.platform, str(shop.platform))
    return f"{platform} shop {shop.name} ({shop.address})" if shop.name else f"{platform} shop {shop.address}"


def order_label(request: ReturnRequest) -> str:
    """The order as the merchant's admin names it (``#1040``), never the platform's id."""
    return order_name_label(request.order_name or request.order_id)


def order_name_label(name: str) -> str:
    """``#449`` for WooCommerce's ``449`` too, as both admins show an order number."""
    return name if name.startswith("#") else f"#{name}"


def outcome(request: ReturnRequest) -> str:
    """One word per return, so that the counts add up: its resolution once resolved, else its state."""
    if request.status in (ReturnStatus.DECLINED, ReturnStatus.CANCELED):
        return request.status.value
    if request.status not in (ReturnStatus.RESOLVED, ReturnStatus.CLOSED):
        return f"still {request.status.value}"
    kinds = {line.resolution.kind for line in request.lines}
    return OUTCOME_WORDS[kinds.pop()] if len(kinds) == 1 else "mixed"


def money_moved(amounts: ReturnAmounts | None, *, keep_item: bool = False) -> str:
    """Every non-zero amount of the return, in words, with its currency."""
    if amounts is None:
        return "no amounts computed"
    said: list[str] = []
    if amounts.store_credit:
        # The credit's own bonus where the amounts keep it apart (read by name), else the lines' bonus.
        bonus = getattr(amounts, "store_credit_bonus", None) or amounts.bonus
        extra = f" (incl. {bonus} bonus)" if bonus else ""
        said.append(f"credited {amounts.store_credit}{extra}")
    for item in dataclasses.fields(amounts):
        value = getattr(amounts, item.name)
        if item.name in _SAID_ELSEWHERE or not isinstance(value, Money) or not value:
            continue
        said.append(_PHRASES.get(item.name, item.name.replace("_", " ") + " {}").format(value))
    if amounts.exchange_value and not amounts.refund and not getattr(amounts, "balance_due", None):
        said.append("no difference to settle")
    if keep_item:
        said.append("customer keeps the item")
    return ", ".join(said) or f"nothing (0 {amounts.currency})"


def payment_state(actions: Sequence[ActionRecord]) -> str:
    """Empty when every money action succeeded; else what is still pending or has failed, and why."""
    failed = [a for a in actions if a.state is ActionState.FAILED]
    if failed:
        return f"FAILED {failed[0].kind.value}: {failed[0].last_error}"
    unpaid = (a for a in actions if a.kind in MONEY_ACTIONS and a.state is not ActionState.SUCCEEDED)
    waiting = sorted({a.kind.value for a in unpaid})
    return f"not yet paid: {', '.join(waiting)}" if waiting else ""


def return_line(request: ReturnRequest, actions: Sequence[ActionRecord]) -> str:
    state = payment_state(actions)
    return (
        f"{order_label(request):<7} {request.id}  {outcome(request):<10} "
        f"{money_moved(request.amounts, keep_item=request.keep_item)}  -> {request.status.value}"
        + (f"  [{state}]" if state else "")
    )


def counts_line(outcomes: Iterable[str], expected: int) -> str:
    """``6 returns: 2 refunded, 2 credited, 2 exchanged``; a return that never arrived is counted too."""
    counted = Counter(outcomes)
    missing = expected - sum(counted.values())
    if missing > 0:
        counted["never arrived"] += missing
    order = [*OUTCOME_WORDS.values(), "mixed"]
    parts = sorted(counted.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))
    return f"{sum(counted.values())} returns: " + ", ".join(f"{n} {word}" for word, n in parts)


def try_it(app_url: str, database_url: str, shop: Shop, example: ReturnRequest | None) -> list[str]:
    """The URLs a person can open against this shop while the demo runs, each with what it needs."""
    lines = [f"{shop_heading(shop)} (shop id {shop.id}):"]
    if example is not None:
        lines.append(
            f"  customer portal: POST {app_url}/api/v1/portal/{shop.id}/lookup with JSON "
            f'{{"order_number": "{order_label(example)}", "email": "{example.customer_email}"}}; '
            "its token (Authorization: Bearer ...) opens .../returns"
        )
    database = make_url(database_url).render_as_string(hide_password=True)
    lines.append(
        f"  agent API: GET {app_url}/api/v1/shops/{shop.id}/returns with an API key (X-API-Key), issued by "
        f"DATABASE_URL={database} returns-connector api-keys issue --shop {shop.id}"
    )
    return lines
