"""The store page's signed address of a return (``connector.pages.store.links``): made outside any request, read
back only for the same shop and return, under any key still listed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from connector.config.model import AppSettings, Config
from connector.pages.keys import portal_keys
from connector.pages.store.links import read_return_code, return_code, store_return_url


def test_the_url_is_absolute_on_the_apps_address_and_reads_back() -> None:
    config = replace(Config(), app=AppSettings(base_url="https://returns.example.com/"))
    url = store_return_url(config, "shop-a", "R0123456789AB", keys=["k1"])
    prefix = "https://returns.example.com/store/shop-a/c/"
    assert url.startswith(prefix)
    code = url.removeprefix(prefix)
    assert code.startswith("R0123456789AB.")
    assert read_return_code(["k1"], "shop-a", code) == "R0123456789AB"


def test_a_code_is_worthless_for_another_shop_or_return_or_key() -> None:
    code = return_code(["k1"], "shop-a", "R1")
    assert read_return_code(["k1"], "shop-b", code) is None
    assert read_return_code(["k1"], "shop-a", code.replace("R1.", "R2.")) is None
    assert read_return_code(["other"], "shop-a", code) is None
    assert read_return_code(["k1"], "shop-a", "R1") is None
    assert read_return_code(["k1"], "shop-a", "") is None


def test_a_code_made_before_a_key_rotation_still_reads() -> None:
    old = return_code(["old"], "shop-a", "R1")
    assert read_return_code(["new", "old"], "shop-a", old) == "R1"
    assert read_return_code(["new", "old"], "shop-a", return_code(["new", "old"], "shop-a", "R1")) == "R1"


def test_by_default_the_keys_are_the_processs_portal_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "store-links-test-key")
    config = Config()
    url = store_return_url(config, "shop-a", "R1")
    assert read_return_code(portal_keys(config), "shop-a", url.rsplit("/", 1)[1]) == "R1"
