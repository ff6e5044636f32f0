"""Install flow, session tokens and token refresh.

OAuth query HMAC (hex over sorted params): https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
Session token claims: https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens
Expiring offline tokens / refresh: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses

from connector.errors import ConfigError
from platforms.shopify import auth
from platforms.shopify.auth import (
    AppConfig,
    InMemoryCredentialStore,
    InMemoryLockFactory,
    InMemoryStateStore,
    InstallFlow,
    OAuthError,
    TokenEndpoint,
    TokenManager,
)

SHOP = "demo-shop.myshopify.com"
SECRET = "shpss_" + "c" * 32
OLD_SECRET = "shpss_" + "o" * 32
API_KEY = "api-key-123"
TOKEN_URL = f"https://{SHOP}/admin/oauth/access_token"
OTHER_SHOP = "other-shop.myshopify.com"
OTHER_TOKEN_URL = f"https://{OTHER_SHOP}/admin/oauth/access_token"
NONCE = "the-installing-browsers-nonce"


def signed(params: dict[str, str], secret: str = SECRET) -> dict[str, str]:
    """Sign like Shopify: drop hmac, sort k=v pairs, join with &, hex HMAC-SHA256 (independent of ShopifyAPI)."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    return {**params, "hmac": hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()}


def app() -> AppConfig:
    return AppConfig(
        api_key=API_KEY,
        api_secrets=(SECRET, OLD_SECRET),
        scopes=("read_orders", "write_returns"),
        redirect_uri="https://connector.example.com/shopify/callback",
        webhook_url="https://connector.example.com/webhooks/shopify",
    )


@pytest.fixture
def flow_parts() -> tuple[InstallFlow, InMemoryStateStore, InMemoryCredentialStore, list[str]]:
    states, store, subscribed = InMemoryStateStore(), InMemoryCredentialStore(), []
    endpoint = TokenEndpoint(API_KEY, SECRET, clock=lambda: datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    flow = InstallFlow(app(), states, store, endpoint, subscribe=subscribed.append)
    return flow, states, store, subscribed


# -- pure checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("demo-shop.myshopify.com", "demo-shop.myshopify.com"),
        ("https://Demo-Shop.myshopify.com", "demo-shop.myshopify.com"),
        ("demo-shop.myshopify.com.evil.com", None),
        ("evil.com/demo-shop.myshopify.com", None),
        ("demo_shop.myshopify.com", None),
        ("-demo.myshopify.com", None),
        ("demo.myshopify.com@evil.com", None),
        ("[", None),
        ("", None),
    ],
)
def test_shop_domain(raw: str, expected: str | None) -> None:
    assert auth.normalize_shop_domain(raw) == expected


def test_oauth_hmac_accepts_current_and_old_secret_only() -> None:
    params = {"shop": SHOP, "code": "abc", "state": "s1", "timestamp": str(int(time.time()))}
    assert auth.verify_oauth_hmac(signed(params), [SECRET])
    assert auth.verify_oauth_hmac(signed(params, OLD_SECRET), [SECRET, OLD_SECRET])
    assert not auth.verify_oauth_hmac(signed(params, "shpss_" + "x" * 32), [SECRET, OLD_SECRET])
    tampered = {**signed(params), "shop": "evil.myshopify.com"}
    assert not auth.verify_oauth_hmac(tampered, [SECRET])
    assert not auth.verify_oauth_hmac(params, [SECRET])  # no hmac at all


def test_oauth_hmac_refuses_day_old_requests() -> None:
    params = {"shop": SHOP, "code": "abc", "timestamp": str(int(time.time()) - 2 * 86400)}
    assert not auth.verify_oauth_hmac(signed(params), [SECRET])


def test_state_is_single_use_and_expires() -> None:
    now = [0.0]
    states = InMemoryStateStore(ttl=60, clock=lambda: now[0])
    first, second = states.issue("bound"), states.issue("bound")
    assert first != second
    assert states.consume(first, "bound") and not states.consume(first, "bound")
    now[0] = 61
    assert not states.consume(second, "bound")
    assert not states.consume("never-issued", "bound")


def test_state_is_consumed_only_with_its_subject() -> None:
    states = InMemoryStateStore()
    state = states.issue("shop-a")
    assert not states.consume(state, "shop-b")
    assert states.consume(state, "shop-a")  # a wrong subject does not burn the state


# -- install flow ----------------------------------------------------------------------------------


def test_begin_redirects_to_shopify_with_a_fresh_state(flow_parts: Any) -> None:
    flow, states, _, _ = flow_parts
    url = flow.begin(signed({"shop": SHOP, "timestamp": str(int(time.time()))}), NONCE)
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    assert parsed.netloc == SHOP and parsed.path == "/admin/oauth/authorize"
    assert query["client_id"] == [API_KEY] and query["scope"] == ["read_orders,write_returns"]
    assert states.consume(query["state"][0], auth.state_binding(SHOP, NONCE))


@pytest.mark.parametrize("shop", ["evil.com", "demo-shop.myshopify.com.evil.com", "x.myshopify.com/../evil"])
def test_begin_refuses_bad_shop(flow_parts: Any, shop: str) -> None:
    flow = flow_parts[0]
    with pytest.raises(OAuthError):
        flow.begin(signed({"shop": shop, "timestamp": str(int(time.time()))}), NONCE)


def _callback(states: InMemoryStateStore, **overrides: str) -> dict[str, str]:
    state = states.issue(auth.state_binding(SHOP, NONCE))
    params = {"shop": SHOP, "code": "auth-code", "state": state, "timestamp": str(int(time.time()))}
    params.update(overrides)
    return signed(params)


@responses.activate
def test_callback_stores_expiring_token_and_subscribes(flow_parts: Any) -> None:
    flow, states, store, subscribed = flow_parts
    responses.post(
        TOKEN_URL,
        json={
            "access_token": "shpat_1",
            "scope": "read_orders,write_returns",
            "expires_in": 3600,
            "refresh_token": "shprt_1",
            "refresh_token_expires_in": 7776000,
        },
    )
    assert flow.complete(_callback(states), NONCE) == SHOP
    creds = store.load(SHOP)
    assert creds is not None and creds["access_token"] == "shpat_1" and creds["refresh_token"] == "shprt_1"
    assert creds["expires_at"] == "2026-10-20T13:00:00+00:00"
    assert subscribed == [SHOP]
    form = parse_qs(responses.calls[0].request.body)
    assert form == {"client_id": [API_KEY], "client_secret": [SECRET], "code": ["auth-code"], "expiring": ["1"]}


@responses.activate
def test_callback_refuses_bad_hmac(flow_parts: Any) -> None:
    flow, states, store, subscribed = flow_parts
    params = _callback(states)
    params["code"] = "swapped-code"
    with pytest.raises(OAuthError, match="HMAC"):
        flow.complete(params, NONCE)
    assert store.load(SHOP) is None and subscribed == [] and len(responses.calls) == 0


@responses.activate
def test_callback_refuses_bad_shop_domain(flow_parts: Any) -> None:
    flow, states, _store, _ = flow_parts
    with pytest.raises(OAuthError, match="shop"):
        flow.complete(_callback(states, shop="demo-shop.myshopify.com.evil.com"), NONCE)
    assert len(responses.calls) == 0


@responses.activate
def test_callback_refuses_reused_state(flow_parts: Any) -> None:
    flow, states, _store, _ = flow_parts
    responses.post(TOKEN_URL, json={"access_token": "shpat_1", "scope": "read_orders"})
    params = _callback(states)
    flow.complete(params, NONCE)
    with pytest.raises(OAuthError, match="state"):
        flow.complete(params, NONCE)
    with pytest.raises(OAuthError, match="state"):
        flow.complete(signed({**params, "state": "made-up"}), NONCE)
    assert len(responses.calls) == 1


@responses.activate
def test_a_state_issued_for_one_shop_does_not_complete_another_shops_install(flow_parts: Any) -> None:
    flow, states, store, _ = flow_parts
    responses.post(OTHER_TOKEN_URL, json={"access_token": "shpat_other", "scope": "read_orders"})
    issued_for_shop = _callback(states)["state"]
    with pytest.raises(OAuthError, match="another shop"):
        flow.complete(_callback(states, shop=OTHER_SHOP, state=issued_for_shop), NONCE)
    assert store.load(OTHER_SHOP) is None and len(responses.calls) == 0


@responses.activate
@pytest.mark.parametrize("browser", ["", "another-browsers-nonce"])
def test_a_state_without_the_browsers_nonce_does_not_complete_the_install(flow_parts: Any, browser: str) -> None:
    flow, states, store, _ = flow_parts
    responses.post(TOKEN_URL, json={"access_token": "shpat_1", "scope": "read_orders"})
    with pytest.raises(OAuthError, match=r"cookie|browser"):
        flow.complete(_callback(states), browser)
    assert store.load(SHOP) is None and len(responses.calls) == 0


@responses.activate
def test_callback_with_a_rejected_code_is_a_config_error(flow_parts: Any) -> None:
    flow, states, store, _ = flow_parts
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_request"})
    with pytest.raises(ConfigError):
        flow.complete(_callback(states), NONCE)
    assert store.load(SHOP) is None


# -- session tokens --------------------------------------------------------------------------------


def session_token(secret: str = SECRET, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": f"https://{SHOP}/admin",
        "dest": f"https://{SHOP}",
        "aud": API_KEY,
        "sub": "42",
        "exp": now + 60,
        "nbf": now - 1,
        "iat": now - 1,
        "jti": "j1",
        "sid": "s1",
    }
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm="HS256")


def test_session_token_valid() -> None:
    claims = auth.decode_session_token(session_token(), API_KEY, [SECRET])
    assert claims.shop_domain == SHOP and claims.user_id == "42"
    # Authorization header form and a rotated (old) secret both work
    assert auth.decode_session_token("Bearer " + session_token(OLD_SECRET), API_KEY, [SECRET, OLD_SECRET])


@pytest.mark.parametrize(
    "token",
    [
        lambda: session_token("shpss_" + "w" * 32),
        lambda: session_token(aud="another-app"),
        lambda: session_token(exp=int(time.time()) - 30),
        lambda: session_token(nbf=int(time.time()) + 30),
        lambda: session_token(dest="https://other-shop.myshopify.com"),
        lambda: session_token(iss="https://evil.com/admin", dest="https://evil.com"),
        lambda: session_token(sub=None),
        lambda: session_token(iat=None),
        lambda: session_token(iat=int(time.time()) - 61, exp=int(time.time()) + 60),
        lambda: session_token(exp=int(time.time()) + 86400),
        lambda: jwt.encode({"dest": f"https://{SHOP}", "aud": API_KEY}, SECRET * 2, algorithm="HS512"),
    ],
)
def test_session_token_refused(token: Any) -> None:
    with pytest.raises(OAuthError):
        auth.decode_session_token(token(), API_KEY, [SECRET])


def test_session_token_small_leeway() -> None:
    # nbf 3 s in the future (App Bridge clocks drift) is accepted with the 5 s leeway
    assert auth.decode_session_token(session_token(nbf=int(time.time()) + 3), API_KEY, [SECRET])


@responses.activate
def test_exchange_session_gets_an_offline_token_once(flow_parts: Any) -> None:
    flow, _, _store, subscribed = flow_parts
    responses.post(
        TOKEN_URL,
        json={"access_token": "shpat_x", "scope": "read_orders", "expires_in": 3600, "refresh_token": "shprt_x"},
    )
    token = session_token()
    assert flow.exchange_session(f"Bearer {token}") == SHOP
    form = parse_qs(responses.calls[0].request.body)
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:token-exchange"]
    assert form["subject_token"] == [token] and form["expiring"] == ["1"]
    assert form["requested_token_type"] == ["urn:shopify:params:oauth:token-type:offline-access-token"]
    flow.exchange_session(f"Bearer {session_token()}")
    assert len(responses.calls) == 1 and subscribed == [SHOP]


# -- refresh under the lock ------------------------------------------------------------------------


class SlowRefreshEndpoint(TokenEndpoint):
    """Counts refresh calls and holds each one long enough for a racing thread to arrive."""

    def __init__(self) -> None:
        super().__init__(API_KEY, SECRET)
        self.refreshes: list[str] = []

    def refresh(self, shop_domain: str, refresh_token: str) -> dict[str, str]:
        self.refreshes.append(refresh_token)
        time.sleep(0.2)
        n = len(self.refreshes)
        return {
            "access_token": f"shpat_{n}",
            "refresh_token": f"shprt_{n}",
            "expires_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        }


def test_two_threads_refresh_only_once() -> None:
    store = InMemoryCredentialStore()
    store.save(
        SHOP,
        {
            "access_token": "shpat_0",
            "refresh_token": "shprt_0",
            "expires_at": (datetime.now(UTC) + timedelta(minutes=1)).isoformat(),
        },
    )
    endpoint = SlowRefreshEndpoint()
    locks = InMemoryLockFactory()
    managers = [TokenManager(SHOP, store, locks, endpoint) for _ in range(2)]  # two "workers"
    barrier = threading.Barrier(2)
    tokens: list[str] = []

    def work(manager: TokenManager) -> None:
        barrier.wait()
        tokens.append(manager.access_token())

    threads = [threading.Thread(target=work, args=(m,)) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert endpoint.refreshes == ["shprt_0"]  # the rotating refresh token was spent once
    assert tokens == ["shpat_1", "shpat_1"]
    saved = store.load(SHOP)
    assert saved is not None and saved["refresh_token"] == "shprt_1"


def test_no_refresh_while_token_is_fresh_or_not_expiring() -> None:
    store = InMemoryCredentialStore()
    endpoint = SlowRefreshEndpoint()
    store.save(
        SHOP,
        {
            "access_token": "shpat_a",
            "refresh_token": "r",
            "expires_at": (datetime.now(UTC) + timedelta(minutes=30)).isoformat(),
        },
    )
    assert TokenManager(SHOP, store, InMemoryLockFactory(), endpoint).access_token() == "shpat_a"
    store.save(SHOP, {"access_token": "shpat_legacy"})  # non-expiring offline token
    assert TokenManager(SHOP, store, InMemoryLockFactory(), endpoint).access_token() == "shpat_legacy"
    assert endpoint.refreshes == []


def test_missing_credentials_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        TokenManager(SHOP, InMemoryCredentialStore(), InMemoryLockFactory(), SlowRefreshEndpoint()).access_token()


@responses.activate
def test_refresh_request_shape_and_rotation_saved() -> None:
    store = InMemoryCredentialStore()
    store.save(
        SHOP,
        {
            "access_token": "old",
            "refresh_token": "shprt_old",
            "scope": "read_orders",
            "expires_at": "2026-10-20T12:01:00+00:00",
        },
    )
    responses.post(
        TOKEN_URL,
        json={"access_token": "new", "expires_in": 3600, "refresh_token": "shprt_new", "scope": "read_orders"},
    )
    clock = lambda: datetime(2026, 10, 20, 12, 0, tzinfo=UTC)  # noqa: E731
    endpoint = TokenEndpoint(API_KEY, SECRET, clock=clock)
    assert TokenManager(SHOP, store, InMemoryLockFactory(), endpoint, clock=clock).access_token() == "new"
    form = parse_qs(responses.calls[0].request.body)
    assert form == {
        "client_id": [API_KEY],
        "client_secret": [SECRET],
        "grant_type": ["refresh_token"],
        "refresh_token": ["shprt_old"],
    }
    saved = store.load(SHOP)
    assert saved is not None and saved["refresh_token"] == "shprt_new"
    assert saved["expires_at"] == "2026-10-20T13:00:00+00:00"


@responses.activate
def test_a_failing_subscription_does_not_undo_the_install() -> None:
    from connector.errors import RetryableError

    def subscribe(shop: str) -> None:
        raise RetryableError("shopify is down")

    states, store = InMemoryStateStore(), InMemoryCredentialStore()
    flow = InstallFlow(app(), states, store, TokenEndpoint(API_KEY, SECRET), subscribe=subscribe)
    responses.post(TOKEN_URL, json={"access_token": "shpat_1", "scope": "read_orders"})
    assert flow.complete(_callback(states), NONCE) == SHOP
    assert store.load(SHOP) == {"access_token": "shpat_1", "scope": "read_orders"}


def test_factory_wires_the_adapter_to_the_stored_token() -> None:
    from platforms.shopify import factory

    store, locks = InMemoryCredentialStore(), InMemoryLockFactory()
    store.save(SHOP, {"access_token": "shpat_w"})
    adapter = factory.adapter_for(SHOP, app(), store, locks, shop_id="s-1", api_version="2026-07")
    assert adapter.client.endpoint == f"https://{SHOP}/admin/api/2026-07/graphql.json"
    assert adapter.shop_id == "s-1" and adapter.client._token() == "shpat_w"
    local = factory.adapter_for(SHOP, app(), store, locks, shop_url_for=lambda _s: "http://127.0.0.1:9")
    assert local.client.endpoint == "http://127.0.0.1:9/admin/api/2026-04/graphql.json"
