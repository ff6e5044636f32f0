"""wc-auth connect flow and manual keys, through the Flask blueprint and the pure functions."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from flask import Flask
from flask.testing import FlaskClient

from connector.errors import ConfigError
from connector.shopaddress import woocommerce_store_url
from platforms.woocommerce.auth import (
    InMemoryCredentialStore,
    InMemoryStateStore,
    authorize_url,
    connect_with_keys,
    finish_connect,
)
from platforms.woocommerce.views import create_blueprint
from tests.woocommerce.conftest import API, STORE, load

BASE = "https://connector.example"


@pytest.fixture
def states() -> InMemoryStateStore:
    return InMemoryStateStore()


@pytest.fixture
def creds() -> InMemoryCredentialStore:
    return InMemoryCredentialStore()


@pytest.fixture
def web(states: InMemoryStateStore, creds: InMemoryCredentialStore) -> Iterator[FlaskClient]:
    app = Flask(__name__)
    app.register_blueprint(
        create_blueprint(
            states=states,
            credentials=creds,
            public_base_url=BASE,
            webhook_delivery_url=lambda store: f"{BASE}/webhooks/woocommerce/shop-1",
        )
    )
    yield app.test_client()


def keys(user_id: str, key: str = "ck_good", secret: str = "cs_good") -> dict[str, object]:
    return {
        "key_id": 11,
        "user_id": user_id,
        "consumer_key": key,
        "consumer_secret": secret,
        "key_permissions": "read_write",
    }


def _start(web: FlaskClient) -> tuple[str, dict[str, list[str]]]:
    reply = web.get("/woocommerce/connect", query_string={"store_url": "https://Shop.example/"})
    assert reply.status_code == 302
    target = urlsplit(reply.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{STORE}/wc-auth/v1/authorize"
    query = parse_qs(target.query)
    return query["user_id"][0], query


def _key_check(rsps: responses.RequestsMock, currency: str = "USD") -> None:
    """Good keys read orders and the store's currency (a USD store unless told otherwise)."""
    setting = json.dumps({"id": "woocommerce_currency", "label": "Currency", "type": "select", "default": "USD",
                          "value": currency, "group_id": "general"})  # fmt: skip

    def check(request: object) -> tuple[int, dict[str, str], str]:
        auth = request.headers.get("Authorization", "")  # type: ignore[attr-defined]
        good = "Basic " + base64.b64encode(b"ck_good:cs_good").decode()
        if auth == good:
            if "/settings/" in request.url:  # type: ignore[attr-defined]
                return 200, {}, setting
            return 200, {"X-WP-TotalPages": "1"}, "[]"
        return (
            401,
            {},
            '{"code":"woocommerce_rest_authentication_error","message":"Invalid signature","data":{"status":401}}',
        )

    rsps.add_callback(responses.GET, f"{API}/orders", callback=check)
    rsps.add_callback(responses.GET, f"{API}/settings/general/woocommerce_currency", callback=check)


def test_connect_redirect_carries_everything(web: FlaskClient) -> None:
    user_id, query = _start(web)
    assert query["app_name"] == ["Returns connector"] and query["scope"] == ["read_write"]
    assert query["callback_url"] == [f"{BASE}/woocommerce/callback?store_url=https%3A%2F%2Fshop.example"]
    assert query["return_url"][0].startswith(f"{BASE}/woocommerce/return?")
    assert len(user_id) >= 24


def test_connect_rejects_bad_store_url(web: FlaskClient) -> None:
    assert web.get("/woocommerce/connect", query_string={"store_url": "javascript:alert(1)"}).status_code == 400
    assert web.get("/woocommerce/connect").status_code == 400


def test_good_keys_are_stored(web: FlaskClient, creds: InMemoryCredentialStore, rsps: responses.RequestsMock) -> None:
    _key_check(rsps)
    user_id, query = _start(web)
    reply = web.post(query["callback_url"][0].removeprefix(BASE), json=keys(user_id))
    assert reply.status_code == 200
    stored = creds.load(STORE)
    assert stored is not None
    assert stored["consumer_key"] == "ck_good" and stored["consumer_secret"] == "cs_good"
    assert stored["key_id"] == "11" and len(stored["webhook_secret"]) == 48
    assert creds.currencies[STORE] == "USD"  # read from the store, never assumed (issue 16)


def test_unknown_user_id_rejected(
    web: FlaskClient, creds: InMemoryCredentialStore, rsps: responses.RequestsMock
) -> None:
    _key_check(rsps)
    reply = web.post("/woocommerce/callback?store_url=https%3A%2F%2Fshop.example", json=keys("forged"))
    assert reply.status_code == 403
    assert creds.load(STORE) is None
    assert len(rsps.calls) == 0  # not even a key check


def test_reused_user_id_rejected(
    web: FlaskClient, creds: InMemoryCredentialStore, rsps: responses.RequestsMock
) -> None:
    _key_check(rsps)
    user_id, query = _start(web)
    path = query["callback_url"][0].removeprefix(BASE)
    assert web.post(path, json=keys(user_id)).status_code == 200
    again = web.post(path, json=keys(user_id, key="ck_other"))
    assert again.status_code == 403
    assert creds.load(STORE)["consumer_key"] == "ck_good"  # type: ignore[index]


def test_read_only_keys_rejected(web: FlaskClient, creds: InMemoryCredentialStore) -> None:
    user_id, query = _start(web)
    body = {**keys(user_id), "key_permissions": "read"}
    assert web.post(query["callback_url"][0].removeprefix(BASE), json=body).status_code == 400
    assert creds.load(STORE) is None


@pytest.mark.parametrize(
    "store",
    [
        lambda rsps: _key_check(rsps),  # an open port, a store: the keys are refused
        lambda rsps: rsps.get(f"{API}/orders", status=503),  # an open port, something else
        lambda rsps: rsps.get(f"{API}/orders", body=requests.ConnectionError("Connection refused")),  # closed
        lambda rsps: rsps.get(f"{API}/orders", body=requests.ConnectTimeout()),  # filtered
    ],
)
def test_every_failure_to_check_the_keys_gets_one_answer(
    web: FlaskClient, creds: InMemoryCredentialStore, rsps: responses.RequestsMock, store: Any
) -> None:
    """The callback is anonymous: if a closed port and an open one answered differently (502 and 401 did),
    it would scan ports for anyone."""
    store(rsps)
    user_id, query = _start(web)
    reply = web.post(query["callback_url"][0].removeprefix(BASE), json=keys(user_id, secret="cs_wrong"))
    assert (reply.status_code, reply.text) == (400, "could not reach the store\n")
    assert creds.load(STORE) is None


def test_an_internal_store_gets_the_same_answer_and_is_never_called(
    states: InMemoryStateStore, web: FlaskClient, rsps: responses.RequestsMock
) -> None:
    reply = web.get("/woocommerce/connect", query_string={"store_url": "http://169.254.169.254/"})
    assert (reply.status_code, reply.text) == (400, "could not reach the store\n")
    user_id = states.issue()  # as if issued: the callback checks the address again
    reply = web.post("/woocommerce/callback?store_url=http%3A%2F%2F10.0.0.5%3A22", json=keys(user_id))
    assert (reply.status_code, reply.text) == (400, "could not reach the store\n")
    assert len(rsps.calls) == 0


def test_ipv6_store_is_a_4xx_and_keeps_its_brackets(states: InMemoryStateStore, creds: InMemoryCredentialStore) -> None:
    """``http://[::1]:PORT`` lost its brackets and the ConfigError raised later made a 500."""
    def client(allow_private: bool) -> FlaskClient:
        app = Flask(__name__)
        app.register_blueprint(create_blueprint(
            states=states, credentials=creds, public_base_url=BASE, allow_private=allow_private,
            webhook_delivery_url=lambda store: f"{BASE}/webhooks/woocommerce"))
        return app.test_client()

    refused = client(False).get("/woocommerce/connect", query_string={"store_url": "http://[::1]:8089/"})
    assert refused.status_code == 400
    allowed = client(True).get("/woocommerce/connect", query_string={"store_url": "http://[::1]:8089/"})
    assert allowed.status_code == 302
    assert allowed.headers["Location"].startswith("http://[::1]:8089/wc-auth/v1/authorize?")


def test_garbage_body(web: FlaskClient) -> None:
    reply = web.post("/woocommerce/callback?store_url=x", data="not json", content_type="application/json")
    assert reply.status_code == 400


def test_state_expires() -> None:
    now = [0.0]
    states = InMemoryStateStore(ttl_seconds=10, clock=lambda: now[0])
    value = states.issue()
    now[0] = 11
    assert not states.consume(value)


def test_manual_keys(creds: InMemoryCredentialStore, rsps: responses.RequestsMock) -> None:
    _key_check(rsps)
    assert connect_with_keys("https://shop.example/", " ck_good ", "cs_good", credentials=creds) == (STORE, "USD")
    assert creds.load(STORE)["consumer_key"] == "ck_good"  # type: ignore[index]
    assert creds.currencies == {STORE: "USD"}
    with pytest.raises(ConfigError):
        connect_with_keys("https://shop.example", "ck_good", "cs_bad", credentials=InMemoryCredentialStore())


def test_reconnect_keeps_webhook_secret(creds: InMemoryCredentialStore, rsps: responses.RequestsMock) -> None:
    _key_check(rsps)
    connect_with_keys(STORE, "ck_good", "cs_good", credentials=creds)
    first = creds.load(STORE)["webhook_secret"]  # type: ignore[index]
    connect_with_keys(STORE, "ck_good", "cs_good", credentials=creds)
    assert creds.load(STORE)["webhook_secret"] == first  # type: ignore[index]


def test_return_creates_webhooks_idempotently(
    web: FlaskClient, creds: InMemoryCredentialStore, rsps: responses.RequestsMock
) -> None:
    creds.save(STORE, {"consumer_key": "ck", "consumer_secret": "cs", "webhook_secret": "abc123"})
    delivery = f"{BASE}/webhooks/woocommerce/shop-1"
    existing = {**load("webhook_order_updated.json"), "delivery_url": delivery, "status": "disabled"}
    rsps.get(f"{API}/webhooks", json=[existing], headers={"X-WP-TotalPages": "1"})
    made = iter(range(200, 210))

    def create(request: object) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)  # type: ignore[attr-defined]
        return 201, {}, json.dumps({**body, "id": next(made)})

    rsps.add_callback(responses.POST, f"{API}/webhooks", callback=create)
    put = rsps.put(f"{API}/webhooks/142", json={"id": 142})
    reply = web.get("/woocommerce/return", query_string={"store_url": STORE, "success": "1", "user_id": "x"})
    assert reply.status_code == 200
    posts = [json.loads(c.request.body or "") for c in rsps.calls if c.request.method == "POST"]
    assert sorted(p["topic"] for p in posts) == ["order.created", "order.deleted", "order.restored"]
    assert all(p["secret"] == "abc123" and p["delivery_url"] == delivery for p in posts)
    assert put.call_count == 1
    assert json.loads(put.calls[0].request.body) == {"secret": "abc123", "status": "active"}


def test_return_without_approval_or_keys(web: FlaskClient) -> None:
    assert web.get("/woocommerce/return", query_string={"store_url": STORE, "success": "0"}).status_code == 400
    assert web.get("/woocommerce/return", query_string={"store_url": STORE, "success": "1"}).status_code == 409


def test_finish_connect_needs_keys() -> None:
    with pytest.raises(ConfigError):
        finish_connect(STORE, f"{BASE}/hooks", credentials=InMemoryCredentialStore())


def test_url_helpers() -> None:
    assert woocommerce_store_url("HTTPS://Shop.Example:8443/shop/") == "https://shop.example:8443/shop"
    for bad in ("ftp://x", "https://user:pw@x.example", "https://x.example/?a=1", "shop.example"):
        with pytest.raises(ConfigError):
            woocommerce_store_url(bad)
    url = authorize_url("https://shop.example", app_name="A B", user_id="u", return_url="r", callback_url="c")
    assert url == (
        "https://shop.example/wc-auth/v1/authorize?app_name=A+B&scope=read_write&user_id=u&return_url=r&callback_url=c"
    )


def test_manual_keys_refuse_a_store_in_another_currency(rsps: responses.RequestsMock) -> None:
    _key_check(rsps, currency="USD")
    creds = InMemoryCredentialStore()
    with pytest.raises(ConfigError, match="is a USD store, not EUR"):
        connect_with_keys(STORE, "ck_good", "cs_good", credentials=creds, expected_currency="eur")
    assert creds.load(STORE) is None and creds.currencies == {}


def test_a_store_that_does_not_tell_its_currency_is_not_connected(rsps: responses.RequestsMock) -> None:
    _key_check(rsps, currency="")
    creds = InMemoryCredentialStore()
    with pytest.raises(ConfigError, match="did not tell its currency"):
        connect_with_keys(STORE, "ck_good", "cs_good", credentials=creds)
    assert creds.load(STORE) is None


def test_an_http_app_address_is_refused_before_the_merchant_is_sent_to_wc_auth(
    states: InMemoryStateStore, creds: InMemoryCredentialStore
) -> None:
    """A real WooCommerce store answers "The callback_url needs to be over SSL" to an http callback: say so
    here, with what to do, instead of sending the merchant to that error (allowed for local development)."""
    def client(allow_private: bool) -> FlaskClient:
        app = Flask(__name__)
        app.register_blueprint(create_blueprint(
            states=states, credentials=creds, public_base_url="http://returns.example", allow_private=allow_private,
            webhook_delivery_url=lambda store: "http://returns.example/webhooks/woocommerce"))
        return app.test_client()

    refused = client(False).get("/woocommerce/connect", query_string={"store_url": "https://shop.example/"})
    assert refused.status_code == 400
    assert "https" in refused.get_data(as_text=True) and "base_url" in refused.get_data(as_text=True)
    developing = client(True).get("/woocommerce/connect", query_string={"store_url": "https://shop.example/"})
    assert developing.status_code == 302
