"""Transport: pagination, retries on reads only, error classification, auth modes."""

from __future__ import annotations

import base64
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers

from connector.errors import ConfigError, NotFound, OutcomeUnknown, PermanentError, RetryableError
from platforms.woocommerce.client import RetryPolicy, WooClient
from platforms.woocommerce.errors import WooApiError, parse_error_body
from tests.woocommerce.conftest import API, Sleeps


def _pages(rsps: responses.RequestsMock, total_pages: int, per_page: int) -> None:
    for page in range(1, total_pages + 1):
        rsps.get(
            f"{API}/orders",
            match=[matchers.query_param_matcher({"page": str(page), "per_page": str(per_page)}, strict_match=False)],
            json=[{"id": page * 1000 + i} for i in range(per_page)],
            headers={"X-WP-Total": str(total_pages * per_page), "X-WP-TotalPages": str(total_pages)},
        )


def test_pagination_follows_total_pages(client: WooClient, rsps: responses.RequestsMock) -> None:
    _pages(rsps, total_pages=3, per_page=2)
    ids = [o["id"] for o in client.paginate("orders", per_page=2)]
    assert ids == [1000, 1001, 2000, 2001, 3000, 3001]
    assert len(rsps.calls) == 3


def test_pagination_is_lazy(client: WooClient, rsps: responses.RequestsMock) -> None:
    _pages(rsps, total_pages=5, per_page=2)
    stream = client.paginate("orders", per_page=2)
    assert next(stream)["id"] == 1000
    assert len(rsps.calls) == 1  # one page in memory, nothing read ahead


def test_pagination_caps_per_page_at_100(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders", json=[], headers={"X-WP-TotalPages": "0"})
    assert list(client.paginate("orders", per_page=500)) == []
    assert parse_qs(urlsplit(rsps.calls[0].request.url).query)["per_page"] == ["100"]


def test_read_retried_on_503_then_succeeds(client: WooClient, rsps: responses.RequestsMock, sleeps: Sleeps) -> None:
    rsps.get(f"{API}/orders/1", status=503)
    rsps.get(f"{API}/orders/1", status=429, headers={"Retry-After": "2"})
    rsps.get(f"{API}/orders/1", json={"id": 1, "total": "1.10"})
    assert client.get("orders/1") == {"id": 1, "total": "1.10"}
    assert len(rsps.calls) == 3
    assert len(sleeps) == 2 and sleeps[1] == 2.0  # Retry-After honoured


def test_read_gives_up_after_max_retries(client: WooClient, rsps: responses.RequestsMock, sleeps: Sleeps) -> None:
    rsps.get(f"{API}/orders/1", status=502)
    with pytest.raises(RetryableError):
        client.get("orders/1")
    assert len(rsps.calls) == 4  # 1 + 3 retries
    assert all(0 <= s <= 8 for s in sleeps)


def test_read_timeout_is_retried(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders/1", body=requests.ReadTimeout("slow"))
    rsps.get(f"{API}/orders/1", json={"id": 1})
    assert client.get("orders/1") == {"id": 1}


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_write_is_never_retried_and_outcome_unknown(
    client: WooClient, rsps: responses.RequestsMock, status: int
) -> None:
    rsps.post(f"{API}/orders/1/refunds", status=status, body="<html>Bad gateway</html>")
    with pytest.raises(OutcomeUnknown):
        client.post("orders/1/refunds", {"amount": "1.00"})
    assert len(rsps.calls) == 1


def test_write_timeout_is_outcome_unknown(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/coupons", body=requests.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknown):
        client.post("coupons", {"code": "X"})
    assert len(rsps.calls) == 1


def test_write_throttled_is_retryable_not_unknown(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/coupons", status=429, headers={"Retry-After": "7"})
    with pytest.raises(RetryableError) as info:
        client.post("coupons", {"code": "X"})
    assert not isinstance(info.value, OutcomeUnknown)
    assert info.value.retry_after == 7.0
    assert len(rsps.calls) == 1


def test_woo_error_body_is_permanent_with_code(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.post(
        f"{API}/coupons",
        status=400,
        json={
            "code": "woocommerce_rest_coupon_code_already_exists",
            "message": "The coupon code already exists",
            "data": {"status": 400},
        },
    )
    with pytest.raises(WooApiError) as info:
        client.post("coupons", {"code": "X"})
    assert info.value.code == "woocommerce_rest_coupon_code_already_exists"
    assert info.value.status == 400 and info.value.woo_status == 400
    assert isinstance(info.value, PermanentError)


def test_gateway_refusal_500_is_permanent_for_a_write(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.post(
        f"{API}/orders/1/refunds",
        status=500,
        json={
            "code": "woocommerce_rest_cannot_create_order_refund",
            "message": "The payment gateway for this order does not support automatic refunds.",
            "data": 500,
        },
    )
    with pytest.raises(WooApiError) as info:
        client.post("orders/1/refunds", {})
    assert info.value.code == "woocommerce_rest_cannot_create_order_refund" and info.value.woo_status == 500


@pytest.mark.parametrize(("status", "kind"), [(401, ConfigError), (403, ConfigError), (404, NotFound)])
def test_auth_and_missing(client: WooClient, rsps: responses.RequestsMock, status: int, kind: type) -> None:
    rsps.get(f"{API}/orders/9", status=status, json={"code": "x", "message": "m", "data": {"status": status}})
    with pytest.raises(kind):
        client.get("orders/9")
    assert len(rsps.calls) == 1  # not retried


def test_redirect_is_not_followed(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/orders", status=301, headers={"Location": "https://www.shop.example/wp-json/wc/v3/orders"})
    with pytest.raises(ConfigError, match="redirects"):
        client.post("orders", {})
    assert len(rsps.calls) == 1


def test_non_json_success(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders/1", body="<html>cache</html>")
    with pytest.raises(PermanentError):
        client.get("orders/1")
    rsps.post(f"{API}/orders", body="<html>cache</html>")
    with pytest.raises(OutcomeUnknown):
        client.post("orders", {})


def test_money_decoded_as_decimal_and_sent_as_string(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/orders", match=[matchers.json_params_matcher({"total": "1.10"})], body='{"id": 5, "price": 1.10}')
    assert client.post("orders", {"total": Decimal("1.10")})["price"] == Decimal("1.10")


def test_basic_auth_over_https(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders", json=[])
    client.get("orders")
    expected = "Basic " + base64.b64encode(b"ck_test:cs_test").decode()
    assert rsps.calls[0].request.headers["Authorization"] == expected
    assert "consumer_key" not in (rsps.calls[0].request.url or "")


def test_query_string_auth_option(rsps: responses.RequestsMock) -> None:
    c = WooClient("https://shop.example", "ck_q", "cs_q", query_string_auth=True)
    rsps.get(f"{API}/orders", json=[])
    c.get("orders")
    query = parse_qs(urlsplit(rsps.calls[0].request.url).query)
    assert query["consumer_key"] == ["ck_q"] and query["consumer_secret"] == ["cs_q"]
    assert "Authorization" not in rsps.calls[0].request.headers


def test_oauth_over_http_signs_each_attempt(rsps: responses.RequestsMock) -> None:
    c = WooClient(
        "http://shop.test", "ck_o", "cs_o", retry=RetryPolicy(max_retries=1, base_delay=0), sleep=lambda s: None
    )
    rsps.get("http://shop.test/wp-json/wc/v3/orders", status=503)
    rsps.get("http://shop.test/wp-json/wc/v3/orders", json=[])
    c.get("orders", {"status": "completed"})
    first, second = (parse_qs(urlsplit(call.request.url).query) for call in rsps.calls)
    for query in (first, second):
        assert query["oauth_consumer_key"] == ["ck_o"]
        assert query["oauth_signature_method"] == ["HMAC-SHA256"]
        assert query["status"] == ["completed"]  # once, not twice (the package's API class bug)
        assert "consumer_secret" not in query
    assert first["oauth_nonce"] != second["oauth_nonce"]
    assert "Authorization" not in rsps.calls[0].request.headers


def test_parse_error_body_is_defensive() -> None:
    assert parse_error_body({"code": "c", "message": "m", "data": {"status": 404}}).status == 404  # type: ignore[union-attr]
    assert parse_error_body({"code": "c", "data": 500}).status == 500  # type: ignore[union-attr]
    assert parse_error_body({"code": "c", "data": None}).status is None  # type: ignore[union-attr]
    assert parse_error_body(["x"]) is None and parse_error_body({"message": "no code"}) is None


def test_repr_hides_keys(client: WooClient) -> None:
    assert "ck_test" not in repr(client) and "cs_test" not in repr(client)


def test_connection_refused_on_write_is_retryable_not_unknown(rsps: responses.RequestsMock) -> None:
    c = WooClient("https://shop.example", "k", "s")
    rsps.post(f"{API}/orders", body=requests.ConnectionError("NewConnectionError: Connection refused"))
    with pytest.raises(RetryableError) as info:
        c.post("orders", {})
    assert not isinstance(info.value, OutcomeUnknown)


def test_tls_failure_is_a_config_error_not_retried(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders/1", body=requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED"))
    with pytest.raises(ConfigError, match="TLS"):
        client.get("orders/1")
    assert len(rsps.calls) == 1
