"""The sandbox admin's app page frames the app's URL the way Shopify's admin loads it, and serves the App Bridge and
Polaris stand-ins."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import jwt
import requests

from sandboxes.shopify import oauth
from tests.sandbox_shopify.conftest import Sandbox

APP = "http://127.0.0.1:5999/embedded"


def iframe_src(page: str) -> str:
    found = re.search(r'<iframe id="app" title="Returns" src="([^"]+)"', page)
    assert found is not None, page
    return html.unescape(found.group(1))


def test_the_app_page_frames_the_app_url_with_shopifys_parameters(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox()
    opts = sandbox.options
    page_url = f"{sandbox.base}/store/sandbox-shop/apps/{opts.api_key}/shopify/order-returns"
    assert requests.get(page_url, timeout=10).status_code == 409  # no app URL yet
    told = requests.put(f"{sandbox.base}/__sandbox/app", json={"application_url": APP}, timeout=10).json()
    assert told == {"application_url": APP, "admin_url": f"{sandbox.base}/store/sandbox-shop/apps/{opts.api_key}"}
    answer = requests.get(page_url, params={"id": "450789469", "locale": "fr", "staff": "7"}, timeout=10)
    assert answer.status_code == 200
    src = urlsplit(iframe_src(answer.text))
    assert f"{src.scheme}://{src.netloc}{src.path}" == f"{APP}/shopify/order-returns"
    params = dict(parse_qsl(src.query))
    assert params["id"] == "450789469" and params["embedded"] == "1" and params["locale"] == "fr"
    assert params["shop"] == opts.shop_domain and "staff" not in params
    host = base64.b64decode(params["host"] + "=" * (-len(params["host"]) % 4)).decode()
    assert host == f"{urlsplit(sandbox.base).netloc}/store/sandbox-shop"
    claims = jwt.decode(params["id_token"], opts.api_secret, algorithms=["HS256"], audience=opts.api_key)
    assert claims["dest"] == f"https://{opts.shop_domain}" and claims["sub"] == "7"
    assert claims["exp"] - claims["iat"] == 60
    signed = {k: v for k, v in params.items() if k not in ("hmac", "id_token")}
    assert params["hmac"] == oauth.query_hmac(signed, opts.api_secret)


def test_another_apps_page_is_not_found(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(app_url=APP)
    assert requests.get(f"{sandbox.base}/store/sandbox-shop/apps/other-key", timeout=10).status_code == 404
    assert requests.put(f"{sandbox.base}/__sandbox/app", json={"application_url": "ftp://x"},
                        timeout=10).status_code == 400


def test_the_stand_ins_are_served_as_scripts(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox()
    for name, marker in (("app-bridge.js", "idToken"), ("polaris.js", "sandboxPolaris"),
                         ("admin-frame.js", "sandbox-app-bridge:id-token")):
        answer = requests.get(f"{sandbox.base}/__sandbox/{name}", timeout=10)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/javascript")
        assert marker in answer.text
