"""Customer side, under ``/api/v1/portal/<shop_id>``: the shop is named by its connector id.

1. ``POST /lookup`` with the order number and the e-mail on the order: a portal token (30 minutes) for
   that order of that shop. Rate-limited, and "no such order" and "wrong e-mail" get the same answer.
2. ``GET /lines``: what can be returned, for what, until when, and why (the shop's policy).
3. ``POST /returns``: ask for a return; the policy decides at once (approved, declined, or review).
4. ``GET /returns``: this order's returns, each with its tracking link.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from connector.api import errors, present, tokens
from connector.api.auth import current_customer, customer_required
from connector.api.context import body, container, locale, query
from connector.api.docs import CUSTOMER_AUTH, documented
from connector.api.errors import ApiError, error_response
from connector.api.idempotency import idempotent
from connector.api.lookup_limit import count_lookup
from connector.api.schemas.portal import (
    CreatedReturnSchema,
    CreateReturnRequestSchema,
    LinesResponseSchema,
    LocaleQuerySchema,
    LookupRequestSchema,
    LookupResponseSchema,
    PortalReturnListSchema,
)
from connector.api.settings import API_PREFIX, CUSTOMER_TOKEN_TTL
from connector.api.tracking import tracking_link
from connector.domain.order_numbers import normalize_order_number
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.policy.model import BonusKind, Policy
from connector.services.customer_view import order_returns
from connector.services.eligible_lines import eligible_lines
from connector.services.portal_lookup import find_customer_order
from connector.services.portal_return import AskedLine, ExchangesUnavailable, InvalidLines, ask_for_return
from connector.services.returns import evaluation_document

bp = Blueprint("api_portal", __name__, url_prefix=f"{API_PREFIX}/portal/<shop_id>")
errors.install(bp)
TAG = "portal"


@bp.post("/lookup")
@documented(
    "Find an order by its number and e-mail; get a portal token",
    tag=TAG,
    body=LookupRequestSchema,
    response=LookupResponseSchema,
    errors=(404, 422, 429),
    description="Rate-limited per IP and per order number. The 404 is the same whether the order does not "
    "exist or the e-mail does not match.",
)
def lookup(shop_id: str) -> Any:
    data = body(LookupRequestSchema())
    number = normalize_order_number(str(data["order_number"]))  # one form for the limit and the lookup
    verdict = count_lookup(container(), shop_id, number, request.remote_addr)
    if not verdict.allowed:
        answer, status = error_response(429, "too_many_requests", "too many attempts; wait a minute")
        return answer, status, {"Retry-After": str(verdict.retry_after)}
    order = find_customer_order(container(), shop_id, number, str(data["email"]))
    if order is None:
        return error_response(404, "order_not_found", "no order matches this order number and e-mail address")
    issued = tokens.issue(
        tokens.TokenKind.CUSTOMER, {"s": shop_id, "o": order.id, "e": order.email}, CUSTOMER_TOKEN_TTL
    )
    return LookupResponseSchema().dump(
        {
            "token": issued.token,
            "expires_at": issued.expires_at,
            "order": {"id": order.id, "name": order.name, "currency": order.currency},
        }
    )


def _bonus(policy: Policy, currency: str) -> dict[str, Any] | None:
    bonus = policy.bonus
    if bonus is None:
        return None
    flat = bonus.flat.get(currency) if bonus.kind is BonusKind.FLAT else None
    return {
        "kind": bonus.kind.value,
        "percent": str(bonus.percent) if bonus.kind is BonusKind.PERCENT else None,
        "flat": None if flat is None else present.money(flat),
        "outcomes": sorted(kind.value for kind in bonus.outcomes),
    }


def _keep_item(policy: Policy, currency: str) -> dict[str, Any] | None:
    keep = policy.keep_item
    below = keep.below.get(currency) if keep is not None else None
    if keep is None or below is None:
        return None
    return {"below": present.money(below), "outcomes": sorted(kind.value for kind in keep.outcomes)}


@bp.get("/lines")
@documented(
    "The order's lines: how many units can be returned, for which outcomes, fees, deadline and why",
    tag=TAG,
    query=LocaleQuerySchema,
    response=LinesResponseSchema,
    auth=CUSTOMER_AUTH,
    errors=(401, 404),
)
@customer_required
def lines(shop_id: str) -> Any:
    query(LocaleQuerySchema())
    found = eligible_lines(container(), shop_id, current_customer().order_id)
    order, policy = found.order, found.policy
    lang = locale(found.shop.locale)
    by_id = {line.id: line for line in order.lines}
    return LinesResponseSchema().dump(
        {
            "shop_id": shop_id,
            "order": {"id": order.id, "name": order.name, "currency": order.currency},
            "locale": lang,
            "lines": [
                {
                    "line_id": item.line_id,
                    "title": item.title,
                    "variant_title": by_id[item.line_id].variant_title,
                    "quantity_ordered": by_id[item.line_id].quantity_ordered,
                    "returnable_quantity": item.returnable_quantity,
                    "eligible": item.eligible,
                    "deadline": item.deadline,
                    "deadline_at": item.deadline_at,
                    "withdrawal": item.withdrawal,
                    "allowed_outcomes": sorted(kind.value for kind in item.allowed_outcomes),
                    "outcomes_by_reason": {
                        reason.value: sorted(kind.value for kind in kinds) for reason, kinds in item.outcomes_by_reason
                    },
                    "fees": {
                        "return_shipping": present.money(item.return_shipping_fee),
                        "restocking_percent": {reason.value: str(rate) for reason, rate in item.restocking_percent},
                    },
                    "explanation": item.explanation.lines(lang),
                }
                for item in found.lines
            ],
            "reasons": [reason.value for reason in ReasonCode],
            "methods": [method.value for method in ReturnMethod],
            "credit_bonus": _bonus(policy, order.currency),
            "keep_item": _keep_item(policy, order.currency),
        }
    )


def _resolution(data: dict[str, Any]) -> Resolution:
    kind: ResolutionKind = data["kind"]
    if kind is ResolutionKind.EXCHANGE:
        return Resolution.exchange(
            data["exchange_variant_id"], data.get("exchange_product_id"),
            difference_as_credit=bool(data.get("difference_as_credit")),
        )
    if kind is ResolutionKind.STORE_CREDIT:
        return Resolution.store_credit()
    return Resolution.refund()


@bp.post("/returns")
@documented(
    "Ask for a return; the shop's policy approves, declines or sends it for review at once",
    tag=TAG,
    body=CreateReturnRequestSchema,
    response=CreatedReturnSchema,
    status=201,
    auth=CUSTOMER_AUTH,
    idempotent=True,
    errors=(401, 404, 409, 422),
    description="With `keep_item`, the customer asks to keep the goods (a returnless refund or credit). When the "
    "policy grants it, the return skips shipping and inspection and is resolved at once (status `resolved`), "
    "paid out with the policy's outcome; when it does not, the answer is 422 `keep_item_refused`, whose message "
    "says why, and no return is opened.",
)
@customer_required
@idempotent
def create_return(shop_id: str) -> Any:
    data = body(CreateReturnRequestSchema())
    tokens.signing_keys()  # the answer carries a tracking link: fail before opening anything if we cannot sign
    customer = current_customer()
    asked = [
        AskedLine(line["order_line_id"], line["quantity"], line["reason"], _resolution(line["resolution"]),
                  line["note"])
        for line in data["lines"]
    ]
    try:
        done = ask_for_return(
            container(), shop_id, customer.order_id, asked, data["method"], customer.actor, keep_item=data["keep_item"]
        )
    except InvalidLines as invalid:
        fields: dict[str, object] = {**invalid.problems}
        raise ApiError(422, "validation_failed", "the request has invalid fields", fields) from None
    except ExchangesUnavailable as unavailable:
        raise ApiError(503, "not_configured", str(unavailable)) from None
    lang = locale(done.shop.locale)
    if done.refused is not None:
        why = done.refused.text(lang)
        raise ApiError(422, "keep_item_refused", why, {"keep_item": [why]})
    outcome = done.outcome
    assert outcome is not None and outcome.evaluation is not None
    answer = CreatedReturnSchema().dump(
        {
            "decision": outcome.evaluation.decision.value,
            "return_": present.for_customer(outcome.request, evaluation_document(outcome.evaluation), done.order, lang),
            "tracking": tracking_link(shop_id, outcome.request.id),
        }
    )
    return answer, 201


@bp.get("/returns")
@documented(
    "This order's returns, each with its tracking link",
    tag=TAG,
    query=LocaleQuerySchema,
    response=PortalReturnListSchema,
    auth=CUSTOMER_AUTH,
    errors=(401, 404),
)
@customer_required
def list_returns(shop_id: str) -> Response:
    query(LocaleQuerySchema())
    view = order_returns(container(), shop_id, current_customer().order_id)
    lang = locale(view.shop.locale)
    items = [
        {
            "return_": present.for_customer(seen.request, seen.evaluation, view.order, lang),
            "tracking": tracking_link(shop_id, seen.request.id),
        }
        for seen in view.returns
    ]
    return jsonify(PortalReturnListSchema().dump({"items": items}))
