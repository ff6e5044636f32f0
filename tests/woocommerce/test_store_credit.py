"""Store credit as a coupon: fixed code per key, shape, Smart Coupons variant, retries find it (and only
ours, issue 16), an expiry the real store keeps, and a worth that tax cannot inflate."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests
import responses

from connector.domain.actions import ActionKind, StoreCreditInstruction
from connector.domain.money import Money
from connector.errors import OutcomeUnknown
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.credit import PROMISED_META, net_of_tax, saved_by
from platforms.woocommerce.markers import coupon_code
from tests.woocommerce.conftest import API, load

NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)


def credit(key: str = "ret-1:credit:1", amount: str = "27.50") -> StoreCreditInstruction:
    return StoreCreditInstruction(
        idempotency_key=key,
        customer_email="john.doe@example.com",
        customer_id="26",
        amount=Money(amount, "USD"),
        return_id="R-123",
        order_id="727",
    )


def make(client: WooClient, **kw: Any) -> WooCommerceAdapter:
    return WooCommerceAdapter(client, shop_id="s", clock=lambda: NOW, **kw)


def tax_settings(rsps: responses.RequestsMock, *, calc_taxes: str = "no", prices_include_tax: str = "no") -> None:
    """The two settings as WooCommerce 10.0.2 answers them (only ``value`` matters here)."""
    rsps.get(f"{API}/settings/general/woocommerce_calc_taxes",
             json={"id": "woocommerce_calc_taxes", "type": "checkbox", "value": calc_taxes, "group_id": "general"})
    rsps.get(f"{API}/settings/tax/woocommerce_prices_include_tax",
             json={"id": "woocommerce_prices_include_tax", "type": "radio", "value": prices_include_tax,
                   "group_id": "tax"})


def ours(key: str = "ret-1:credit:1", **fields: Any) -> dict[str, Any]:
    """A coupon as we wrote it for ``credit(key)``: our key in meta, the customer's e-mail, 27.50."""
    return {**load("coupon_fixed_cart.json"), "code": coupon_code(key).lower(), "amount": "27.50",
            "meta_data": [{"id": 1, "key": "_returns_connector_key", "value": key}], **fields}


def posted(rsps: responses.RequestsMock) -> Any:
    """The body of the first POST made."""
    return json.loads(next(c for c in rsps.calls if c.request.method == "POST").request.body or "")


def coupon_reply(request: Any) -> tuple[int, dict[str, str], str]:
    body = json.loads(request.body)
    reply = {**load("coupon_fixed_cart.json"), **body, "id": 900, "code": body["code"].lower()}
    return 201, {}, json.dumps(reply, default=str)


def test_code_is_fixed_per_key_and_differs_between_keys() -> None:
    assert coupon_code("ret-1:credit:1") == coupon_code("ret-1:credit:1")
    assert coupon_code("ret-1:credit:1") != coupon_code("ret-1:credit:2")
    assert coupon_code("k").startswith("RC-") and len(coupon_code("k")) == 19


def test_fixed_cart_coupon_shape(client: WooClient, rsps: responses.RequestsMock) -> None:
    tax_settings(rsps)
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    effect = make(client).issue_store_credit(credit())
    body = posted(rsps)
    assert body["code"] == coupon_code("ret-1:credit:1")
    assert body["discount_type"] == "fixed_cart"
    assert body["amount"] == "27.50"
    assert body["email_restrictions"] == ["john.doe@example.com"]
    assert body["usage_limit"] == 1 and body["usage_limit_per_user"] == 1
    # the real store ignores date_expires_gmt on write; an offset makes date_expires exact in any timezone
    assert body["date_expires"] == "2027-03-12T12:00:00+00:00" and "date_expires_gmt" not in body
    assert "[rc:ret-1:credit:1]" in body["description"]
    assert effect.kind is ActionKind.STORE_CREDIT and effect.platform_id == "900"
    assert effect.amount == Money("27.50", "USD") and effect.extra["code"] == coupon_code("ret-1:credit:1")


def test_explicit_expiry_wins(client: WooClient, rsps: responses.RequestsMock) -> None:
    tax_settings(rsps)
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    ins = StoreCreditInstruction(
        "k2", "a@b.c", None, Money("5", "USD"), "R-2", "727", expires_at=datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    )
    make(client).issue_store_credit(ins)
    body = posted(rsps)
    assert body["date_expires"] == "2026-06-30T22:00:00+00:00"


def test_smart_coupon_flag(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    make(client, store_credit_mode="smart_coupon").issue_store_credit(credit())
    body = posted(rsps)
    assert body["discount_type"] == "smart_coupon"
    assert "usage_limit" not in body  # a balance is drawn down over several orders


@pytest.mark.parametrize(
    ("enum", "expected"),
    [
        (["percent", "fixed_cart", "smart_coupon"], "smart_coupon"),
        (["percent", "fixed_cart", "fixed_product"], "fixed_cart"),
    ],
)
def test_smart_coupon_detection(
    client: WooClient, rsps: responses.RequestsMock, enum: list[str], expected: str
) -> None:
    rsps.add(
        responses.OPTIONS,
        f"{API}/coupons",
        json={"namespace": "wc/v3", "schema": {"properties": {"discount_type": {"enum": enum}}}},
    )
    tax_settings(rsps)
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    adapter = make(client, store_credit_mode="auto")
    adapter.issue_store_credit(credit())
    adapter.issue_store_credit(credit("ret-2:credit:1"))
    bodies = [
        json.loads(c.request.body or "")
        for c in rsps.calls if c.request.method == "POST" and "coupons" in str(c.request.url)
    ]
    assert [b["discount_type"] for b in bodies] == [expected, expected]
    assert sum(1 for c in rsps.calls if c.request.method == "OPTIONS") == 1  # detected once


def test_retry_after_lost_answer_finds_coupon(client: WooClient, rsps: responses.RequestsMock) -> None:
    adapter = make(client)
    code = coupon_code("ret-1:credit:1")
    tax_settings(rsps)
    rsps.get(f"{API}/coupons", json=[])
    post = rsps.post(f"{API}/coupons", body=requests.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknown):
        adapter.issue_store_credit(credit())
    rsps.replace(
        responses.GET,
        f"{API}/coupons",
        json=[ours(id=901)],
    )
    found = adapter.find_store_credit(credit())
    assert found is not None and found.platform_id == "901"
    assert adapter.issue_store_credit(credit()).platform_id == "901"
    assert post.call_count == 1
    assert "code=" + code in str(rsps.calls[-1].request.url)


def test_code_exists_race_returns_the_existing_coupon(client: WooClient, rsps: responses.RequestsMock) -> None:
    tax_settings(rsps)
    rsps.get(f"{API}/coupons", json=[])
    rsps.get(f"{API}/coupons", json=[ours(id=902)])
    rsps.post(
        f"{API}/coupons",
        status=400,
        json={"code": "woocommerce_rest_coupon_code_already_exists", "message": "exists", "data": {"status": 400}},
    )
    assert make(client).issue_store_credit(credit()).platform_id == "902"


def test_a_foreign_coupon_under_our_code_is_never_adopted(client: WooClient, rsps: responses.RequestsMock) -> None:
    """Issue 16: someone made a 1.00 coupon for another e-mail with our derived code. It is not our credit:
    the customer's credit moves to the next code, and a retry walks the same codes to the same coupon."""
    code = coupon_code("ret-1:credit:1")
    foreign = {**load("coupon_fixed_cart.json"), "id": 700, "code": code.lower(), "amount": "1.00",
               "email_restrictions": ["someone.else@example.com"]}
    held: dict[str, list[dict[str, Any]]] = {code: [foreign]}

    def by_code(request: Any) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps(held.get(request.params["code"], []), default=str)

    tax_settings(rsps)
    rsps.add_callback(responses.GET, f"{API}/coupons", callback=by_code)
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    adapter = make(client)
    assert adapter.find_store_credit(credit()) is None
    effect = adapter.issue_store_credit(credit())
    body = posted(rsps)
    assert body["code"] == code + "-2" and body["amount"] == "27.50"
    assert effect.extra["code"] == code + "-2" and effect.amount == Money("27.50", "USD")
    held[code + "-2"] = [ours(id=901, code=(code + "-2").lower())]
    found = adapter.find_store_credit(credit())
    assert found is not None and found.platform_id == "901"


@pytest.mark.parametrize(
    "change",
    [
        {"meta_data": []},  # our code, not our marker
        {"meta_data": [{"id": 1, "key": "_returns_connector_key", "value": "ret-9:credit:1"}]},  # another credit
        {"email_restrictions": ["someone.else@example.com"]},
        {"email_restrictions": []},  # anyone could spend it
        {"amount": "1.00"},
    ],
)
def test_ours_needs_marker_email_and_amount(
    client: WooClient, rsps: responses.RequestsMock, change: dict[str, Any]
) -> None:
    code = coupon_code("ret-1:credit:1")
    rsps.get(f"{API}/coupons", json=[ours(**change)], match=[responses.matchers.query_param_matcher({"code": code})])
    rsps.get(f"{API}/coupons", json=[], match=[responses.matchers.query_param_matcher({"code": code + "-2"})])
    assert make(client).find_store_credit(credit()) is None


def _order_taxed_at(rate_percent: float) -> dict[str, Any]:
    return {**load("order_727.json"),
            "tax_lines": [{"id": 1, "rate_id": 4, "tax_total": "1.94", "shipping_tax_total": "0.00",
                           "rate_percent": rate_percent}]}  # fmt: skip


def test_prices_without_tax_issue_the_credit_net_of_the_order_tax(
    client: WooClient, rsps: responses.RequestsMock
) -> None:
    """Issue 16: a 26.54 credit saved 28.46 on a store whose prices exclude tax (7.25%). The coupon is now
    24.75, which saves 24.75 + 1.79 tax = 26.54; the promise is in its meta, description and the order note."""
    tax_settings(rsps, calc_taxes="yes", prices_include_tax="no")
    rsps.get(f"{API}/orders/727", body=json.dumps(_order_taxed_at(7.25), default=str))
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    note = rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    effect = make(client).issue_store_credit(credit(amount="26.54"))
    body = posted(rsps)
    assert body["amount"] == "24.75"
    assert "Worth 26.54 USD incl. tax" in body["description"]
    promised = next(m["value"] for m in body["meta_data"] if m["key"] == PROMISED_META)
    assert json.loads(promised) == {"amount": "26.54", "currency": "USD", "tax_rate": "0.0725"}
    assert effect.amount == Money("26.54", "USD") and effect.extra["coupon_amount"] == "24.75"
    assert "saves 26.54 USD tax included" in json.loads(note.calls[0].request.body or "")["note"]


@pytest.mark.parametrize(("calc_taxes", "prices_include_tax"), [("yes", "yes"), ("no", "no"), ("no", "yes")])
def test_coupon_is_the_promise_when_it_is_taken_off_tax_inclusive_prices(
    client: WooClient, rsps: responses.RequestsMock, calc_taxes: str, prices_include_tax: str
) -> None:
    tax_settings(rsps, calc_taxes=calc_taxes, prices_include_tax=prices_include_tax)
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    make(client).issue_store_credit(credit(amount="26.54"))
    body = posted(rsps)
    assert body["amount"] == "26.54"


def test_tax_settings_are_read_for_each_credit(client: WooClient, rsps: responses.RequestsMock) -> None:
    """The adapter outlives a merchant's change of settings (a worker keeps it): each credit reads them anew."""
    tax_settings(rsps, calc_taxes="yes", prices_include_tax="no")
    rsps.get(f"{API}/orders/727", body=json.dumps(_order_taxed_at(7.25), default=str))
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    adapter = make(client)
    adapter.issue_store_credit(credit(amount="26.54"))
    rsps.replace(responses.GET, f"{API}/settings/tax/woocommerce_prices_include_tax",
                 json={"id": "woocommerce_prices_include_tax", "value": "yes"})
    adapter.issue_store_credit(credit("ret-2:credit:1", amount="26.54"))
    bodies = [json.loads(c.request.body or "") for c in rsps.calls if c.request.method == "POST"
              and str(c.request.url).endswith("/coupons")]  # fmt: skip
    assert [b["amount"] for b in bodies] == ["24.75", "26.54"]


@pytest.mark.parametrize("rate", ["0.0725", "0.2", "0.19", "0.055", "0.10", "0.0825"])
def test_net_amount_saves_the_promise_or_one_cent_more(rate: str) -> None:
    """Every promise from 0.01 to 60.00: exact whenever some amount reaches it, else one cent above."""
    tax_rate = Decimal(rate)
    reachable = {saved_by(Money.from_minor(a, "USD"), tax_rate) for a in range(1, 6001)}
    for minor in range(1, 6001):
        promised = Money.from_minor(minor, "USD")
        saved = saved_by(net_of_tax(promised, tax_rate), tax_rate)
        expected = promised if promised in reachable else promised + Money("0.01", "USD")
        assert saved == expected, (promised, saved)
