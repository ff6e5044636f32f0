"""Screens 1 and 2 in Chromium at 390x844, in French and English: find the order (a wrong e-mail first, then the
right one), choose a line, its reason and outcome (nothing chosen first), and reach the method screen; axe-core
finds no serious or critical WCAG 2.2 AA violation on any state of either screen. Screenshots are kept."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.domain import Platform
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from tests.api.conftest import EMAIL, build_container, make_app
from tests.pages.browser import ScreenCounter, assert_accessible
from tests.pages.conftest import LiveServer, Screenshot
from tests.portal_pages.conftest import fake_shops  # noqa: F401 - the shops, their order and catalogue

SHOP = "shop-a"
WORDS = {
    "fr-FR": {"number": "Numéro de commande", "email": "Adresse e-mail", "find": "Retrouver ma commande",
              "not_found": "Nous n\u2019avons trouv\u00e9 aucune commande",
              "choose": "Choisissez ce que vous retournez",
              "continue": "Continuer", "none": "Choisissez au moins un article à retourner.",
              "line": "Retourner Shirt L2", "reason": "Raison du retour", "unwanted": "Ne me convient plus",
              "credit": "Avoir en boutique", "method": "Comment renverrez-vous les articles ?"},
    "en-GB": {"number": "Order number", "email": "E-mail address", "find": "Find my order",
              "not_found": "We could not find an order", "choose": "Choose what to return",
              "continue": "Continue", "none": "Choose at least one item to return.",
              "line": "Return Shirt L2", "reason": "Reason for the return", "unwanted": "No longer wanted",
              "credit": "Store credit", "method": "How will you send the items back?"},
}


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only (tests/conftest.py's engine then uses it): the browser drives the pages; both databases are
    covered by tests/portal_pages."""
    return sqlite_url


@pytest.fixture
def app(engine: Engine, fake_shops: dict, monkeypatch: pytest.MonkeyPatch) -> Flask:  # noqa: F811
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "portal-browser-test-key")
    container: Container = build_container(engine, fake_shops)
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, name="Atelier Lune",
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        set_policy(uow, SHOP, Policy(name="approve everything", default_action=Decision.APPROVE))
        uow.commit()
    return make_app(container)


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_find_the_order_and_choose_a_line(
    page: Page, live_server: LiveServer, app: Flask, screens: ScreenCounter, screenshot: Screenshot, locale: str,
) -> None:
    words = WORDS[locale]
    page.goto(f"{live_server(app)}/portal/{SHOP}/")
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    assert_accessible(page)
    screenshot("lookup")

    page.get_by_label(words["number"]).fill("#1001")
    page.get_by_label(words["email"]).fill("someone.else@example.com")
    page.get_by_role("button", name=words["find"]).click()
    expect(page.get_by_role("alert")).to_contain_text(words["not_found"])
    assert_accessible(page)
    screenshot("lookup-not-found")

    page.get_by_label(words["email"]).fill(EMAIL)
    page.get_by_role("button", name=words["find"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["choose"])
    assert_accessible(page)
    screenshot("lines")

    page.get_by_role("button", name=words["continue"]).click()
    expect(page.get_by_role("alert")).to_contain_text(words["none"])
    assert_accessible(page)
    screenshot("lines-nothing-chosen")

    page.get_by_label(words["line"]).check()
    line = page.locator("li.line", has=page.get_by_label(words["line"]))
    line.get_by_label(words["reason"]).select_option(label=words["unwanted"])
    line.get_by_label(words["credit"]).check()
    assert_accessible(page)
    screenshot("lines-chosen")
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["method"])
    screenshot("method")
    assert screens.count == 5


def test_the_fields_of_an_unticked_line_fold_away(page: Page, live_server: LiveServer, app: Flask) -> None:
    """Progressive enhancement by CSS alone: a ticked line shows its fields, an unticked one does not."""
    page.goto(f"{live_server(app)}/portal/{SHOP}/")
    page.get_by_label("Order number").fill("#1001")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_role("button", name="Find my order").click()
    reason = page.locator("#l1-reason")
    expect(reason).to_be_hidden()
    page.get_by_label("Return Shirt L2").check()
    expect(reason).to_be_visible()
