"""``GET /api/v1/track/<token>``: the secret, expiring link a customer follows their return with.

The token names the shop and the return and carries its expiry; anyone holding it sees the customer
view (status, customer-safe history, amounts) and nothing else.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from connector.api import errors, present, tokens
from connector.api.context import container, locale, query
from connector.api.docs import documented
from connector.api.errors import ApiError
from connector.api.schemas.portal import CustomerReturnSchema, LocaleQuerySchema
from connector.api.settings import API_PREFIX, TRACKING_TOKEN_TTL
from connector.services.customer_view import tracked_return

bp = Blueprint("api_track", __name__, url_prefix=f"{API_PREFIX}/track")
errors.install(bp)


def tracking_link(shop_id: str, return_id: str) -> dict[str, Any]:
    issued = tokens.issue(tokens.TokenKind.TRACKING, {"s": shop_id, "r": return_id}, TRACKING_TOKEN_TTL)
    base = container().config.app.base_url.rstrip("/")
    return {
        "token": issued.token,
        "url": base + url_for("api_track.track", token=issued.token),
        "expires_at": issued.expires_at,
    }


def _invalid() -> ApiError:
    return ApiError(404, "invalid_link", "this tracking link is invalid or has expired")


@bp.get("/<token>")
@documented(
    "Follow a return through its secret link",
    tag="portal",
    query=LocaleQuerySchema,
    response=CustomerReturnSchema,
    errors=(404,),
    description="The token comes from the answer to creating the return (and its confirmation e-mail); "
    "it expires. An unknown, altered or expired token gets the same 404.",
)
def track(token: str) -> Any:
    query(LocaleQuerySchema())
    claims = tokens.read(tokens.TokenKind.TRACKING, token)
    if claims is None or not claims.get("s") or not claims.get("r"):
        raise _invalid()
    view = tracked_return(container(), claims["s"], claims["r"])
    if view is None:
        raise _invalid()
    seen = view.returns[0]
    return CustomerReturnSchema().dump(
        present.for_customer(seen.request, seen.evaluation, view.order, locale(view.shop.locale))
    )
