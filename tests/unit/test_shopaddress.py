"""One spelling per shop address: what the CLI, the config, the install flows and the webhook intake store."""

from __future__ import annotations

import pytest

from connector.errors import ConfigError
from connector.shopaddress import normalize_source, shopify_shop_domain, woocommerce_store_url
from platforms.shopify.settings import SECTION as SHOPIFY
from platforms.woocommerce.settings import SECTION as WOOCOMMERCE


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("https://example.fr/", "https://example.fr"),
        ("HTTPS://Shop.Example:443/boutique/", "https://shop.example/boutique"),
        ("http://shop.example:80", "http://shop.example"),
        ("https://shop.example:8443/", "https://shop.example:8443"),
        ("  https://shop.example.  ", "https://shop.example"),
        ("http://[::1]:8080/", "http://[::1]:8080"),  # the brackets stay: without them the URL is broken
        ("http://[FC00:0::1]/", "http://[fc00::1]"),
        ("https://café.fr/", "https://xn--caf-dma.fr"),
    ],
)
def test_store_urls_have_one_spelling(raw: str, stored: str) -> None:
    assert woocommerce_store_url(raw) == stored
    assert woocommerce_store_url(stored) == stored


@pytest.mark.parametrize(
    "bad",
    [
        "file:///etc/passwd", "gopher://shop.example", "javascript:alert(1)", "shop.example", "//shop.example",
        "http://user:pass@shop.example", "http://@shop.example", "https://shop.example@evil.example",
        "https://shop.example/?a=1", "https://shop.example/?", "https://shop.example/#x", "https://shop.example#",
        "http://[::1", "http://shop.example:99999", "https://exa mple.com", "https://exa\\mple.com", "http:///x",
    ],
)
def test_store_urls_refused(bad: str) -> None:
    with pytest.raises(ConfigError):
        woocommerce_store_url(bad)


def test_webhook_source_matches_the_stored_spelling() -> None:
    """Woo sends its home URL with a trailing slash; a shop added with or without one must match it."""
    assert normalize_source("https://Example.fr/") == woocommerce_store_url("https://example.fr/")
    assert normalize_source("https://example.fr/?x") is None


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("demo-shop.myshopify.com", "demo-shop.myshopify.com"), (" Demo-Shop.myshopify.com ", "demo-shop.myshopify.com"),
     ("0.myshopify.com", "0.myshopify.com")],
)
def test_shopify_domains(raw: str, stored: str) -> None:
    assert shopify_shop_domain(raw) == stored


@pytest.mark.parametrize(
    "bad",
    [
        "evil.com", "https://demo.myshopify.com", "demo.myshopify.com/", "demo.myshopify.com.evil.com",
        "-demo.myshopify.com", "demo_shop.myshopify.com", "demo.myshopify.com@evil.com", "myshopify.com",
        "demo.myshopify.com\nx", "a.b.myshopify.com", "", "x" * 250 + ".myshopify.com",
    ],
)
def test_shopify_domains_refused(bad: str) -> None:
    with pytest.raises(ConfigError):
        shopify_shop_domain(bad)


def test_each_platform_spells_its_declared_addresses() -> None:
    """``[[shops]]`` addresses are spelled by their platform's config section, as its other doors spell them."""
    assert SHOPIFY.spell_address("A.myshopify.com", allow_private=False) == "a.myshopify.com"
    assert WOOCOMMERCE.spell_address("https://A.example/", allow_private=False) == "https://a.example"
    with pytest.raises(ConfigError):
        SHOPIFY.spell_address("https://a.example", allow_private=True)
    with pytest.raises(ConfigError, match="allow_private_store_urls"):
        WOOCOMMERCE.spell_address("http://127.0.0.1:8082/", allow_private=False)
    assert WOOCOMMERCE.spell_address("http://127.0.0.1:8082/", allow_private=True) == "http://127.0.0.1:8082"
