from __future__ import annotations

import logging

import pytest

from connector.logsafe import RedactingFilter, redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("token shpat_0123456789abcdef stored", "shpat_0123456789abcdef"),
        ("GET /wp-json/wc/v3/orders?oauth_consumer_key=ck_0123456789abcdef0123&oauth_signature=AbC%2B",
         "AbC%2B"),
        ("callback /shopify/callback?code=one-time-code&hmac=deadbeef&shop=a.myshopify.com", "one-time-code"),
        ("Authorization: Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi.payload.sig"),
        ("keys cs_0123456789abcdef0123456789 received", "cs_0123456789abcdef0123456789"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_the_filter_masks_formatted_records(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.logsafe")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.logsafe"):
        logger.info("refreshed %s for %s", "shpat_abcdef123456", "a.myshopify.com")
    assert "shpat_abcdef123456" not in caplog.text
    assert "a.myshopify.com" in caplog.text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('"GET /api/v1/track/eyJzIjoiYSIsInIiOiJiIn0.c2lnbmF0dXJl HTTP/1.1" 200', "eyJzIjoiYSIsInIiOiJiIn0"),
        ("GET /api/v1/track/opaque-link-token-123 HTTP/1.1", "opaque-link-token-123"),
        ("/shopify/callback?shop=a.myshopify.com&state=0pMuBLyO5bK6&timestamp=1", "0pMuBLyO5bK6"),
        ("/woocommerce/return?success=1&user_id=EW0jpa7Igdn", "EW0jpa7Igdn"),
        ("/embedded?id_token=abc.def.ghi&shop=a", "abc.def.ghi"),
        ("/x?token=t0ps3cr3t&y=1", "t0ps3cr3t"),
        ("X-API-Key rck_0123456789ab_SuperSecretPartOfTheKey", "SuperSecretPartOfTheKey"),
        ("Authorization: Basic Y2tfMTIzOmNzXzQ1Ng==", "Y2tfMTIzOmNzXzQ1Ng=="),
        ("key file holds zmWQ5vR3l0x2M1S9b8y6j4h2g0f8e6d4c2b0a9z8y7x=", "zmWQ5vR3l0x2M1S9b8y6j4h2g0f8e6d4c2b0a9z8y7x="),
    ],
)
def test_links_states_and_keys_are_masked(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_ordinary_words_are_left_alone() -> None:
    text = "postcode=75001 barcode=123 shop=a.myshopify.com /api/v1/portal/shop-1/lookup"
    assert redact(text) == text


def test_the_filter_masks_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.logsafe.exc")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.logsafe.exc"):
        try:
            raise ValueError("could not fetch /api/v1/track/secret-link-token")
        except ValueError:
            logger.exception("failed")
    assert "secret-link-token" not in caplog.text and "/track/***" in caplog.text
