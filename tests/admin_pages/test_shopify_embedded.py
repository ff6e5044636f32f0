"""The admin's real pages entered with Shopify ID tokens: what an embedded page carries (the api-key meta tag, App
Bridge first, the ``id_token`` field in every form that posts, Shopify's parameters on every link), a step taken
with the token in its form and recorded in the staff member's name, and no page or form of one shop open to
another shop's token, whichever way it is sent.

Over the admin pages' shops (``conftest.py``, the API tests' ones), whose app has Shopify's way in registered by the
wiring beside the test one: ``shop-a`` (WooCommerce) and ``shop-b`` (Shopify,
``b-shop.myshopify.com``), each with its order ``#1001``; ``c-shop.myshopify.com`` is a third, installed, shop.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from connector.bootstrap import Container
from connector.domain.orders import Platform
from platforms.shopify.embedded.host import host_for
from tests.admin_pages.conftest import open_return, review_everything
from tests.api.conftest import APP_KEY, APP_SECRET
from tests.shopify_embedded.conftest import mint

B_SHOP = "b-shop.myshopify.com"
C_SHOP = "c-shop.myshopify.com"
B1 = [{"order_line_id": "L1", "quantity": 1, "reason": "other", "resolution": {"kind": "refund"}}]
_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.DOTALL)
_HREF = re.compile(r'<a\b[^>]*href="(/admin/[^"]+)"')


def token(shop: str = B_SHOP, sub: str = "7") -> str:
    return mint(shop, sub=sub, key=APP_KEY, secret=APP_SECRET)


def embedded(shop: str = B_SHOP, id_token: str | None = None) -> str:
    params = {"embedded": "1", "shop": shop, "host": host_for(shop).raw, "locale": "en"}
    return urlencode(params | ({"id_token": id_token} if id_token else {}))


def test_an_embedded_page_carries_what_shopify_and_its_forms_need(client: FlaskClient, container: Container) -> None:
    review_everything(container, "shop-b")
    return_id = open_return(client, "shop-b", B1)
    for path in ("/admin/shop-b/", f"/admin/shop-b/returns/{return_id}"):
        answer = client.get(f"{path}?{embedded(id_token=token())}")
        html = answer.get_data(as_text=True)
        assert answer.status_code == 200, html[:2000]
        assert f'<meta name="shopify-api-key" content="{APP_KEY}">' in html
        scripts = re.findall(r'<script src="([^"]+)"', html)
        assert scripts[0] == "https://cdn.shopify.com/shopifycloud/app-bridge.js", scripts  # first, not deferred
        assert scripts[-1] == "/shopify/static/embedded.js"
        assert answer.headers["Content-Security-Policy"] == (
            f"frame-ancestors https://{B_SHOP} https://admin.shopify.com;")
        posting = [form for form in _FORM.findall(html) if 'method="post"' in form]
        assert posting and all('<input type="hidden" name="id_token" value="">' in form for form in posting)
        for link in _HREF.findall(html):
            query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
            assert query.get("embedded") == ["1"] and query.get("shop") == [B_SHOP], link
            assert query.get("host") == [host_for(B_SHOP).raw] and "id_token" not in query, link


def test_a_step_posted_with_the_token_in_its_form_is_the_staff_members(client: FlaskClient,
                                                                         container: Container) -> None:
    review_everything(container, "shop-b")
    return_id = open_return(client, "shop-b", B1)
    approve = f"/admin/shop-b/returns/{return_id}/approve?{embedded()}"
    lost = client.post(approve, data={"approve_message": "ok"})  # the script did not fill the field
    assert lost.status_code == 303 and urlsplit(lost.location).path == "/auth/session-token"
    done = client.post(approve, data={"approve_message": "ok", "id_token": token(sub="1001")})
    assert done.status_code == 303 and urlsplit(done.location).path == f"/admin/shop-b/returns/{return_id}"
    assert parse_qs(urlsplit(done.location).query)["shop"] == [B_SHOP]  # back into the embedded page
    with container.uow() as uow:
        request = uow.returns("shop-b").get(return_id)
    assert request is not None and request.status.value == "approved"
    assert [e.actor.id for e in request.events if e.action == "approve"] == ["shopify-user:1001"]


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/admin/<shop_id>") and rule.endpoint not in ("admin.static", "admin.photo")]


def _url(rule: Rule, shop_id: str, return_id: str) -> str:
    values = {name: return_id if name == "return_id" else "x" for name in rule.arguments} | {"shop_id": shop_id}
    return rule.map.bind("localhost").build(rule.endpoint, values)


def test_no_page_or_form_of_a_shop_opens_to_another_shops_token(app: Flask, client: FlaskClient,
                                                                  container: Container) -> None:
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, C_SHOP, shop_id="shop-c", credentials={"access_token": "c"})
        uow.commit()
    theirs = open_return(client, "shop-b", B1)
    rules = _rules(app)
    assert len(rules) >= 10
    for victim, shop in (("shop-b", C_SHOP), ("shop-a", B_SHOP)):
        for rule in rules:
            url = _url(rule, victim, theirs)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                data = {"id_token": token(shop), "ids": theirs, "step": "approve", "all": "1"}
                ways = [{"headers": {"Authorization": f"Bearer {token(shop)}"}}]
                ways.append({"data": data} if method == "POST" else {"query_string": {"id_token": token(shop)}})
                for way in ways:
                    answer = client.open(url, method=method, **way)  # type: ignore[arg-type]
                    said = answer.get_data(as_text=True)
                    assert answer.status_code == 401, (method, url, way.keys(), answer.status_code)
                    assert theirs not in said and "b-shop" not in said.replace(shop, ""), (method, url)
    with container.uow() as uow:
        request = uow.returns("shop-b").get(theirs)
    assert request is not None and not [e for e in request.events if e.actor.id.startswith("shopify-user:")]
