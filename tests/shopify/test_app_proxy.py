"""App proxy signatures, against Shopify's documented example
(https://shopify.dev/docs/apps/build/online-store/app-proxies/authenticate-app-proxies)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from platforms.shopify.app_proxy import (
    CLOCK_WINDOW_SECONDS,
    AppProxyRefused,
    AppProxyRequest,
    Refusal,
    sign,
    verify_app_proxy,
)

# The documentation's example. Its page shows the signature's first 36 hex digits
# (4c68c8624d737112c91818c11017d24d334b...); the rest is what HMAC-SHA256 gives for them, ending f7395ddb as
# app-surfaces.md reports.
DOC_QUERY = (
    "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1"
    "&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555"
    "&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"
)
DOC_SECRET = "hush"
DOC_NOW = 1317327555.0
APP_SECRET = "shpss_" + "n" * 32
OLD_SECRET = "shpss_" + "o" * 32


def params(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True)


def signed(query: str, secret: str = APP_SECRET) -> dict[str, list[str]]:
    found = params(query)
    found["signature"] = [sign(found, secret)]
    return found


def test_the_documented_example_verifies() -> None:
    verified = verify_app_proxy(params(DOC_QUERY), [DOC_SECRET], now=DOC_NOW)
    assert verified == AppProxyRequest(
        shop="shop-name.myshopify.com", logged_in_customer_id="1", path_prefix="/apps/awesome_reviews"
    )


def test_the_documented_signature_is_what_we_compute() -> None:
    assert sign(params(DOC_QUERY), DOC_SECRET) == params(DOC_QUERY)["signature"][0]


def test_a_tampered_parameter_is_refused() -> None:
    tampered = params(DOC_QUERY.replace("logged_in_customer_id=1", "logged_in_customer_id=2"))
    with pytest.raises(AppProxyRefused) as refused:
        verify_app_proxy(tampered, [DOC_SECRET], now=DOC_NOW)
    assert refused.value.reason is Refusal.BAD_SIGNATURE


def test_an_added_parameter_is_refused() -> None:
    with pytest.raises(AppProxyRefused) as refused:
        verify_app_proxy(params(DOC_QUERY + "&order=1001"), [DOC_SECRET], now=DOC_NOW)
    assert refused.value.reason is Refusal.BAD_SIGNATURE


def test_the_wrong_secret_is_refused() -> None:
    with pytest.raises(AppProxyRefused) as refused:
        verify_app_proxy(params(DOC_QUERY), ["not-hush"], now=DOC_NOW)
    assert refused.value.reason is Refusal.BAD_SIGNATURE


@pytest.mark.parametrize("drift", [CLOCK_WINDOW_SECONDS + 1, -(CLOCK_WINDOW_SECONDS + 1), 86_400])
def test_a_stale_or_future_timestamp_is_refused(drift: int) -> None:
    with pytest.raises(AppProxyRefused) as refused:
        verify_app_proxy(params(DOC_QUERY), [DOC_SECRET], now=DOC_NOW + drift)
    assert refused.value.reason is Refusal.STALE


@pytest.mark.parametrize("drift", [CLOCK_WINDOW_SECONDS, -CLOCK_WINDOW_SECONDS])
def test_the_window_edges_are_accepted(drift: int) -> None:
    assert verify_app_proxy(params(DOC_QUERY), [DOC_SECRET], now=DOC_NOW + drift).shop == "shop-name.myshopify.com"


@pytest.mark.parametrize("key", ["shop", "timestamp", "signature", "hmac"])
def test_a_repeated_single_valued_parameter_is_refused_even_when_signed(key: str) -> None:
    query = "shop=a.myshopify.com&logged_in_customer_id=&path_prefix=/apps/returns&timestamp=1317327555"
    repeated = signed(query)
    repeated[key] = [*repeated.get(key, ["x"]), "other.myshopify.com"]
    if key != "signature":
        repeated["signature"] = [sign(repeated, APP_SECRET)]
    with pytest.raises(AppProxyRefused) as refused:
        verify_app_proxy(repeated, [APP_SECRET], now=DOC_NOW)
    assert refused.value.reason is Refusal.REPEATED


def test_a_request_signed_with_the_previous_secret_passes_during_a_rotation() -> None:
    query = "shop=a.myshopify.com&logged_in_customer_id=&path_prefix=/a/returns&timestamp=1317327555"
    verified = verify_app_proxy(signed(query, OLD_SECRET), [APP_SECRET, OLD_SECRET], now=DOC_NOW)
    assert verified == AppProxyRequest(shop="a.myshopify.com", logged_in_customer_id=None, path_prefix="/a/returns")


def test_a_secret_dropped_after_the_rotation_no_longer_verifies() -> None:
    query = "shop=a.myshopify.com&logged_in_customer_id=&path_prefix=/a/returns&timestamp=1317327555"
    with pytest.raises(AppProxyRefused) as refused:
        verify_app_proxy(signed(query, OLD_SECRET), [APP_SECRET], now=DOC_NOW)
    assert refused.value.reason is Refusal.BAD_SIGNATURE


def test_an_anonymous_visitor_is_signed_with_the_blank_customer_id() -> None:
    query = "shop=a.myshopify.com&logged_in_customer_id=&path_prefix=/apps/returns&timestamp=1317327555"
    found = signed(query)
    assert verify_app_proxy(found, [APP_SECRET], now=DOC_NOW).logged_in_customer_id is None
    del found["logged_in_customer_id"]
    with pytest.raises(AppProxyRefused):
        verify_app_proxy(found, [APP_SECRET], now=DOC_NOW)


@pytest.mark.parametrize(
    "query",
    [
        "shop=evil.com&logged_in_customer_id=&path_prefix=/apps/returns&timestamp=1317327555",
        "shop=a.myshopify.com&logged_in_customer_id=&path_prefix=https://evil.com/x&timestamp=1317327555",
        "shop=a.myshopify.com&logged_in_customer_id=1%20OR%201&path_prefix=/apps/returns&timestamp=1317327555",
        "shop=a.myshopify.com&logged_in_customer_id=&path_prefix=/apps/returns&timestamp=13173275e5",
    ],
)
def test_signed_but_malformed_values_are_refused(query: str) -> None:
    with pytest.raises(AppProxyRefused) as refused:
        verify_app_proxy(signed(query), [APP_SECRET], now=DOC_NOW)
    assert refused.value.reason is Refusal.MALFORMED


def test_without_a_signature_or_a_secret_nothing_passes() -> None:
    unsigned = params(DOC_QUERY)
    del unsigned["signature"]
    with pytest.raises(AppProxyRefused) as missing:
        verify_app_proxy(unsigned, [DOC_SECRET], now=DOC_NOW)
    assert missing.value.reason is Refusal.MISSING
    with pytest.raises(AppProxyRefused) as no_secret:
        verify_app_proxy(params(DOC_QUERY), ["", ""], now=DOC_NOW)
    assert no_secret.value.reason is Refusal.NOT_CONFIGURED
