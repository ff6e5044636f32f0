"""Agent side, under ``/api/v1/shops/<shop_id>/returns``: search, read in full, and act.

Authenticated by a Shopify session token (embedded admin) or a per-shop API key (helpdesks, warehouses).
Every change goes through ``ReturnService`` under the calling agent's name, with an ``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from connector.api import errors, present
from connector.api.auth import agent_required, current_agent
from connector.api.context import body, container, locale, query, service
from connector.api.docs import AGENT_AUTH, documented
from connector.api.idempotency import idempotent
from connector.api.schemas.agent import (
    ActedSchema,
    ApproveSchema,
    CancelSchema,
    DeclineSchema,
    DetailQuerySchema,
    InspectSchema,
    InTransitSchema,
    ListQuerySchema,
    NoteSchema,
    ReceiveSchema,
    RefundOverrideSchema,
    ResolveSchema,
    ReturnDetailSchema,
    ReturnListSchema,
)
from connector.api.settings import API_PREFIX
from connector.domain.money import Money
from connector.services.failed_payment import pay_failed_action
from connector.services.returns import Outcome, ReturnNotFound
from connector.store.returns_repo import ReturnFilter

bp = Blueprint("api_agent", __name__, url_prefix=f"{API_PREFIX}/shops/<shop_id>/returns")
errors.install(bp)
TAG = "returns"
ACTION_ERRORS = (401, 404, 409, 422)


def _detail(shop_id: str, return_id: str) -> dict[str, Any]:
    with container().uow() as uow:
        shop = uow.shops.get(shop_id)
        repo = uow.returns(shop_id)
        found = repo.get(return_id)
        if found is None:
            raise ReturnNotFound(f"no return {return_id}")
        evaluation = repo.evaluation(return_id)
        actions = uow.actions(shop_id).for_return(return_id)
    return present.detail(found, evaluation, actions, locale(shop.locale))


@bp.get("")
@documented(
    "List and search returns (newest first)",
    tag=TAG,
    query=ListQuerySchema,
    response=ReturnListSchema,
    auth=AGENT_AUTH,
    errors=(401, 404, 422),
)
@agent_required
def list_returns(shop_id: str) -> Any:
    q = query(ListQuerySchema())
    now = container().clock()
    criteria = ReturnFilter(
        status=q.get("status"),
        order_id=q.get("order_id"),
        order_name=q.get("order_name"),
        customer_email=q.get("email"),
        reason=q.get("reason"),
        created_from=q.get("created_from"),
        created_to=q.get("created_to"),
        refund_deadline=q.get("refund_deadline"),
        as_of=now,
        limit=q["limit"] + 1,
        offset=q["offset"],
    )
    with container().uow() as uow:
        found = uow.returns(shop_id).list(criteria)
    more = len(found) > q["limit"]
    return ReturnListSchema().dump(
        {
            "items": [present.summary(r, now) for r in found[: q["limit"]]],
            "limit": q["limit"],
            "offset": q["offset"],
            "next_offset": q["offset"] + q["limit"] if more else None,
        }
    )


@bp.get("/<return_id>")
@documented(
    "One return: lines, amounts, the policy's explanation, full history and every platform action",
    tag=TAG,
    query=DetailQuerySchema,
    response=ReturnDetailSchema,
    auth=AGENT_AUTH,
    errors=(401, 404),
)
@agent_required
def get_return(shop_id: str, return_id: str) -> Any:
    query(DetailQuerySchema())
    return ReturnDetailSchema().dump(_detail(shop_id, return_id))


def _acted(shop_id: str, return_id: str, outcome: Outcome) -> Any:
    return ActedSchema().dump({"return_": _detail(shop_id, return_id), "action_ids": list(outcome.action_ids)})


def _action(
    path: str, summary: str, schema: type[Any], run: Callable[[str, str, dict[str, Any]], Outcome]
) -> None:
    """Register ``POST /<return_id>/<path>``: authenticate, make idempotent, load the body, run, answer."""

    def view(shop_id: str, return_id: str) -> Any:
        data = body(schema())
        return _acted(shop_id, return_id, run(shop_id, return_id, data))

    view.__name__ = f"{path.replace('-', '_')}_return"
    view.__doc__ = summary
    documented(
        summary, tag=TAG, body=schema, response=ActedSchema, auth=AGENT_AUTH, idempotent=True, errors=ACTION_ERRORS
    )(view)
    bp.post(f"/<return_id>/{path}")(agent_required(idempotent(view)))


def _actor() -> Any:
    return current_agent().actor


_action("approve", "Approve a return waiting for review", ApproveSchema,
        lambda s, r, d: service().approve(s, r, _actor(), d["reason"]))
_action("decline", "Decline a return, with a reason the customer will read", DeclineSchema,
        lambda s, r, d: service().decline(s, r, _actor(), d["reason"]))
_action("in-transit", "Mark the parcel as sent back (with its tracking number)", InTransitSchema,
        lambda s, r, d: service().mark_in_transit(s, r, _actor(), d["tracking"]))
_action("receive", "Record units received (partial receipts add up)", ReceiveSchema,
        lambda s, r, d: service().receive(s, r, _actor(), {x["line_id"]: x["quantity"] for x in d["lines"]}))
_action("inspect", "Inspect one line: its condition and what becomes of it (restock, dispose, missing)",
        InspectSchema,
        lambda s, r, d: service().inspect(s, r, _actor(), d["line_id"], d["condition"], d["disposition"], d["note"]))
_action("resolve", "Resolve: pay out per the lines (refund, credit, exchange), optionally overriding the amount",
        ResolveSchema,
        lambda s, r, d: service().resolve(
            s, r, _actor(),
            override=None if d["override"] is None else Money(d["override"]["amount"], d["override"]["currency"]),
            reason=d["reason"],
            restock_location_id=d["restock_location_id"],
        ))
_action("refund-override",
        "Pay a resolved return whose refund or store credit the shop refused, with another amount (at most what "
        "the order has left to refund) and a reason: a new action with its own key; the failed one stays failed",
        RefundOverrideSchema,
        lambda s, r, d: pay_failed_action(
            container(), s, r, _actor(), Money(d["override"]["amount"], d["override"]["currency"]), d["reason"],
            d["action_id"],
        ))
_action("cancel", "Cancel a return before goods or money have moved", CancelSchema,
        lambda s, r, d: service().cancel(s, r, _actor(), d["reason"]))
_action("notes", "Add a note to the return's history", NoteSchema,
        lambda s, r, d: service().add_note(s, r, _actor(), d["text"]))
