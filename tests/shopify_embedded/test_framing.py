"""``Content-Security-Policy: frame-ancestors`` on every HTML response: the shop's admin and Shopify's for the pages
of the embedded admin (the token's shop, never the URL's), ``'none'`` for every other page, including the admin
reached another way (a cookie session must never be framed by a Shopify page, whatever its URL says)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient

from platforms.shopify.embedded.host import host_for
from tests.admin_pages.signed_admin import admin_header, install_test_admin
from tests.shopify_embedded.conftest import SHOP, Sandbox, mint

CSP = "Content-Security-Policy"
NONE = "frame-ancestors 'none';"


def shopify_policy(sandbox: Sandbox, shop: str = SHOP) -> str:
    return f"frame-ancestors https://{shop} https://admin.shopify.com {sandbox.base};"


def embedded(sandbox: Sandbox, token: str | None = None, shop: str = SHOP) -> str:
    params = {"embedded": "1", "host": host_for(shop, sandbox.base).raw, "shop": shop}
    return urlencode(params | ({"id_token": token} if token else {}))


def test_the_embedded_admins_pages_may_be_framed_by_the_tokens_shop_and_shopify_only(
    client: FlaskClient, sandbox: Sandbox, installed: str
) -> None:
    page = client.get(f"/admin/{installed}/probe?{embedded(sandbox, mint())}")
    assert page.status_code == 200 and page.headers[CSP] == shopify_policy(sandbox)
    fetched = client.get(f"/admin/{installed}/probe", headers={"Authorization": f"Bearer {mint()}"})
    assert fetched.headers[CSP] == shopify_policy(sandbox)
    posted = client.post(f"/admin/{installed}/probe?shop=evil-shop.myshopify.com", data={"id_token": mint()})
    assert posted.headers[CSP] == shopify_policy(sandbox)  # the token's shop, not the URL's


def test_the_bounce_and_exit_pages_name_the_sanitised_shop_of_their_url(client: FlaskClient, sandbox: Sandbox) -> None:
    bounce = client.get(f"/auth/session-token?{urlencode({'shop': SHOP, 'shopify-reload': '/'})}")
    assert bounce.headers[CSP] == shopify_policy(sandbox)
    spoofed = client.get(f"/auth/session-token?{urlencode({'shop': 'evil.example', 'shopify-reload': '/'})}")
    assert spoofed.headers[CSP] == NONE
    exit_page = client.get(f"/auth/exit-iframe?{urlencode({'shop': SHOP, 'exitIframe': '/'})}")
    assert exit_page.headers[CSP] == shopify_policy(sandbox)


def test_the_admin_reached_another_way_is_never_framed_whatever_its_url_says(
    app: Flask, sandbox: Sandbox, installed: str
) -> None:
    install_test_admin(app)
    page = app.test_client().get(f"/admin/{installed}/probe?shop={SHOP}", headers=admin_header(installed))
    assert page.status_code == 200 and '"via": "test"' in page.get_data(as_text=True)
    assert page.headers[CSP] == NONE


def _filled(rule: str, shop_id: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: shop_id if m.group(1) == "shop_id" else "x", rule)


def test_every_html_response_says_who_may_frame_it(
    app: Flask, client: FlaskClient, sandbox: Sandbox, installed: str
) -> None:
    seen = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        path = _filled(rule.rule, installed)
        for query in ("", embedded(sandbox), embedded(sandbox, mint())):
            answer = client.get(f"{path}?{query}")
            if answer.mimetype != "text/html":
                continue
            seen += 1
            policy = answer.headers.get(CSP, "")
            assert policy in (NONE, shopify_policy(sandbox)), (path, query, policy)
            if path.startswith(f"/admin/{installed}/") and "id_token" in query:
                assert policy == shopify_policy(sandbox), path
    assert seen > 10
