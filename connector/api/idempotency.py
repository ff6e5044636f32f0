"""``Idempotency-Key`` for every mutating call: run once, replay the first answer for 24 hours.

The key row is committed before the view runs, so two copies of one request cannot both execute: the
second gets 409 while the first runs, and the saved answer afterwards. A key reused with another body
(or on another URL) is refused with 422. Answers that changed nothing and that a retry should be free
to replace — bad input (400/422), rate limits (429), a lost optimistic-lock race (409 concurrent_update)
and server errors (5xx) — are not kept.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, current_app, g, request

from connector import jsonlimits
from connector.api.context import container
from connector.api.errors import ApiError
from connector.api.settings import IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_STALE_AFTER, IDEMPOTENCY_TTL
from connector.store.idempotency_repo import ClaimState

log = logging.getLogger("connector.api.idempotency")
F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
NOT_KEPT = frozenset({400, 422, 429})
TRANSIENT_CODES = frozenset({"concurrent_update"})
PURGE_CHANCE = 0.01  # expired keys are swept now and then by the requests themselves


def fingerprint() -> str:
    """What makes two requests "the same": method, path and the JSON body (key order ignored)."""
    raw = request.get_data(cache=True)
    try:
        canonical = json.dumps(jsonlimits.loads(raw), sort_keys=True, separators=(",", ":")) if raw else ""
    except ValueError:
        canonical = raw.decode("utf-8", "replace")
    material = f"{request.method}\n{request.path}\n{canonical}"
    return hashlib.sha256(material.encode()).hexdigest()


def _keep(response: Response) -> bool:
    """Keep answers that record what the request did; not those a retry could and should change."""
    if response.status_code >= 500 or response.status_code in NOT_KEPT:
        return False
    if response.status_code == 409:
        body = response.get_json(silent=True)
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
        return code not in TRANSIENT_CODES
    return True


def _respond(view: Callable[..., Any], args: Any, kwargs: Any) -> Response:
    app = current_app
    try:
        return app.make_response(view(*args, **kwargs))
    except Exception as exc:  # answered by the app's JSON error handlers, like any other error
        return app.make_response(app.handle_user_exception(exc))


def idempotent(view: F) -> F:
    """Apply after the auth decorator, which sets ``g.idempotency_scope`` = (shop id, scope)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        key = key.strip()
        if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
            raise ApiError(422, "validation_failed", "the request has invalid fields",
                           {HEADER: [f"1 to {IDEMPOTENCY_KEY_MAX} printable characters"]})
        shop_id, scope = g.idempotency_scope
        box = container()
        with box.uow() as uow:
            claim = uow.idempotency(shop_id).claim(
                scope, key, fingerprint(), box.clock(), IDEMPOTENCY_TTL, IDEMPOTENCY_STALE_AFTER
            )
            uow.commit()
        if claim.state is ClaimState.MISMATCH:
            raise ApiError(422, "idempotency_key_reused",
                           "this Idempotency-Key was used for a different request; use a new key")
        if claim.state is ClaimState.IN_PROGRESS:
            error = ApiError(409, "idempotency_in_progress", "a request with this Idempotency-Key is still running")
            raise error
        if claim.state is ClaimState.REPLAY:
            replay = Response(claim.body or "", status=claim.status_code or 200, mimetype="application/json")
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = _respond(view, args, kwargs)
        with box.uow() as uow:
            repo = uow.idempotency(shop_id)
            if random.random() < PURGE_CHANCE:
                repo.purge_expired(box.clock())
            if _keep(response):
                repo.finish(scope, key, response.status_code, response.get_data(as_text=True))
            else:
                repo.release(scope, key)
            uow.commit()
        return response

    return cast(F, wrapper)
