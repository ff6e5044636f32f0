"""A WordPress session opens its own shop's admin and nothing of another shop's: every admin route (read from the
app's URL map, the settings included) refuses a session of shop-a on shop-b's pages, with every method and the
session's own CSRF field, even when the browser is made to send the cookie there."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from platforms.woocommerce.plugin_session import COOKIE
from tests.admin_pages.conftest import open_return
from tests.api.conftest import Clock
from tests.security.test_admin_isolation import _url, admin_rules
from tests.wordpress_plugin.conftest import SHOP, php_token

pytestmark = pytest.mark.usefixtures("plugin_secret")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def test_every_admin_route_refuses_a_session_of_another_shop(app: Flask, client: FlaskClient, clock: Clock) -> None:
    theirs = open_return(client, "shop-b", lines=[{"order_line_id": "L1", "quantity": 1, "reason": "other",
                                                   "resolution": {"kind": "refund"}}])
    entered = client.get("/admin/enter/woocommerce", query_string={"token": php_token(clock)})
    assert entered.status_code == 303
    ours = open_return(client, SHOP)
    page = client.get(f"/admin/{SHOP}/returns/{ours}")
    assert page.status_code == 200
    field = CSRF.search(page.get_data(as_text=True))
    assert field is not None, "the return's forms carry the session's CSRF field"
    cookie = client.get_cookie(COOKIE, path=f"/admin/{SHOP}")
    assert cookie is not None
    forced = app.test_client()
    forced.set_cookie(COOKIE, cookie.value, path="/")  # as if the browser sent it to every path
    rules = list(admin_rules(app))
    assert len(rules) >= 10, [r.rule for r in rules]
    for rule in rules:
        url = _url(rule, "shop-b", theirs)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            answer = forced.open(url, method=method, data={"csrf": field.group(1), "ids": theirs,
                                                           "step": "approve", "all": "1"})
            said = answer.get_data(as_text=True)
            assert answer.status_code == 401, (method, url, answer.status_code)
            assert theirs not in said and "b-shop" not in said, (method, url)
    assert forced.get(f"/admin/{SHOP}/").status_code == 200, "while its own shop's pages open"
