"""Authentication: OAuth 1.0a through the real ``woocommerce.API`` client over HTTP, Basic, query keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote, urlencode

import requests
from woocommerce import API

from tests.sandbox_woocommerce.conftest import KEY, SECRET, Woo


def test_oauth1_with_the_woocommerce_package(woo: Woo) -> None:
    api = API(url=woo.base_url, consumer_key=KEY, consumer_secret=SECRET, timeout=10)
    response = api.get("orders", params={"per_page": 5, "status": "completed"})
    assert response.status_code == 200, response.text
    assert len(response.json()) == 5 and response.headers["X-WP-Total"]
    created = api.post("coupons", {"code": "oauth-1", "amount": "1"})
    assert created.status_code == 201, created.text
    assert api.put(f"coupons/{created.json()['id']}", {"amount": "2"}).json()["amount"] == "2.00"


def test_oauth1_wrong_secret_is_401(woo: Woo) -> None:
    api = API(url=woo.base_url, consumer_key=KEY, consumer_secret="cs_wrong", timeout=10)
    response = api.get("orders")
    assert response.status_code == 401
    assert response.json()["code"] == "woocommerce_rest_authentication_error"
    assert "signature" in response.json()["message"]


def _signed_url(base: str, method: str, secret: str, algorithm: str, timestamp: int, nonce: str) -> str:
    """OAuth 1.0a as class-wc-rest-authentication.php checks it (independent of the sandbox's code)."""
    params = {"oauth_consumer_key": KEY, "oauth_nonce": nonce, "oauth_signature_method": algorithm,
              "oauth_timestamp": str(timestamp), "per_page": "2"}

    def enc(value: str) -> str:
        return quote(value, safe="-_.~")

    query = "%26".join(enc(f"{enc(k)}={enc(v)}") for k, v in sorted(params.items()))
    base_string = f"{method}&{enc(base)}&{query}"
    digest = hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256
    signature = base64.b64encode(hmac.new(f"{secret}&".encode(), base_string.encode(), digest).digest()).decode()
    return f"{base}?{urlencode({**params, 'oauth_signature': signature})}"


def test_oauth1_sha1_nonce_reuse_and_stale_timestamp(woo: Woo) -> None:
    base = woo.api + "orders"
    url = _signed_url(base, "GET", SECRET, "HMAC-SHA1", int(time.time()), "nonce-1")
    assert requests.get(url, timeout=10).status_code == 200
    replay = requests.get(url, timeout=10)
    assert replay.status_code == 401 and "nonce" in replay.json()["message"]
    stale = _signed_url(base, "GET", SECRET, "HMAC-SHA1", int(time.time()) - 16 * 60, "nonce-2")
    assert requests.get(stale, timeout=10).json()["message"] == "Invalid timestamp."
    sha256 = _signed_url(base, "GET", SECRET, "HMAC-SHA256", int(time.time()), "nonce-3")
    assert len(requests.get(sha256, timeout=10).json()) == 2
    missing = requests.get(base + "?oauth_consumer_key=" + KEY, timeout=10)
    assert missing.status_code == 401 and "Missing OAuth parameter" in missing.json()["message"]


def test_basic_auth_and_query_keys(woo: Woo) -> None:
    assert requests.get(woo.api + "orders", auth=(KEY, SECRET), timeout=10).status_code == 200
    bad = requests.get(woo.api + "orders", auth=(KEY, "cs_nope"), timeout=10)
    assert bad.status_code == 401 and bad.json()["message"] == "Consumer secret is invalid."
    unknown = requests.get(woo.api + "orders", auth=("ck_nope", SECRET), timeout=10)
    assert unknown.json()["message"] == "Consumer key is invalid."
    query = requests.get(woo.api + "orders", params={"consumer_key": KEY, "consumer_secret": SECRET}, timeout=10)
    assert query.status_code == 200


def test_no_credentials_is_401_per_action(woo: Woo) -> None:
    listed = requests.get(woo.api + "orders", timeout=10)
    assert listed.status_code == 401
    assert listed.json() == {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.",
                             "data": {"status": 401}}
    created = requests.post(woo.api + "coupons", json={"code": "x"}, timeout=10)
    assert created.status_code == 401 and created.json()["code"] == "woocommerce_rest_cannot_create"
    assert requests.get(woo.base_url + "/wp-json/", timeout=10).status_code == 200  # index needs no key


def test_read_only_key_cannot_write(woo: Woo) -> None:
    key: dict[str, Any] = woo.sandbox("POST", "keys", json={"permissions": "read"})
    auth = (key["consumer_key"], key["consumer_secret"])
    assert requests.get(woo.api + "orders", auth=auth, timeout=10).status_code == 200
    write = requests.post(woo.api + "coupons", json={"code": "ro"}, auth=auth, timeout=10)
    assert write.status_code == 401
    assert write.json()["message"] == "The API key provided does not have write permissions."


def test_system_status_read_check(woo: Woo) -> None:
    status = woo.get("system_status").json()
    assert status["environment"]["home_url"] == woo.base_url


def test_strict_mode_ignores_basic_over_plain_http(woo_factory: Any) -> None:
    strict = woo_factory(orders=3, basic_over_http=False)
    basic = requests.get(strict.api + "orders", auth=(KEY, SECRET), timeout=10)
    assert basic.status_code == 401 and basic.json()["code"] == "woocommerce_rest_cannot_view"
    api = API(url=strict.base_url, consumer_key=KEY, consumer_secret=SECRET, timeout=10)
    assert api.get("orders").status_code == 200  # OAuth 1.0a is what plain HTTP gets
