"""The three documented error shapes, the pacing to the documented limits, and the provider.

Docs: error bodies in OAS v3 returns (``components/schemas/errors``, ``components/responses/400``,
``ErrorObject``), v2 parcel documents (404 ``{"error": …}``), v3 parcel tracking (``{"detail": …}``);
rate limits https://sendcloud.dev/docs/getting-started/rate-limits.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
import requests
import responses

from carriers.sendcloud import provider
from carriers.sendcloud.client import SendcloudClient
from carriers.sendcloud.errors import Problem, error_for_response, problems
from carriers.sendcloud.ratelimit import TokenBucket, documented_buckets
from connector.errors import ConfigError, NotFound, OutcomeUnknown, PermanentError, RetryableError
from tests.carriers.sendcloud import oas
from tests.carriers.sendcloud.fixtures import BASE, DOCS_V2, RETURNS, V3, Sleeps, unlimited


def test_the_errors_shape_with_field_message_and_an_integer_code() -> None:
    # OAS v3 returns patch-returns_cancel 409 example (code 409 an integer, though the errors schema says string).
    body = oas.example(RETURNS, "/returns/{id}/cancel", "patch", "409")
    assert problems(body) == [Problem("409", "Return is not cancellable.", "returns")]


def test_the_error_shape_with_code_request_and_message() -> None:
    # OAS v2 parcel documents 404 example NotFound.
    body = oas.example(DOCS_V2, "/parcels/{id}/documents/{type}", "get", "404", "NotFound")
    assert problems(body) == [
        Problem("404", "No Parcel matches the given query.", "api/v2/parcels/1/documents/commercial-invoice")]


def test_the_json_api_shape_with_status_detail_and_source() -> None:
    # OAS v3 returns ErrorObject: status, code, title, detail, source.pointer.
    body = {"errors": [{"status": "400", "code": "invalid", "title": "Invalid",
                        "detail": "Not a valid country", "source": {"pointer": "/from_address/country_code"}}]}
    assert problems(body) == [Problem("invalid", "Not a valid country", "/from_address/country_code")]


def test_fastapi_details_of_the_tracking_api_are_read_too() -> None:
    # OAS v3 parcel tracking: 404 {"detail": "Parcel does not exist"}, 422 HTTPValidationError.
    assert problems({"detail": "Parcel does not exist"}) == [Problem("", "Parcel does not exist")]
    assert problems({"detail": [{"loc": ["path", "tracking_number"], "msg": "too long", "type": "value_error"}]}) == [
        Problem("value_error", "too long", "path.tracking_number")]


@pytest.mark.parametrize(
    ("status", "kind"),
    [(429, RetryableError), (500, RetryableError), (503, RetryableError), (401, ConfigError), (403, ConfigError),
     (404, NotFound), (400, PermanentError), (409, PermanentError)],
)
def test_statuses_map_to_the_cores_errors(status: int, kind: type[Exception]) -> None:
    error = error_for_response(status, None, "call", retry_after=3)
    assert type(error) is kind
    assert getattr(error, "retry_after", 3) == 3


def test_the_write_bucket_allows_a_burst_of_15_then_paces_at_100_a_minute() -> None:
    now = [0.0]
    bucket = TokenBucket(capacity=15, rate=100 / 60, clock=lambda: now[0])
    assert [bucket.take() for _ in range(15)] == [0.0] * 15
    assert bucket.take() == pytest.approx(0.6)
    now[0] = 60.0
    assert bucket.take() == 0.0
    safe, unsafe = documented_buckets()
    assert (safe.rate, unsafe.rate, unsafe.capacity) == (1000 / 60, 100 / 60, 15)


def test_the_provider_reads_the_keys_from_the_named_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SC_PUBLIC", "pub")
    monkeypatch.setenv("SC_SECRET", "sec")
    section = {"public_key_env": "SC_PUBLIC", "secret_key_env": "SC_SECRET", "option_code": "dpd:return/return",
               "base_url": "http://127.0.0.1:8765/api"}
    adapter = provider.build(section, {})
    assert adapter.key == "sendcloud"
    signed = hmac.new(b"sec", b"{}", hashlib.sha256).hexdigest()  # the Secret Key signs when no webhook key
    assert adapter.verify_tracking_webhook(b"{}", {"Sendcloud-Signature": signed})
    with pytest.raises(ConfigError):
        provider.build({"public_key_env": "SC_NOTHING"}, {})


@responses.activate
def test_a_read_that_times_out_is_retried_but_a_write_that_cannot_connect_is_only_retryable() -> None:
    # A connect timeout sent nothing (no OutcomeUnknown); a read timeout on GET is retried with backoff.
    responses.get(f"{V3}/returns/1", body=requests.ReadTimeout("slow"))
    responses.get(f"{V3}/returns/1", json={"ok": True})
    responses.post(f"{V3}/returns", body=requests.ConnectTimeout("no route"))
    sleeps = Sleeps()
    client = SendcloudClient("public", "secret", base_url=BASE, sleep=sleeps, buckets=unlimited())

    assert client.request("GET", "/v3/returns/1", what="return").body == {"ok": True}
    with pytest.raises(RetryableError) as raised:
        client.request("POST", "/v3/returns", json={}, what="create")
    assert not isinstance(raised.value, OutcomeUnknown)
    assert len(sleeps) == 1 and [c.request.method for c in responses.calls] == ["GET", "GET", "POST"]


@responses.activate
def test_a_retry_after_longer_than_a_worker_should_block_goes_back_to_the_queue() -> None:
    responses.post(f"{V3}/returns", status=429, headers={"Retry-After": "3600"})
    client = SendcloudClient("public", "secret", base_url=BASE, sleep=Sleeps(), buckets=unlimited())

    with pytest.raises(RetryableError) as raised:
        client.request("POST", "/v3/returns", json={}, what="create")
    assert raised.value.retry_after == 3600 and len(responses.calls) == 1


def test_sendcloud_registers_under_the_carriers_entry_point_with_every_capability_it_may_declare() -> None:
    from connector import carriers_registry
    from connector.domain.shipping import CarrierCapability

    found = carriers_registry.carrier_provider("sendcloud")
    assert found.adapter_factory is provider.build
    assert found.capabilities == frozenset(CarrierCapability) - {CarrierCapability.IN_STORE}
