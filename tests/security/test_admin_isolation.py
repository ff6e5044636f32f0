"""The agents' admin keeps shops apart on every route: an agent of one shop gets nothing of another shop's pages,
forms or photos, whichever route, method or return number is tried.

The routes are read from the app's URL map, so a route added later is covered without touching this test.
Agents come in through the test authenticator (``tests/admin_pages/signed_admin.py``), the same way Shopify's
ID token and the WordPress session come in (``connector.pages.admin.auth``): what is checked here is the
admin's own rule, that a context is only ever used on its own shop's pages.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from connector.bootstrap import Container
from connector.pages.admin.return_page import PHOTO
from connector.pages.i18n import SIGNER_EXTENSION
from connector.pages.signed import PortalSigner
from tests.admin_pages.conftest import open_return
from tests.admin_pages.signed_admin import FORM_FIELD, admin_header, form_token, install_test_admin

PUBLIC = {"admin.static", "admin.photo"}


@pytest.fixture
def admin_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "admin-isolation-key")
    install_test_admin(app)
    return app


def admin_rules(app: Flask) -> Iterator[Rule]:
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/<shop_id>") and rule.endpoint not in PUBLIC:
            yield rule


def _url(rule: Rule, shop_id: str, return_id: str) -> str:
    values = {name: return_id if name == "return_id" else "x" for name in rule.arguments}
    values["shop_id"] = shop_id
    return rule.map.bind("localhost").build(rule.endpoint, values)


def test_every_admin_route_refuses_another_shops_agent(admin_app: Flask, client: FlaskClient) -> None:
    theirs = open_return(client, "shop-b", lines=[{"order_line_id": "L1", "quantity": 1, "reason": "other",
                                                   "resolution": {"kind": "refund"}}])
    rules = list(admin_rules(admin_app))
    assert len(rules) >= 10, [r.rule for r in rules]
    own_field = form_token("shop-a")
    for rule in rules:
        url = _url(rule, "shop-b", theirs)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            answer = client.open(url, method=method, headers=admin_header("shop-a"),
                                 data={FORM_FIELD: own_field, "ids": theirs, "step": "approve", "all": "1"})
            said = answer.get_data(as_text=True)
            assert answer.status_code == 401, (method, url, answer.status_code)
            assert theirs not in said and "b-shop" not in said, (method, url)
    for method, url in (("GET", f"/admin/shop-b/returns/{theirs}"), ("POST", "/admin/shop-b/bulk")):
        assert client.open(url, method=method).status_code == 401, "no credential at all"


def test_another_shops_return_is_not_found_from_ones_own_pages(admin_app: Flask, client: FlaskClient,
                                                                container: Container) -> None:
    theirs = open_return(client, "shop-b", lines=[{"order_line_id": "L1", "quantity": 1, "reason": "other",
                                                   "resolution": {"kind": "refund"}}])
    own_field = form_token("shop-a")
    for rule in admin_rules(admin_app):
        if "return_id" not in rule.arguments:
            continue
        url = _url(rule, "shop-a", theirs)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            answer = client.open(url, method=method, headers=admin_header("shop-a"), data={FORM_FIELD: own_field})
            assert answer.status_code == 404, (method, url, answer.status_code)
    answer = client.post("/admin/shop-a/bulk", headers=admin_header("shop-a"),
                         data={FORM_FIELD: own_field, "ids": theirs, "step": "approve"})
    assert f"skipped={theirs}" in answer.location
    with container.uow() as uow:
        found = uow.returns("shop-b").get(theirs)
    assert found is not None and found.events[-1].actor.kind.value != "agent", "shop-b's return never touched"


def test_a_photo_link_serves_one_shops_photo_only(admin_app: Flask, client: FlaskClient) -> None:
    signer: PortalSigner = admin_app.extensions[SIGNER_EXTENSION]
    with admin_app.app_context():
        token = signer.dumps(PHOTO, "shop-a", {"r": "R1", "p": "1"})
    assert client.get(f"/admin/shop-b/photos/{token}").status_code == 404
    assert client.get("/admin/shop-a/photos/not-signed").status_code == 404
