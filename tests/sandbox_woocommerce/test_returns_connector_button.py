"""The sandbox's stand-in for the Returns Connector plugin's button: it signs tokens the connector accepts, in the
plugin's own format (the same token as the plugin's PHP for the same claims)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import requests

from platforms.woocommerce.plugin_token import Audience, verify
from sandboxes.woocommerce.routes_plugin import sign
from tests.sandbox_woocommerce.conftest import Woo
from tests.wordpress_plugin.php import sign_with_plugin

SECRET = "sandbox-plugin-secret-0123456789abcdefghij"
BUTTON = "/wp-admin/admin-post.php?action=returns_connector_open"


def test_the_button_signs_a_token_the_connector_accepts(woo: Woo) -> None:
    assert requests.get(woo.base_url + BUTTON, timeout=10).status_code == 404  # not set up yet
    assert requests.post(f"{woo.base_url}/__sandbox/returns-connector", json={"url": ""}, timeout=10).status_code == 400
    configured = requests.post(f"{woo.base_url}/__sandbox/returns-connector", timeout=10,
                               json={"url": "https://returns.example/", "shop_id": "shop-w", "secret": SECRET})
    assert configured.status_code == 200
    order_id = woo.get("orders", params={"per_page": 1}).json()[0]["id"]
    answer = requests.get(f"{woo.base_url}{BUTTON}&order={order_id}&locale=fr_FR", allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and answer.headers["Referrer-Policy"] == "no-referrer"
    target = urlsplit(answer.headers["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "returns.example", "/admin/enter/woocommerce")
    [token] = parse_qs(target.query)["token"]
    checked = verify(token, SECRET, audience=Audience.ADMIN, now=time.time())
    assert (checked.shop_id, checked.store) == ("shop-w", woo.base_url)
    assert {k: checked.claims[k] for k in ("role", "locale", "order")} == {
        "role": "administrator", "locale": "fr_FR", "order": str(order_id)}


def test_it_signs_as_the_plugins_php_does() -> None:
    claims = {"user": 1, "login": "admin", "role": "administrator", "locale": "en_US", "v": 1, "aud": "admin",
              "shop": "shop-w", "store": "http://127.0.0.1:1", "iat": 1, "exp": 301, "nonce": "ab" * 16}
    assert sign(claims, SECRET) == sign_with_plugin({"raw": claims, "secret": SECRET})["token"]
