"""``[[shops]]`` addresses: stored as every other entry point stores them, and never pointing inside."""

from __future__ import annotations

import pytest

from connector.config import ConfigError, load_config_text


def _shop(platform: str, address: str, app: str = "") -> str:
    return f"{app}[[shops]]\nplatform = \"{platform}\"\naddress = \"{address}\"\n"


def test_declared_addresses_are_normalised() -> None:
    config = load_config_text(_shop("woocommerce", "https://Example.fr/") + _shop("shopify", "Demo.myshopify.com"),
                              environ={})
    assert [s.address for s in config.shops] == ["https://example.fr", "demo.myshopify.com"]


@pytest.mark.parametrize(
    ("platform", "address"),
    [("shopify", "evil.com"), ("shopify", "Demo.myshopify.com.evil.com"), ("woocommerce", "file:///etc/passwd"),
     ("woocommerce", "http://user:pass@shop.example"), ("woocommerce", "https://shop.example/#top")],
)
def test_malformed_addresses_are_refused(platform: str, address: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(_shop(platform, address), "shops.toml", environ={})
    assert [p.key for p in caught.value.problems] == ["shops[0].address"]


@pytest.mark.parametrize("address", ["http://127.0.0.1:8082", "http://localhost", "http://10.0.0.8", "http://0x7f.1",
                                     "http://169.254.169.254", "http://metadata.google.internal", "http://[::1]"])
def test_internal_store_urls_need_the_flag(address: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(_shop("woocommerce", address), "shops.toml", environ={})
    problem = caught.value.problems[0]
    assert (problem.key, problem.line) == ("shops[0].address", 3)
    assert "allow_private_store_urls" in problem.message
    allowed = load_config_text(_shop("woocommerce", address, "[app]\nallow_private_store_urls = true\n"), environ={})
    assert allowed.app.allow_private_store_urls is True
    assert allowed.shops[0].address == address


def test_the_flag_is_off_by_default_and_takes_only_a_boolean() -> None:
    assert load_config_text("", environ={}).app.allow_private_store_urls is False
    with pytest.raises(ConfigError):
        load_config_text("[app]\nallow_private_store_urls = \"yes\"\n", environ={})
