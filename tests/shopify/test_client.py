"""GraphQL transport: throttle-aware pacing, retries with backoff, no blind retry of mutations.

Throttled body shape: https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits and
https://community.shopify.com/t/throttled/254776 (HTTP 200 + errors[].extensions.code THROTTLED).
"""

from __future__ import annotations

import pytest
import requests
import responses

from connector.errors import ConfigError, OutcomeUnknown, PermanentError, RetryableError
from platforms.shopify.client import GraphQLClient, idempotent_directive
from platforms.shopify.errors import ShopifyUserError
from tests.shopify.helpers import ENDPOINT, SHOP, FakeClock, body_of, gql_ok, raw

QUERY = "query Ping { shop { id } }"
MUTATION = (
    "mutation Refund($input: RefundInput!) { refundCreate(input: $input) "
    '@idempotent(key: "k-1") { refund { id } userErrors { field message } } }'
)
REFUND_VARIABLES = {"input": {"orderId": "gid://shopify/Order/1"}}  # RefundInput.orderId is required


def make_client(clock: FakeClock, **kwargs: object) -> GraphQLClient:
    return GraphQLClient(SHOP, lambda: "shpat_test", sleep=clock.sleep, clock=clock, jitter=lambda: 1.0, **kwargs)  # type: ignore[arg-type]


@responses.activate
def test_sends_token_version_and_json() -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, json=gql_ok({"shop": {"id": "gid://shopify/Shop/1"}}))
    data = make_client(clock).query(QUERY, {"a": 1})
    assert data == {"shop": {"id": "gid://shopify/Shop/1"}}
    call = responses.calls[0]
    assert call.request.headers["X-Shopify-Access-Token"] == "shpat_test"
    assert "/admin/api/2026-04/graphql.json" in call.request.url
    assert body_of(call) == {"query": QUERY, "variables": {"a": 1}}


def test_api_version_must_be_a_release() -> None:
    with pytest.raises(ValueError):
        GraphQLClient(SHOP, lambda: "t", api_version="2026-05")


@responses.activate
def test_waits_before_the_call_when_the_bucket_is_low() -> None:
    clock = FakeClock()
    client = make_client(clock)
    # First answer: query cost 200, bucket at 50 of 1000, restoring 100/s.
    responses.post(ENDPOINT, json=gql_ok({"shop": {}}, available=50, maximum=1000, rate=100, requested=200))
    responses.post(ENDPOINT, json=gql_ok({"shop": {}}, available=800, maximum=1000, rate=100, requested=200))
    client.query(QUERY)
    assert clock.sleeps == []
    client.query(QUERY)
    # needs 200, has 50 → sleeps (200 - 50) / 100 = 1.5 s BEFORE sending, and never got THROTTLED
    assert clock.sleeps == [pytest.approx(1.5)]
    assert len(responses.calls) == 2


@responses.activate
def test_no_wait_when_the_bucket_refilled_meanwhile() -> None:
    clock = FakeClock()
    client = make_client(clock)
    responses.post(ENDPOINT, json=gql_ok({"shop": {}}, available=50, maximum=1000, rate=100, requested=200))
    client.query(QUERY)
    clock.now += 2.0  # 2 s later the bucket holds 250
    client.query(QUERY)
    assert clock.sleeps == []


@responses.activate
def test_retries_throttled_200_waiting_for_the_requested_cost() -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, body=raw("throttled.json"), content_type="application/json")
    responses.post(ENDPOINT, json=gql_ok({"shop": {"id": "1"}}))
    data = make_client(clock).query(QUERY)
    assert data == {"shop": {"id": "1"}}
    assert len(responses.calls) == 2
    # (752 requested - 666 available) / 50 per second = 1.72 s, longer than the first backoff step
    assert clock.sleeps[-1] == pytest.approx(1.72)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
@responses.activate
def test_retries_429_and_5xx_with_exponential_backoff(status: int) -> None:
    clock = FakeClock()
    for _ in range(3):
        responses.post(ENDPOINT, status=status, body="oops")
    responses.post(ENDPOINT, json=gql_ok({"ok": True}))
    assert make_client(clock, base_delay=0.5).query(QUERY) == {"ok": True}
    assert len(responses.calls) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


@responses.activate
def test_retry_after_header_is_honoured() -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, status=429, headers={"Retry-After": "4"})
    responses.post(ENDPOINT, json=gql_ok({"ok": True}))
    make_client(clock).query(QUERY)
    assert clock.sleeps == [4.0]


@responses.activate
def test_jitter_spreads_delays_between_half_and_full() -> None:
    clock = FakeClock()
    client = GraphQLClient(SHOP, lambda: "t", sleep=clock.sleep, clock=clock, jitter=lambda: 0.0, base_delay=1.0)
    responses.post(ENDPOINT, status=503)
    responses.post(ENDPOINT, json=gql_ok({"ok": True}))
    client.query(QUERY)
    assert clock.sleeps == [0.5]


@responses.activate
def test_gives_up_after_max_attempts_with_a_retryable_error() -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, status=503)
    with pytest.raises(RetryableError) as info:
        make_client(clock, max_attempts=3).query(QUERY)
    assert not isinstance(info.value, OutcomeUnknown)
    assert len(responses.calls) == 3


@responses.activate
def test_query_timeouts_and_connection_errors_are_retried() -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, body=requests.ReadTimeout("read timed out"))
    responses.post(ENDPOINT, body=requests.ConnectionError("reset by peer"))
    responses.post(ENDPOINT, json=gql_ok({"ok": True}))
    assert make_client(clock).query(QUERY) == {"ok": True}
    assert len(responses.calls) == 3


@responses.activate
def test_mutation_without_key_is_not_retried_after_a_read_timeout() -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, body=requests.ReadTimeout("read timed out"))
    responses.post(ENDPOINT, json=gql_ok({"returnClose": {"userErrors": []}}))
    with pytest.raises(OutcomeUnknown):
        make_client(clock).mutate(
            "mutation X { returnClose(id: 1) { userErrors { message } } }", payload_key="returnClose"
        )
    assert len(responses.calls) == 1


@responses.activate
def test_mutation_with_key_is_retried_with_the_same_document() -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, body=requests.ReadTimeout("read timed out"))
    responses.post(ENDPOINT, status=502)
    responses.post(
        ENDPOINT, json=gql_ok({"refundCreate": {"refund": {"id": "gid://shopify/Refund/1"}, "userErrors": []}})
    )
    payload = make_client(clock).mutate(
        MUTATION, {"input": {"orderId": "o"}}, payload_key="refundCreate", idempotent=True
    )
    assert payload["refund"]["id"] == "gid://shopify/Refund/1"
    sent = [body_of(c) for c in responses.calls]
    assert len(sent) == 3 and all(s == sent[0] for s in sent)  # identical key and variables every time
    assert '@idempotent(key: "k-1")' in sent[0]["query"]


@responses.activate
def test_mutation_throttled_is_retried_even_without_key() -> None:
    """THROTTLED means Shopify refused before running anything: safe to send again."""
    clock = FakeClock()
    responses.post(ENDPOINT, body=raw("throttled.json"), content_type="application/json")
    responses.post(ENDPOINT, json=gql_ok({"returnClose": {"userErrors": []}}))
    make_client(clock).mutate("mutation X { returnClose(id: 1) { userErrors { message } } }", payload_key="returnClose")
    assert len(responses.calls) == 2


@responses.activate
def test_user_errors_are_permanent_and_not_retried() -> None:
    clock = FakeClock()
    responses.post(
        ENDPOINT,
        json=gql_ok(
            {
                "refundCreate": {
                    "refund": None,
                    "userErrors": [
                        {"field": ["input", "transactions"], "message": "Amount exceeds refundable", "code": "INVALID"}
                    ],
                }
            }
        ),
    )
    with pytest.raises(ShopifyUserError) as info:
        make_client(clock).mutate(MUTATION, REFUND_VARIABLES, payload_key="refundCreate", idempotent=True)
    assert info.value.codes == ("INVALID",)
    assert isinstance(info.value, PermanentError)
    assert len(responses.calls) == 1 and clock.sleeps == []


@responses.activate
def test_concurrent_idempotent_request_is_retryable() -> None:
    clock = FakeClock()
    responses.post(
        ENDPOINT,
        json=gql_ok(
            {
                "refundCreate": {
                    "refund": None,
                    "userErrors": [{"field": None, "message": "busy", "code": "IDEMPOTENCY_CONCURRENT_REQUEST"}],
                }
            }
        ),
    )
    with pytest.raises(RetryableError):
        make_client(clock).mutate(MUTATION, REFUND_VARIABLES, payload_key="refundCreate", idempotent=True)


@pytest.mark.parametrize(
    ("status", "error"), [(401, ConfigError), (403, ConfigError), (400, PermanentError), (422, PermanentError)]
)
@responses.activate
def test_4xx_are_not_retried(status: int, error: type[Exception]) -> None:
    clock = FakeClock()
    responses.post(ENDPOINT, status=status, json={"errors": "nope"})
    with pytest.raises(error):
        make_client(clock).query(QUERY)
    assert len(responses.calls) == 1


@responses.activate
def test_graphql_validation_error_is_permanent() -> None:
    clock = FakeClock()
    responses.post(
        ENDPOINT,
        json={
            "errors": [
                {"message": "Field 'nope' doesn't exist on type 'Shop'", "extensions": {"code": "undefinedField"}}
            ]
        },
    )
    with pytest.raises(PermanentError):
        make_client(clock).query(QUERY)
    assert len(responses.calls) == 1


@responses.activate
def test_access_denied_is_a_config_error() -> None:
    clock = FakeClock()
    responses.post(
        ENDPOINT,
        json={"errors": [{"message": "Access denied for returns field.", "extensions": {"code": "ACCESS_DENIED"}}]},
    )
    with pytest.raises(ConfigError):
        make_client(clock).query(QUERY)


@responses.activate
def test_money_is_parsed_as_decimal() -> None:
    from decimal import Decimal

    clock = FakeClock()
    responses.post(ENDPOINT, body='{"data": {"x": {"amount": 12.30}}}', content_type="application/json")
    data = make_client(clock).query(QUERY)
    assert data["x"]["amount"] == Decimal("12.30") and isinstance(data["x"]["amount"], Decimal)


def test_idempotent_directive_refuses_odd_keys() -> None:
    assert idempotent_directive("act-1:refund") == '@idempotent(key: "act-1:refund")'
    with pytest.raises(PermanentError):
        idempotent_directive('x") { evil }')


@responses.activate
def test_an_unseen_query_is_assumed_as_dear_as_the_dearest_seen() -> None:
    clock = FakeClock()
    client = make_client(clock)
    responses.post(ENDPOINT, json=gql_ok({"a": 1}, available=100, maximum=1000, rate=100, requested=800))
    responses.post(ENDPOINT, json=gql_ok({"b": 1}, available=900, maximum=1000, rate=100, requested=20))
    client.query(QUERY)
    client.query("query Other { shop { name } }")
    assert clock.sleeps == [pytest.approx(7.0)]  # (800 - 100) / 100, waited before sending, no THROTTLED
    assert client.stats == {"requests": 2, "throttled": 0, "retries": 0, "paced_s": pytest.approx(7.0)}


@responses.activate
def test_stats_count_throttling_and_retries() -> None:
    clock = FakeClock()
    client = make_client(clock)
    responses.post(ENDPOINT, body=raw("throttled.json"), content_type="application/json")
    responses.post(ENDPOINT, status=429)
    responses.post(ENDPOINT, json=gql_ok({"ok": True}))
    client.query(QUERY)
    assert client.stats["throttled"] == 2 and client.stats["retries"] == 2 and client.stats["requests"] == 3


@responses.activate
def test_decimal_variables_are_sent_as_strings() -> None:
    from decimal import Decimal

    clock = FakeClock()
    responses.post(ENDPOINT, json=gql_ok({"ok": True}))
    make_client(clock).query(QUERY, {"amount": Decimal("10.10")})
    assert body_of(responses.calls[0])["variables"] == {"amount": "10.10"}
