"""Exchange for another product in Chromium at 390x844: a line's Search (no JavaScript needed) brings the shop's
other products back as radios while every choice already made stays; the pick reaches the review, which names
it. axe-core finds no serious or critical WCAG 2.2 AA violation on the results nor on the review."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.domain import Platform
from connector.domain.exchange_options import ExchangeOption
from connector.domain.money import Money
from connector.policy import Decision, Policy
from connector.policy.model import ExchangeScope, Outcomes
from connector.services.policies import set_policy
from tests.api.conftest import EMAIL, build_container, make_app
from tests.fakes import FakeShop
from tests.pages.browser import assert_accessible
from tests.pages.conftest import LiveServer, Screenshot
from tests.portal_pages.conftest import fake_shops  # noqa: F401 - the shops, their order and catalogue

SHOP = "shop-a"


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only: the browser drives the pages; both databases are covered by tests/portal_pages."""
    return sqlite_url


@pytest.fixture
def app(engine: Engine, fake_shops: dict[str, FakeShop], monkeypatch: pytest.MonkeyPatch) -> Flask:  # noqa: F811
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "portal-browser-test-key")
    shop = fake_shops[SHOP]
    sweaters = [ExchangeOption(v, "P-2", "Sweater", title, (("Size", title[0]),), Money("50.00", "EUR"), stock)
                for v, title, stock in (("V-SM", "M / Blue", 3), ("V-SL", "L / Blue", 0))]
    shops = {**fake_shops, SHOP: replace(shop, catalogue=shop.catalogue + sweaters)}
    container: Container = build_container(engine, shops)
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, name="Atelier Lune",
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        set_policy(uow, SHOP, Policy(name="shop now", default_action=Decision.APPROVE,
                                     outcomes=Outcomes(exchange_scope=ExchangeScope.ANY_PRODUCT)))
        uow.commit()
    return make_app(container)


def test_search_another_product_pick_it_and_see_it_named_on_the_review(
    page: Page, live_server: LiveServer, app: Flask, screenshot: Screenshot,
) -> None:
    page.goto(f"{live_server(app)}/portal/{SHOP}/")
    page.get_by_label("Order number").fill("#1001")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_role("button", name="Find my order").click()

    page.get_by_label("Return Shirt L1").check()
    line = page.locator("li.line", has=page.get_by_label("Return Shirt L1"))
    line.get_by_label("Reason for the return").select_option(label="Too small")
    line.get_by_label("Note for the shop (optional)").fill("Too tight")
    line.get_by_label("Exchange for another size, colour or item").check()
    line.get_by_label("Or look for another item").fill("sweat")
    line.get_by_role("button", name="Search").click()

    line = page.locator("li.line", has=page.get_by_label("Return Shirt L1"))
    expect(line.get_by_role("group", name="Items found for “sweat”")).to_be_visible()
    expect(page.get_by_label("Return Shirt L1")).to_be_checked()  # every choice made before the search stays
    expect(line.get_by_label("Note for the shop (optional)")).to_have_value("Too tight")
    expect(line.get_by_label("Exchange for another size, colour or item")).to_be_checked()
    expect(line.get_by_label("Sweater — L / Blue")).to_be_disabled()  # sold out
    expect(line.get_by_text("€14.00 to pay")).to_be_visible()
    assert_accessible(page)
    screenshot("search-results")

    line.get_by_label("Sweater — M / Blue").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How will you send the items back?")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check and confirm your return")
    expect(page.locator("dd", has_text="Sweater — M / Blue")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm my return")).to_be_visible()
    assert_accessible(page)
    screenshot("review-names-the-replacement")
