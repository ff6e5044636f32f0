"""``payment_gateways[/<id>]`` as WooCommerce 10.0.2 answers them (issue 16: one error code for every refund
failure, so the connector reads whether a gateway refunds before asking it).

On a real store ``method_supports`` is ``["products"]`` for bacs, cheque and cod and holds ``"refunds"`` for a
gateway that refunds through its API; an unknown id is 404 ``woocommerce_rest_payment_gateway_invalid``.
"""

from __future__ import annotations

from tests.sandbox_woocommerce.conftest import Woo

REAL_KEYS = {"id", "title", "description", "order", "enabled", "method_title", "method_description",
             "method_supports", "settings", "needs_setup", "post_install_scripts", "settings_url",
             "connection_url", "setup_help_text", "required_settings_keys"}  # fmt: skip


def test_gateways_say_whether_they_refund(woo: Woo) -> None:
    listed = woo.get("payment_gateways")
    assert listed.status_code == 200 and listed.headers["X-WP-Total"] == str(len(listed.json()))
    supports = {g["id"]: g["method_supports"] for g in listed.json()}
    assert supports["bacs"] == supports["cheque"] == supports["cod"] == ["products"]
    assert supports["stripe"] == ["products", "refunds"]
    bacs = woo.get("payment_gateways/bacs").json()
    assert set(bacs) >= REAL_KEYS and bacs["title"] == "Direct bank transfer" and bacs["enabled"] is True


def test_a_gateway_switched_off_stops_listing_refunds(woo: Woo) -> None:
    woo.sandbox("PUT", "gateways/stripe", json={"can_refund": False})
    assert woo.get("payment_gateways/stripe").json()["method_supports"] == ["products"]
    trimmed = woo.get("payment_gateways/paypal", params={"_fields": "id,method_supports"}).json()
    assert trimmed == {"id": "paypal", "method_supports": ["products", "refunds"]}


def test_an_unknown_gateway_is_404_as_on_woocommerce(woo: Woo) -> None:
    missing = woo.get("payment_gateways/acme_pay")
    assert missing.status_code == 404
    assert missing.json() == {"code": "woocommerce_rest_payment_gateway_invalid",
                              "message": "Resource does not exist.", "data": {"status": 404}}
