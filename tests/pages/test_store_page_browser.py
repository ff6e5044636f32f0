"""The store page in Chromium, in French and English: staff sign in with the shop's API key, scan (type) the
return's code, receive everything, then inspect each item; the return ends inspected, in the staff's name. axe-core
finds no serious or critical WCAG 2.2 AA violation on any screen, a form sent back with a mistake included. A
screenshot of each screen is kept as a test artefact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.domain.states import ReturnStatus
from connector.pages.store.links import store_return_url
from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from tests.api.conftest import customer_token
from tests.factories import order, order_line
from tests.fakes import FakeShop
from tests.pages.browser import assert_accessible
from tests.pages.conftest import LiveServer, Screenshot
from tests.portal.review.portal_app import SHOP, make_container, portal_app, use_policy

SIGNING_KEY = "store-page-browser-test-key"
WORDS = {
    "fr-FR": {"key": "Clé d\u2019API", "name": "Votre nom ou vos initiales (facultatif)", "sign_in": "Se connecter",
              "field": "Code du retour, numéro de retour ou de commande",
              "receive_all": "Réceptionner les 3 unités attendues",
              "received": "Les unités sont enregistrées comme reçues.", "condition": "État",
              "restock": "Remis en stock", "dispose": "Mis au rebut", "save": "Enregistrer le contrôle de cet article",
              "inspected": "Contrôlé", "new": "Neuf, comme vendu", "defective": "Défectueux",
              "part": "Réceptionner ces unités", "problem": "Il y a un problème"},
    "en-GB": {"key": "API key", "name": "Your name or initials (optional)", "sign_in": "Sign in",
              "field": "Return code, return number or order number", "receive_all": "Receive all 3 expected units",
              "received": "The units are recorded as received.", "condition": "Condition",
              "restock": "Back to stock", "dispose": "Disposed of", "save": "Save the inspection of this item",
              "inspected": "Inspected", "new": "New, as sold", "defective": "Defective",
              "part": "Receive these units", "problem": "There is a problem"},
}


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", SIGNING_KEY)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: the browser drives the pages; both databases are covered by tests/store_page."""
    built = make_engine(f"sqlite:///{tmp_path}/connector.sqlite3")
    upgrade(built)
    yield built
    built.dispose()


@pytest.fixture
def container(engine: Engine, tmp_path: Path) -> Container:
    shop = FakeShop(orders={"O1": order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1,
                                                                                               fulfilled=1))})
    built = make_container(engine, shop, tmp_path / "data")
    use_policy(built, {"methods": ["prepaid_label", "in_store"]})
    return built


@pytest.fixture
def app(container: Container) -> Flask:
    return portal_app(container)


def _open_return(app: Flask) -> str:
    """The customer's in-store return of the whole order, approved by the policy (through the portal's API)."""
    web = app.test_client()
    lines = [{"order_line_id": "L1", "quantity": 2, "reason": "size_too_small", "resolution": {"kind": "refund"}},
             {"order_line_id": "L2", "quantity": 1, "reason": "defective", "resolution": {"kind": "refund"}}]
    answer = web.post(f"/api/v1/portal/{SHOP}/returns", json={"lines": lines, "method": "in_store"},
                      headers={"Authorization": f"Bearer {customer_token(web, SHOP)}"})
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["return"]["id"])


def _key(container: Container) -> tuple[str, str]:
    with container.uow() as uow:
        record, plain = uow.api_keys.issue(SHOP, "counter", container.clock())
        uow.commit()
    return record.id, plain


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_sign_in_scan_receive_and_inspect(
    page: Page, live_server: LiveServer, app: Flask, container: Container, screenshot: Screenshot, locale: str
) -> None:
    words = WORDS[locale]
    return_id = _open_return(app)
    key_id, key = _key(container)
    base = live_server(app)

    page.goto(f"{base}/store/{SHOP}/")
    expect(page.get_by_label(words["key"])).to_be_focused()
    assert_accessible(page)
    screenshot("sign-in")
    page.get_by_label(words["key"]).fill(key)
    page.get_by_label(words["name"]).fill("Ana")
    page.get_by_role("button", name=words["sign_in"]).click()

    field = page.get_by_label(words["field"])
    expect(field).to_be_focused()
    expect(page.locator("#camera")).to_be_hidden()  # no BarcodeDetector in this browser
    assert_accessible(page)
    screenshot("scan")
    # The English counter has the QR code's URL typed by its scanner, the French one the return's number.
    typed = store_return_url(container.config, SHOP, return_id) if locale == "en-GB" else return_id.lower()
    field.fill(typed)
    field.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text(return_id)
    assert_accessible(page)
    screenshot("return")
    page.get_by_label("Shirt L1").fill("9")  # a mistake first: more than expected
    page.get_by_role("button", name=words["part"]).click()
    expect(page.get_by_role("alert")).to_contain_text(words["problem"])
    expect(page.get_by_label("Shirt L1")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    screenshot("receive-mistake")

    page.get_by_role("button", name=words["receive_all"]).click()
    expect(page.get_by_role("status").first).to_have_text(words["received"])
    assert_accessible(page)
    screenshot("received")

    for number, condition, disposition in ((1, words["new"], words["restock"]),
                                           (2, words["defective"], words["dispose"])):
        item = page.locator("form.inspect-form").nth(number - 1)
        item.get_by_label(words["condition"]).select_option(label=condition)
        item.get_by_label(disposition).check()
        item.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".facts dd").first).to_have_text(words["inspected"])
    assert_accessible(page)
    screenshot("inspected")

    with container.uow() as uow:
        stored = uow.returns(SHOP).get(return_id)
    assert stored is not None and stored.status is ReturnStatus.INSPECTED
    steps = [(event.action, event.actor.id) for event in stored.events[-3:]]
    assert steps == [(action, f"api-key:{key_id}:Ana") for action in ("receive", "inspect_line", "inspect")]
