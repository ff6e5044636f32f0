"""The classification table of platforms/shopify/errors.py, row by row."""

from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import NewConnectionError, ProtocolError

from connector.errors import ConfigError, NotFound, OutcomeUnknown, PermanentError, RetryableError
from platforms.shopify import errors


def exact(value: object, kind: type) -> bool:
    return type(value) is kind


def _refused() -> requests.ConnectionError:
    inner = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(inner)


def _dropped() -> requests.ConnectionError:
    return requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


@pytest.mark.parametrize(
    ("exc", "mutation", "kind"),
    [
        (requests.ConnectTimeout("connect timed out"), True, RetryableError),
        (_refused(), True, RetryableError),
        (requests.ReadTimeout("read timed out"), True, OutcomeUnknown),
        (_dropped(), True, OutcomeUnknown),
        (requests.ReadTimeout("read timed out"), False, RetryableError),
        (_dropped(), False, RetryableError),
    ],
)
def test_transport(exc: requests.RequestException, mutation: bool, kind: type) -> None:
    assert exact(errors.classify_transport(exc, mutation=mutation), kind)


@pytest.mark.parametrize(
    ("status", "mutation", "kind"),
    [
        (429, True, RetryableError),
        (429, False, RetryableError),
        (500, False, RetryableError),
        (503, True, OutcomeUnknown),
        (401, False, ConfigError),
        (403, True, ConfigError),
        (404, False, NotFound),
        (400, True, PermanentError),
        (422, False, PermanentError),
    ],
)
def test_http_status(status: int, mutation: bool, kind: type) -> None:
    assert exact(errors.classify_status(status, mutation=mutation), kind)


def test_2xx_is_not_an_error() -> None:
    assert errors.classify_status(200, mutation=True) is None


@pytest.mark.parametrize(
    ("code", "mutation", "kind"),
    [
        ("THROTTLED", True, RetryableError),
        ("THROTTLED", False, RetryableError),
        ("ACCESS_DENIED", False, ConfigError),
        ("INTERNAL_SERVER_ERROR", True, OutcomeUnknown),
        ("INTERNAL_SERVER_ERROR", False, RetryableError),
        ("undefinedField", False, PermanentError),
        ("", True, PermanentError),
    ],
)
def test_graphql_errors(code: str, mutation: bool, kind: type) -> None:
    result = errors.classify_graphql_errors([{"message": "x", "extensions": {"code": code}}], mutation=mutation)
    assert exact(result, kind)


def test_throttle_carries_the_wait_hint() -> None:
    result = errors.classify_graphql_errors([{"extensions": {"code": "THROTTLED"}}], mutation=False, retry_after=2.5)
    assert isinstance(result, RetryableError) and result.retry_after == 2.5


def test_user_errors() -> None:
    refused = errors.classify_user_errors("returnClose", [{"message": "Return is not open", "code": "INVALID_STATE"}])
    assert isinstance(refused, errors.ShopifyUserError) and refused.codes == ("INVALID_STATE",)
    busy = errors.classify_user_errors("refundCreate", [{"message": "x", "code": "IDEMPOTENCY_CONCURRENT_REQUEST"}])
    assert exact(busy, RetryableError)
