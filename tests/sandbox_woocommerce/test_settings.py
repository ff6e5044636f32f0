"""Store settings and currency as WooCommerce 10.0.2 answers them (issue 16: currency and tax settings).

Shapes seen on a real store: ``GET settings/general`` and ``settings/tax`` list ``{id, label, description,
type, default, options?, tip, value, group_id}``; ``woocommerce_calc_taxes`` is in group general;
``GET data/currencies/current`` is ``{code, name, symbol}`` with the symbol HTML-encoded.
"""

from __future__ import annotations

from typing import Any

from tests.sandbox_woocommerce.conftest import Woo


def _values(woo: Woo, group: str) -> dict[str, Any]:
    reply = woo.get(f"settings/{group}")
    assert reply.status_code == 200, reply.text
    return {item["id"]: item["value"] for item in reply.json()}


def test_a_usd_store_says_so_everywhere(woo_factory: Any) -> None:
    woo = woo_factory(orders=3, currency="USD", prices_include_tax=False, calc_taxes=True)
    assert _values(woo, "general")["woocommerce_currency"] == "USD"
    assert _values(woo, "general")["woocommerce_calc_taxes"] == "yes"
    assert _values(woo, "tax")["woocommerce_prices_include_tax"] == "no"
    current = woo.get("data/currencies/current").json()
    assert (current["code"], current["name"], current["symbol"]) == ("USD", "United States (US) dollar", "&#36;")
    one = woo.get("settings/general/woocommerce_currency").json()
    assert {k: one[k] for k in ("id", "type", "default", "value", "group_id")} == {
        "id": "woocommerce_currency", "type": "select", "default": "USD", "value": "USD", "group_id": "general"}
    assert "USD" in one["options"]


def test_settings_are_written_like_the_real_store(woo: Woo) -> None:
    assert _values(woo, "tax")["woocommerce_prices_include_tax"] == "yes"  # the default sandbox: an EU store
    changed = woo.put("settings/tax/woocommerce_prices_include_tax", {"value": "no"})
    assert changed.status_code == 200 and changed.json()["value"] == "no"
    assert _values(woo, "tax")["woocommerce_prices_include_tax"] == "no"
    bad = woo.put("settings/tax/woocommerce_prices_include_tax", {"value": "maybe"})
    assert bad.status_code == 400 and bad.json()["code"] == "rest_setting_value_invalid"
    assert woo.get("settings/tax/woocommerce_calc_taxes").json()["code"] == "rest_setting_setting_invalid"
    assert woo.get("settings/nope").json()["code"] == "rest_setting_setting_group_invalid"
