"""Following the plugin's links over HTTP: an agent's token (signed by the plugin's PHP) becomes a session of
that shop's admin, with its role, language and CSRF field, once; a customer's token becomes the portal's own
link of their order, which the portal opens. Anything else gets a page, 403, and no cookie."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from flask import Flask, Response, jsonify, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from connector.bootstrap import Container
from connector.domain.orders import Customer
from connector.pages.admin.auth import current_admin
from platforms.woocommerce.plugin_secret import KEY
from platforms.woocommerce.plugin_session import COOKIE
from tests.api.conftest import Clock
from tests.fakes import FakeShop
from tests.wordpress_plugin.conftest import SHOP, php_token

ENTRY = "/admin/enter/woocommerce"

pytestmark = pytest.mark.usefixtures("plugin_secret")


@pytest.fixture
def probe(app: Flask) -> Flask:
    """An admin page that only says who is there (the admin's own pages are tested apart)."""

    @app.route("/admin/<shop_id>/__probe", methods=["GET", "POST"])
    def _probe(shop_id: str) -> Response:
        context = current_admin(shop_id)
        return jsonify(actor=context.actor.id, role=context.role, locale=context.locale, via=context.via,
                       fields=dict(context.form_fields), method=request.method)

    return app


def _enter(client: FlaskClient, token: str) -> TestResponse:
    return client.get(ENTRY, query_string={"token": token})


def _cookie_header(answer: TestResponse) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    for value in answer.headers.getlist("Set-Cookie"):
        cookie.load(value)
    return cookie


def test_the_agent_enters_the_shops_admin(probe: Flask, client: FlaskClient, clock: Clock) -> None:
    answer = _enter(client, php_token(clock, order="41", order_number="1041"))
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/admin/{SHOP}/?q=1041"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    morsel = _cookie_header(answer)[COOKIE]
    assert morsel["path"] == f"/admin/{SHOP}" and morsel["httponly"] and morsel["samesite"] == "Lax"
    me = client.get(f"/admin/{SHOP}/__probe")
    assert me.status_code == 200
    body = me.get_json()
    assert (body["actor"], body["role"], body["locale"], body["via"]) == (
        "woocommerce:7:marie", "shop_manager", "fr", "woocommerce")
    assert set(body["fields"]) == {"csrf"}


def test_an_administrator_is_one_here(probe: Flask, client: FlaskClient, clock: Clock) -> None:
    _enter(client, php_token(clock, role="administrator", locale="en_US", user=1, login="admin"))
    assert client.get(f"/admin/{SHOP}/__probe").get_json()["role"] == "administrator"


@pytest.mark.parametrize("claims", [{"role": "customer"}, {"role": "editor"}, {"user": 0}, {"user": "x"}])
def test_a_user_who_may_not_manage_the_shop_is_refused(claims: dict[str, object], probe: Flask,
                                                       client: FlaskClient, clock: Clock) -> None:
    answer = _enter(client, php_token(clock, **claims))
    assert answer.status_code == 403 and COOKIE not in _cookie_header(answer)


def test_a_token_opens_one_session_only(probe: Flask, client: FlaskClient, app: Flask, clock: Clock) -> None:
    token = php_token(clock)
    assert _enter(client, token).status_code == 303
    other = app.test_client()
    replayed = _enter(other, token)
    assert replayed.status_code == 403
    assert "Open the returns admin from your shop" in replayed.get_data(as_text=True)
    assert COOKIE not in _cookie_header(replayed)
    assert other.get(f"/admin/{SHOP}/__probe").status_code == 401


@pytest.mark.parametrize("kind", ["expired", "tampered", "other store", "portal token", "none"])
def test_a_bad_token_gets_the_page_and_no_session(kind: str, probe: Flask, client: FlaskClient,
                                                  clock: Clock) -> None:
    token = {
        "expired": lambda: php_token(clock, ago=600),
        "tampered": lambda: php_token(clock)[:-3] + "AAA",
        "other store": lambda: php_token(clock, store="https://evil.example"),
        "portal token": lambda: php_token(clock, "return", order="O1", customer=3),
        "none": lambda: "",
    }[kind]()
    answer = _enter(client, token)
    assert answer.status_code == 403
    assert COOKIE not in _cookie_header(answer)
    assert client.get(f"/admin/{SHOP}/__probe").status_code == 401


def test_forms_need_the_sessions_csrf_field(probe: Flask, client: FlaskClient, clock: Clock) -> None:
    _enter(client, php_token(clock))
    fields = client.get(f"/admin/{SHOP}/__probe").get_json()["fields"]
    assert client.post(f"/admin/{SHOP}/__probe", data={}).status_code == 403
    assert client.post(f"/admin/{SHOP}/__probe", data={"csrf": "forged"}).status_code == 403
    assert client.post(f"/admin/{SHOP}/__probe", data=fields).get_json()["method"] == "POST"


def test_the_session_is_the_shops_only(probe: Flask, client: FlaskClient, app: Flask, clock: Clock) -> None:
    """Even sent to another shop's pages (the cookie's path keeps it from them), it opens nothing there."""
    value = _cookie_header(_enter(client, php_token(clock)))[COOKIE].value
    other = app.test_client()
    other.set_cookie(COOKIE, value, path="/")
    assert other.get(f"/admin/{SHOP}/__probe").status_code == 200
    assert other.get("/admin/shop-b/__probe").status_code == 401


def test_the_session_ends(probe: Flask, client: FlaskClient, container: Container, clock: Clock) -> None:
    """Idle for an hour, ten hours after entry however busy, and at once when the secret is rotated."""
    _enter(client, php_token(clock))
    for _ in range(12):  # each page signs the cookie again: the idle hour starts anew, up to ten hours
        clock.now += timedelta(minutes=50)
        assert client.get(f"/admin/{SHOP}/__probe").status_code == 200
    clock.now += timedelta(minutes=50)
    assert client.get(f"/admin/{SHOP}/__probe").status_code == 401
    _enter(client, php_token(clock))
    assert client.get(f"/admin/{SHOP}/__probe").status_code == 200
    clock.now += timedelta(minutes=61)
    assert client.get(f"/admin/{SHOP}/__probe").status_code == 401
    _enter(client, php_token(clock))
    with container.uow() as uow:
        uow.shops.set_credentials(SHOP, {**(uow.shops.credentials(SHOP) or {}), KEY: "rotated-" + "x" * 40})
        uow.commit()
    assert client.get(f"/admin/{SHOP}/__probe").status_code == 401


# -- the customer's "Request a return" ------------------------------------------------------------------------


@pytest.fixture
def customers_order(fake_shops: dict[str, FakeShop]) -> None:
    """Order O1 belongs to WordPress customer 3."""
    shop = fake_shops[SHOP]
    shop.orders["O1"] = replace(shop.orders["O1"], customer=Customer("3", "ana@example.com"))


def test_request_a_return_opens_the_order_in_the_portal(customers_order: None, client: FlaskClient,
                                                        clock: Clock) -> None:
    token = php_token(clock, "return", order="O1", customer=3, locale="fr_FR")
    answer = client.get("/portal/enter/woocommerce", query_string={"token": token})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith(f"/portal/{SHOP}/w/")
    link = client.get(answer.headers["Location"])  # the portal checks its own link, as for the order's note
    assert link.status_code == 303 and f"/portal/{SHOP}/o/" in link.headers["Location"]
    page = client.get(link.headers["Location"])
    assert page.status_code == 200
    assert 'lang="fr"' in page.get_data(as_text=True)
    replayed = client.get("/portal/enter/woocommerce", query_string={"token": token})  # once only
    assert replayed.status_code == 303 and replayed.headers["Location"] == f"/portal/{SHOP}/w/invalid"


@pytest.mark.parametrize("claims", [{"customer": 4}, {"customer": 0}, {"order": "../O1"}, {"secret": "x" * 40}])
def test_request_a_return_of_someone_elses_order_opens_nothing(claims: dict[str, object], customers_order: None,
                                                               client: FlaskClient, clock: Clock) -> None:
    """The customer gets the portal's "this link is not valid" page of the shop, which offers the lookup."""
    token = php_token(clock, "return", **{"order": "O1", "customer": 3, **claims})
    answer = client.get("/portal/enter/woocommerce", query_string={"token": token})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/portal/{SHOP}/w/invalid"
    page = client.get(answer.headers["Location"])
    assert page.status_code == 400 and "This link is not valid" in page.get_data(as_text=True)
    assert f'href="/portal/{SHOP}/"' in page.get_data(as_text=True)


def test_a_customers_token_naming_no_shop_gets_a_page(client: FlaskClient) -> None:
    answer = client.get("/portal/enter/woocommerce", query_string={"token": "garbage"})
    assert answer.status_code == 403 and "Location" not in answer.headers
