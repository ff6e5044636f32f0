"""WordPress REST plumbing: merged parameters, WordPress-style validation, pagination headers.

WordPress reads parameters from the JSON body, then the form body, then the query string (first found
wins) and validates them against the route's schema, answering 400 ``rest_invalid_param``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Response, g, jsonify, request

from sandboxes.woocommerce.errors import ApiError, invalid_param

T = TypeVar("T")


def params() -> dict[str, Any]:
    """Query, then form, then JSON body (JSON wins). Cached per request."""
    cached = g.get("wc_params")
    if cached is not None:
        return dict(cached)
    merged: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        if key.endswith("[]"):
            merged[key[:-2]] = values
        else:
            merged[key] = values[-1]  # PHP keeps the last duplicate
    merged.update(request.form.to_dict())
    raw = request.get_data(cache=True)
    if raw.strip() and (request.mimetype or "").endswith("json"):
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError("rest_invalid_json", "Invalid JSON body passed.", 400,
                           extra={"json_error_code": 4, "json_error_message": "Syntax error"}) from exc  # fmt: skip
        if isinstance(body, dict):
            merged.update(body)
    g.wc_params = merged
    return dict(merged)


def body() -> dict[str, Any]:
    return params()


def as_int(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise invalid_param(name, f"{name} is not of type integer.")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise invalid_param(name, f"{name} is not of type integer.")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        if minimum is not None and maximum is not None:
            reason = f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)"
        elif minimum is not None:
            reason = f"{name} must be greater than or equal to {minimum}"
        else:
            reason = f"{name} must be less than or equal to {maximum}"
        raise invalid_param(name, reason)
    return number


def as_bool(name: str, value: Any) -> bool:
    """``rest_sanitize_boolean``: true/false/1/0 strings accepted, anything else is a 400."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", ""):
        return value.lower() in ("true", "1")
    raise invalid_param(name, f"{name} is not of type boolean.")


def as_str(name: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise invalid_param(name, f"{name} is not of type string.")


def as_money(name: str, value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise invalid_param(name, f"{name} is not of type string.")
    try:
        amount = Decimal(str(value).strip() or "0")
    except InvalidOperation as exc:
        raise invalid_param(name, f"{name} is not a number.") from exc
    if not amount.is_finite():
        raise invalid_param(name, f"{name} is not a number.")
    return amount


def as_enum(name: str, value: Any, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise invalid_param(name, f"{name} is not one of {', '.join(allowed)}.")
    return value


def as_list(name: str, value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    raise invalid_param(name, f"{name} is not of type array.")


def as_date(name: str, value: Any, site_tz: ZoneInfo, gmt: bool) -> datetime:
    """``rest_parse_date``: ISO 8601; without an offset the date is site time (or GMT if asked)."""
    if not isinstance(value, str):
        raise invalid_param(name, f"Invalid date.")  # noqa: F541
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid_param(name, "Invalid date.") from exc
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC if gmt else site_tz)
    return stamp.astimezone(UTC)


def as_meta(name: str, value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else None
    if items is None or not all(isinstance(item, dict) and "key" in item for item in items):
        raise invalid_param(name, f"{name} is not of type array.")
    return items


def page_window(total: int, default_per_page: int = 10) -> tuple[int, int, int]:
    """(page, per_page, offset) from the request, validated like WordPress."""
    p = params()
    per_page = as_int("per_page", p.get("per_page", default_per_page), 1, 100)
    page = as_int("page", p.get("page", 1), 1)
    offset = as_int("offset", p["offset"], 0) if "offset" in p else (page - 1) * per_page
    return page, per_page, offset


def paginated(items: list[Any], total: int, page: int, per_page: int) -> Response:
    """JSON list with ``X-WP-Total``, ``X-WP-TotalPages`` and ``Link`` like WordPress collections."""
    pages = math.ceil(total / per_page) if total else 0
    # CRUD collections answer [] past the last page (only the terms controller answers a 400 there)
    response = jsonify(items)
    response.headers["X-WP-Total"] = str(total)
    response.headers["X-WP-TotalPages"] = str(pages)
    link_parts = []
    base = request.base_url
    query = {k: v for k, v in request.args.items() if k != "page" and not k.startswith("oauth_")}
    query.pop("consumer_secret", None)
    query.pop("consumer_key", None)

    def url(number: int) -> str:
        return f"{base}?{urlencode({**query, 'page': str(number)})}"

    if page > 1:
        link_parts.append(f'<{url(min(page - 1, max(pages, 1)))}>; rel="prev"')
    if page < pages:
        link_parts.append(f'<{url(page + 1)}>; rel="next"')
    if link_parts:
        response.headers["Link"] = ", ".join(link_parts)
    return response


def trim_fields(data: dict[str, Any]) -> dict[str, Any]:
    """``_fields=id,status``: keep only the named top-level fields (plus nothing else)."""
    fields = params().get("_fields")
    if not fields:
        return data
    wanted = {part.strip().split(".")[0] for part in as_list("_fields", fields)}
    return {key: value for key, value in data.items() if key in wanted}


def created(data: dict[str, Any], location: str) -> Response:
    response = jsonify(data)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def invalid_param_error(name: str, reason: str) -> ApiError:
    return invalid_param(name, reason)
