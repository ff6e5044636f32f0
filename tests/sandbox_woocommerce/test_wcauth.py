"""``/wc-auth/v1/authorize``: keys POSTed as JSON to the callback, deleted unless it answers 200."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from tests.sandbox_woocommerce.conftest import Receiver, Woo


def _authorize(woo: Woo, receiver: Receiver, **extra: str) -> requests.Response:
    params = {"app_name": "Returns", "scope": "read_write", "user_id": "state-123",
              "return_url": "http://127.0.0.1:9/done", "callback_url": receiver.url + "/wc/callback", **extra}
    return requests.get(woo.base_url + "/wc-auth/v1/authorize", params=params, allow_redirects=False, timeout=10)


def test_approved_flow_posts_keys_then_redirects(woo: Woo, receiver: Receiver) -> None:
    response = _authorize(woo, receiver)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/done"
    assert parse_qs(location.query) == {"success": ["1"], "user_id": ["state-123"]}
    posted = receiver.received[0]
    assert posted.path == "/wc/callback" and posted.headers["Content-Type"].startswith("application/json")
    keys: dict[str, Any] = posted.json
    assert keys["user_id"] == "state-123" and keys["key_permissions"] == "read_write"
    assert keys["consumer_key"].startswith("ck_") and keys["consumer_secret"].startswith("cs_")
    assert isinstance(keys["key_id"], int)
    check = requests.get(woo.api + "orders", auth=(keys["consumer_key"], keys["consumer_secret"]), timeout=10)
    assert check.status_code == 200


def test_callback_not_200_deletes_the_key(woo: Woo, receiver: Receiver) -> None:
    receiver.status = 201  # WooCommerce wants exactly 200
    response = _authorize(woo, receiver)
    assert response.status_code == 401 and "Error" in response.text
    keys = receiver.received[0].json
    listed = [k["consumer_key"] for k in woo.sandbox("GET", "keys")]
    assert keys["consumer_key"] not in listed
    check = requests.get(woo.api + "orders", auth=(keys["consumer_key"], keys["consumer_secret"]), timeout=10)
    assert check.status_code == 401


def test_bad_scope_and_missing_params(woo: Woo, receiver: Receiver) -> None:
    assert _authorize(woo, receiver, scope="admin").status_code == 400
    missing = requests.get(woo.base_url + "/wc-auth/v1/authorize", params={"app_name": "x"}, timeout=10)
    assert missing.status_code == 400 and "Missing parameter" in missing.text
    assert receiver.received == []


def test_confirm_page_then_approve_or_deny(woo_factory: Any, receiver: Receiver) -> None:
    woo = woo_factory(orders=3, wc_auth_auto_approve=False)
    page = _authorize(woo, receiver)
    assert page.status_code == 200 and 'id="approve"' in page.text and receiver.received == []
    denied = _authorize(woo, receiver, deny="1")
    assert denied.status_code == 302 and "success=0" in denied.headers["Location"]
    approved = _authorize(woo, receiver, approve="1")
    assert approved.status_code == 302 and "success=1" in approved.headers["Location"]
    assert len(receiver.received) == 1
