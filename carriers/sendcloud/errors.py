"""The one table from Sendcloud's error answers to ``connector.errors``.

Sendcloud answers errors in three shapes, all in the descriptions kept in ``openapi/``:

1. ``{"errors": [{"field", "message", "code"}]}``: the v3 returns ``errors`` schema, and the cancel 409
   (whose example gives ``code`` as the integer 409 although the schema says a string: both are read);
2. ``{"error": {"code", "request", "message"}}``: the v3 returns ``400`` response (``code`` a string such as
   ``invalid_postal_code``) and the v2 parcel documents 404 (``code`` an integer);
3. JSON:API ``{"errors": [{"status", "code", "detail", "source": {"pointer"|"parameter"}}]}``: the
   ``ErrorObject`` of v3 returns, service points and parcel documents.

The parcel tracking v3 file adds FastAPI's ``{"detail": "..."}`` and ``{"detail": [{"loc","msg","type"}]}``;
they are read too, since a 404 or 422 there must not read as "no message".

Why one table: what is retried and what is not is decided here only. 429 and 5xx are retryable, 401/403 are
configuration (a human fixes the keys), other 4xx are permanent, 404 is ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from connector.errors import ConfigError, ConnectorError, NotFound, PermanentError, RetryableError

DUPLICATE_REFERENCE: Final = "external reference has already been used"
"""The documented refusal of a second return with the same ``external_reference`` (v3 returns, 400 example)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One error of an answer, whatever its shape: where (field, pointer or parameter), a code and a message."""

    code: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        tail = f" ({self.code})" if self.code else ""
        return f"{head}{self.message}{tail}"


def problems(body: Any) -> list[Problem]:
    """The errors an answer's JSON body holds, in any of the documented shapes; [] when it holds none."""
    if not isinstance(body, Mapping):
        return []
    found: list[Problem] = []
    single = body.get("error")
    if isinstance(single, Mapping):  # shape 2
        found.append(Problem(_text(single.get("code")), _text(single.get("message")), _text(single.get("request"))))
    many = body.get("errors")
    if isinstance(many, list):
        found.extend(_one(item) for item in many if isinstance(item, Mapping))
    detail = body.get("detail")
    if isinstance(detail, str):
        found.append(Problem("", detail))
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, Mapping):
                where = ".".join(_text(part) for part in item.get("loc") or [])
                found.append(Problem(_text(item.get("type")), _text(item.get("msg")), where))
    return found


def _one(item: Mapping[str, Any]) -> Problem:
    """Shapes 1 and 3 share the ``errors`` key: JSON:API has ``detail``/``source``, the other ``message``/``field``."""
    source = item.get("source")
    where = _text(item.get("field"))
    if isinstance(source, Mapping):
        where = _text(source.get("pointer") or source.get("parameter") or source.get("header")) or where
    message = _text(item.get("detail") or item.get("message") or item.get("title"))
    return Problem(_text(item.get("code")), message, where)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def is_duplicate_reference(message: str) -> bool:
    """Whether a refusal (its message, which quotes every problem of the body) says our ``external_reference``
    is already taken: the return exists already."""
    return DUPLICATE_REFERENCE in message.lower()


def error_for_response(status: int, body: Any, what: str, retry_after: float | None = None) -> ConnectorError:
    """The connector's error for an answer that is not a success."""
    found = problems(body)
    detail = "; ".join(str(problem) for problem in found) or "no error body"
    message = f"Sendcloud {what}: HTTP {status}: {detail}"
    if status == 429:
        return RetryableError(message, retry_after=retry_after)
    if status >= 500:
        return RetryableError(message, retry_after=retry_after)
    if status in (401, 403):
        return ConfigError(message + " (check the Sendcloud API keys and the integration's settings)")
    if status == 404:
        return NotFound(message)
    return PermanentError(message)
