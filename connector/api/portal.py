"""Customer side, under ``/api/v1/portal/<shop_id>``: the shop is named by its connector id.

1. ``POST /lookup`` with the order number and the e-mail on the order: a portal token (30 minutes) for
   that order of that shop. Rate-limited, and "no such order" and "wrong e-mail" get the same answer.
2. ``GET /lines``: what can be returned, for what, until when, and why (the shop's policy).
3. ``POST /returns``: ask for a return; the policy decides at once (approved, declined, or review).
4. ``GET /returns``: this order's returns, each with its tracking link.
"""

from __future__ import annotations

import hmac
from collections import Counter
from typing import Any

from flask import Blueprint, Response, jsonify, request

from connector.api import errors, present, tokens
from connector.api.auth import current_customer, customer_required
from connector.api.context import body, container, locale, query, service
from connector.api.docs import CUSTOMER_AUTH, documented
from connector.api.errors import ApiError, error_response
from connector.api.idempotency import idempotent
from connector.api.ratelimit import RateLimiter
from connector.api.schemas.portal import (
    CreatedReturnSchema,
    CreateReturnRequestSchema,
    LinesResponseSchema,
    LocaleQuerySchema,
    LookupRequestSchema,
    LookupResponseSchema,
    PortalReturnListSchema,
)
from connector.api.settings import API_PREFIX, CUSTOMER_TOKEN_TTL, LOOKUP_LIMIT, LOOKUP_WINDOW_SECONDS
from connector.api.tracking import tracking_link
from connector.domain.money import Money
from connector.domain.order_numbers import normalize_order_number
from connector.domain.orders import Order
from connector.domain.reasons import ReasonCode
from connector.domain.returns import Resolution, ResolutionKind, ReturnMethod
from connector.errors import NotFound
from connector.policy import line_eligibility
from connector.policy.model import BonusKind, Policy
from connector.services.customer_history import customer_history
from connector.services.orders import current_order
from connector.services.policies import current_policy
from connector.services.returns import KeepItemRefused, LineInput, evaluation_document
from connector.store.errors import UnknownShop
from connector.store.uow import UnitOfWork

bp = Blueprint("api_portal", __name__, url_prefix=f"{API_PREFIX}/portal/<shop_id>")
errors.install(bp)
TAG = "portal"


def _same_email(a: str, b: str) -> bool:
    return hmac.compare_digest(a.strip().casefold().encode(), b.strip().casefold().encode())


def _find_order(shop_id: str, number: str, email: str) -> Order | None:
    """Snapshots first, else the shop. Both failures (no order, other e-mail) take the same path.

    ``number`` is already in its normal form, the one the per-order rate limit counted.
    """
    box = container()
    with box.uow() as uow:
        try:
            shop = uow.shops.get(shop_id)
        except UnknownShop:
            return None
        known = uow.orders(shop_id).find_by_name(number)
        match = next((order for order in known if _same_email(order.email, email)), None)
        if match is not None:
            return match
        adapter = box.adapter_for(uow, shop)
    if adapter is None:
        return None
    found = adapter.find_order(number, email)
    return found if found is not None and _same_email(found.email, email) else None


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
    ip = request.remote_addr or "unknown"
    verdict = RateLimiter(container()).hit(
        [f"lookup:ip:{ip}", f"lookup:order:{shop_id}:{number}"],
        LOOKUP_LIMIT,
        LOOKUP_WINDOW_SECONDS,
    )
    if not verdict.allowed:
        answer, status = error_response(429, "too_many_requests", "too many attempts; wait a minute")
        return answer, status, {"Retry-After": str(verdict.retry_after)}
    order = _find_order(shop_id, number, str(data["email"]))
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
    customer = current_customer()
    box = container()
    with box.uow() as uow:
        shop = uow.shops.get(shop_id)
        order = current_order(uow, shop, customer.order_id, box.adapter_for(uow, shop), fresh=True)
        policy = current_policy(uow, shop_id)
        pending = uow.returns(shop_id).pending_quantities(order.id)
        history = customer_history(uow, shop_id, order.email)
        uow.commit()  # keeps the order snapshot if it was just fetched
    lang = locale(shop.locale)
    found = line_eligibility(policy, order, box.clock(), pending_quantities=pending, customer_returns=history)
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
                for item in found
            ],
            "reasons": [reason.value for reason in ReasonCode],
            "methods": [method.value for method in ReturnMethod],
            "credit_bonus": _bonus(policy, order.currency),
            "keep_item": _keep_item(policy, order.currency),
        }
    )


def _check_lines(uow: UnitOfWork, shop_id: str, order: Order, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Field errors the policy cannot explain: unknown lines, too many units."""
    problems: dict[str, Any] = {}
    pending = uow.returns(shop_id).pending_quantities(order.id)
    known = {line.id: line for line in order.lines}
    wanted: Counter[str] = Counter()
    for index, line in enumerate(lines):
        line_id = line["order_line_id"]
        if line_id not in known:
            problems[f"lines.{index}.order_line_id"] = [f"the order has no line {line_id}"]
            continue
        wanted[line_id] += line["quantity"]
        available = max(0, known[line_id].returnable_quantity - pending.get(line_id, 0))
        if wanted[line_id] > available:
            problems[f"lines.{index}.quantity"] = [f"at most {available} unit(s) of this line can be returned"]
    return problems


def _check_stock(uow: UnitOfWork, shop_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Exchanges only for variants the shop can send now (asked of the shop, not of our snapshot)."""
    wanted: Counter[str] = Counter()
    first_index: dict[str, int] = {}
    for index, line in enumerate(lines):
        resolution = line["resolution"]
        if resolution["kind"] is ResolutionKind.EXCHANGE:
            variant = resolution["exchange_variant_id"]
            wanted[variant] += line["quantity"]
            first_index.setdefault(variant, index)
    if not wanted:
        return {}
    box = container()
    adapter = box.adapter_for(uow, uow.shops.get(shop_id))
    if adapter is None:
        raise ApiError(503, "not_configured", "exchanges cannot be checked for this shop right now")
    problems: dict[str, Any] = {}
    for variant, quantity in wanted.items():
        field = f"lines.{first_index[variant]}.resolution.exchange_variant_id"
        try:
            stock = adapter.available_stock(variant)
        except NotFound:
            problems[field] = [f"the shop has no variant {variant}"]
            continue
        if stock is not None and stock < quantity:
            problems[field] = [f"only {stock} unit(s) of this variant in stock"]
    return problems


def _exchange_prices(uow: UnitOfWork, shop_id: str, order: Order, lines: list[dict[str, Any]]) -> list[Money | None]:
    """Each exchange line's replacement unit price, asked of the shop in the order's currency.

    The customer is shown, and later settles, the difference with the real price; a shop that quotes no
    price in this currency leaves None (the replacement then counts as worth what comes back).
    """
    prices: list[Money | None] = [None] * len(lines)
    wanted = [i for i, line in enumerate(lines) if line["resolution"]["kind"] is ResolutionKind.EXCHANGE]
    if not wanted:
        return prices
    adapter = container().adapter_for(uow, uow.shops.get(shop_id))
    if adapter is None:
        raise ApiError(503, "not_configured", "exchanges cannot be priced for this shop right now")
    quoted: dict[tuple[str, str | None], Money | None] = {}
    for index in wanted:
        resolution = lines[index]["resolution"]
        key = (resolution["exchange_variant_id"], resolution.get("exchange_product_id"))
        if key not in quoted:
            quoted[key] = adapter.variant_price(key[0], order, key[1])
        prices[index] = quoted[key]
    return prices


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
    box = container()
    with box.uow() as uow:
        shop = uow.shops.get(shop_id)
        order = current_order(uow, shop, customer.order_id, box.adapter_for(uow, shop), fresh=True)
        problems = _check_lines(uow, shop_id, order, data["lines"])
        problems.update(_check_stock(uow, shop_id, data["lines"]) if not problems else {})
        prices = _exchange_prices(uow, shop_id, order, data["lines"]) if not problems else []
        uow.commit()
    if problems:
        raise ApiError(422, "validation_failed", "the request has invalid fields", problems)
    inputs = [
        LineInput(
            line["order_line_id"], line["quantity"], line["reason"], _resolution(line["resolution"]),
            customer_note=line["note"], exchange_price=price,
        )
        for line, price in zip(data["lines"], prices, strict=True)
    ]
    lang = locale(shop.locale)
    try:
        outcome = service().open_return(
            shop_id, order.id, inputs, data["method"], customer.actor, order=order, keep_item=data["keep_item"]
        )
    except KeepItemRefused as refused:
        why = refused.text(lang)
        raise ApiError(422, "keep_item_refused", why, {"keep_item": [why]}) from None
    assert outcome.evaluation is not None
    answer = CreatedReturnSchema().dump(
        {
            "decision": outcome.evaluation.decision.value,
            "return_": present.for_customer(outcome.request, evaluation_document(outcome.evaluation), order, lang),
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
    customer = current_customer()
    box = container()
    with box.uow() as uow:
        shop = uow.shops.get(shop_id)
        repo = uow.returns(shop_id)
        found = [(r, repo.evaluation(r.id)) for r in repo.for_order(customer.order_id)]
        order = uow.orders(shop_id).get(customer.order_id)
    lang = locale(shop.locale)
    items = [
        {"return_": present.for_customer(r, evaluation, order, lang), "tracking": tracking_link(shop_id, r.id)}
        for r, evaluation in found
    ]
    return jsonify(PortalReturnListSchema().dump({"items": items}))
