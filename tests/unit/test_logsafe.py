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
