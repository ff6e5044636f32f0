"""The install blueprint: thin routes over InstallFlow, wired both ways (factory argument, app extension)."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from platforms.shopify import oauth_cookie
from platforms.shopify.auth import AppConfig, InMemoryCredentialStore, InMemoryStateStore, InstallFlow, TokenEndpoint
from platforms.shopify.views import create_blueprint

SHOP = "demo-shop.myshopify.com"
SECRET = "shpss_" + "v" * 32
API_KEY = "api-key-123"


def signed_query(params: dict[str, str]) -> str:
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    digest = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urlencode({**params, "hmac": digest})


@pytest.fixture
def parts() -> tuple[Flask, InstallFlow, InMemoryCredentialStore, list[str]]:
    store, subscribed = InMemoryCredentialStore(), []
    flow = InstallFlow(
        AppConfig(
            API_KEY,
            (SECRET,),
            ("read_orders",),
            "https://c.example.com/shopify/callback",
            "https://c.example.com/webhooks/shopify",
        ),
        InMemoryStateStore(),
        store,
        TokenEndpoint(API_KEY, SECRET),
        subscribe=subscribed.append,
    )
    app = Flask(__name__)
    app.extensions["returns_connector"] = {"shopify_install_flow": flow}
    app.register_blueprint(create_blueprint())  # collaborators from app.extensions
    return app, flow, store, subscribed


@responses.activate
def test_install_then_callback(parts: tuple[Flask, InstallFlow, InMemoryCredentialStore, list[str]]) -> None:
    app, _, store, subscribed = parts
    client = app.test_client()
    now = str(int(time.time()))
    answer = client.get(f"/shopify/install?{signed_query({'shop': SHOP, 'timestamp': now})}")
    assert answer.status_code == 302
    state = parse_qs(urlparse(answer.headers["Location"]).query)["state"][0]
    responses.post(f"https://{SHOP}/admin/oauth/access_token", json={"access_token": "shpat_v", "scope": "read_orders"})
    answer = client.get(
        f"/shopify/callback?{signed_query({'shop': SHOP, 'code': 'c', 'state': state, 'timestamp': now})}"
    )
    assert answer.status_code == 200 and answer.json == {"shop": SHOP, "installed": True}
    assert store.load(SHOP) == {"access_token": "shpat_v", "scope": "read_orders"} and subscribed == [SHOP]
    # the same callback replayed: state already used
    again = client.get(
        f"/shopify/callback?{signed_query({'shop': SHOP, 'code': 'c', 'state': state, 'timestamp': now})}"
    )
    assert again.status_code == 400


def _started_install(client: FlaskClient, shop: str = SHOP) -> str:
    now = str(int(time.time()))
    answer = client.get(f"/shopify/install?{signed_query({'shop': shop, 'timestamp': now})}")
    assert answer.status_code == 302
    return parse_qs(urlparse(answer.headers["Location"]).query)["state"][0]


def _callback(client: FlaskClient, state: str, shop: str = SHOP) -> TestResponse:
    now = str(int(time.time()))
    query = signed_query({"shop": shop, "code": "c", "state": state, "timestamp": now})
    return client.get(f"/shopify/callback?{query}")


def test_install_gives_the_browser_a_signed_httponly_lax_nonce_cookie(
    parts: tuple[Flask, InstallFlow, InMemoryCredentialStore, list[str]],
) -> None:
    client = parts[0].test_client()
    answer = client.get(f"/shopify/install?{signed_query({'shop': SHOP, 'timestamp': str(int(time.time()))})}")
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{oauth_cookie.COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/shopify" in cookie
    assert "Secure" in cookie  # the app's redirect URI is https
    signed = cookie.split(";")[0].split("=", 1)[1]
    assert oauth_cookie.read(signed, (SECRET,)) and not oauth_cookie.read(signed, ("shpss_other",))


@responses.activate
def test_a_state_without_the_installing_browsers_cookie_is_refused(
    parts: tuple[Flask, InstallFlow, InMemoryCredentialStore, list[str]],
) -> None:
    app, _, store, _ = parts
    responses.post(f"https://{SHOP}/admin/oauth/access_token", json={"access_token": "shpat_v", "scope": "read_orders"})
    state = _started_install(app.test_client())
    victim = app.test_client()  # another browser: the state was planted in a link, the cookie stays behind
    assert _callback(victim, state).status_code == 400
    forged = app.test_client()
    forged.set_cookie(oauth_cookie.COOKIE_NAME, oauth_cookie.sign("guessed", ("shpss_not-our-secret",)),
                      path="/shopify")
    assert _callback(forged, state).status_code == 400
    assert store.load(SHOP) is None and len(responses.calls) == 0


@responses.activate
def test_a_state_issued_for_one_shop_cannot_complete_another_shops_install(
    parts: tuple[Flask, InstallFlow, InMemoryCredentialStore, list[str]],
) -> None:
    app, _, store, _ = parts
    other = "other-shop.myshopify.com"
    responses.post(f"https://{other}/admin/oauth/access_token", json={"access_token": "shpat_o"})
    browser = app.test_client()
    state = _started_install(browser, SHOP)
    assert _callback(browser, state, shop=other).status_code == 400
    assert store.load(other) is None and len(responses.calls) == 0


def test_bad_requests_get_400(parts: tuple[Flask, InstallFlow, InMemoryCredentialStore, list[str]]) -> None:
    client = parts[0].test_client()
    assert client.get("/shopify/install?shop=evil.com").status_code == 400
    bad_hmac = f"shop={SHOP}&code=c&state=s&timestamp={int(time.time())}&hmac=00"
    assert client.get(f"/shopify/callback?{bad_hmac}").status_code == 400


@responses.activate
def test_session_route_with_factory_argument(
    parts: tuple[Flask, InstallFlow, InMemoryCredentialStore, list[str]],
) -> None:
    _, flow, store, _ = parts
    app = Flask(__name__)
    app.register_blueprint(create_blueprint(lambda: flow, url_prefix="/embedded"))
    client = app.test_client()
    now = int(time.time())
    token = jwt.encode(
        {
            "iss": f"https://{SHOP}/admin",
            "dest": f"https://{SHOP}",
            "aud": API_KEY,
            "sub": "1",
            "exp": now + 60,
            "nbf": now,
            "iat": now,
            "jti": "j",
            "sid": "s",
        },
        SECRET,
        algorithm="HS256",
    )
    responses.post(f"https://{SHOP}/admin/oauth/access_token", json={"access_token": "shpat_e", "scope": "read_orders"})
    answer = client.post("/embedded/session", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json == {"shop": SHOP}
    assert client.post("/embedded/session").status_code == 401
    assert client.post("/embedded/session", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert store.load(SHOP) is not None
