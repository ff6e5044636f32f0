"""Screens 3-5 in Chromium at 390x844, in French and English: choose a method, check the review, confirm, land on
the confirmation; axe-core finds no serious or critical WCAG 2.2 AA violation on any of them (nor on the policy
page), and the three screens are three page loads. A screenshot of each is kept as a test artefact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.pages.portal.draft import DraftLine
from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from tests.pages.browser import ScreenCounter, assert_accessible
from tests.pages.conftest import LiveServer, Screenshot
from tests.portal.review.portal_app import ORDER, SHOP, access, draft, fake_shop, make_container, portal_app, use_policy

WORDS = {
    "fr-FR": {"method": "Dépôt en point relais", "continue": "Continuer",
              "review": "Vérifiez et confirmez votre retour", "credit": "Avoir en boutique",
              "confirm": "Confirmer mon retour", "done": "Votre retour est enregistré",
              "policy": "Politique de retour"},
    "en-GB": {"method": "Drop-off at a relay point", "continue": "Continue", "review": "Check and confirm your return",
              "credit": "Store credit", "confirm": "Confirm my return", "done": "Your return is registered",
              "policy": "Return policy"},
}


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: the browser drives the pages, the store's two engines are covered by tests/portal."""
    built = make_engine(f"sqlite:///{tmp_path}/connector.sqlite3")
    upgrade(built)
    yield built
    built.dispose()


@pytest.fixture
def container(engine: Engine, tmp_path: Path) -> Container:
    built = make_container(engine, fake_shop(), tmp_path / "data")
    use_policy(built, {"methods": ["prepaid_label", "relay_point", "in_store"],
                       "fees": {"return_shipping": {"EUR": "4.90"}, "by_method": {"relay_point": {"EUR": "2.90"}}},
                       "bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit"]},
                       "eu_withdrawal": {"days": 14, "refund_days": 14}})
    return built


@pytest.fixture
def app(container: Container) -> Flask:
    return portal_app(container)


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_method_review_and_confirmation(
    page: Page, live_server: LiveServer, app: Flask, container: Container, screens: ScreenCounter,
    screenshot: Screenshot, locale: str,
) -> None:
    words = WORDS[locale]
    base = live_server(app)
    token = draft(app, DraftLine("L1", 1, "size_too_small", outcome="store_credit"), method=None)
    page.goto(f"{base}/portal/{SHOP}/o/{access(app)}/method?d={token}")
    assert_accessible(page)
    screenshot("method")

    page.get_by_label(words["method"]).check()
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["review"])
    expect(page.locator("main")).to_contain_text(words["credit"])
    assert_accessible(page)
    screenshot("review")

    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["done"])
    assert_accessible(page)
    screenshot("confirmation")
    assert screens.count == 3, screens.urls

    with container.uow() as uow:
        [opened] = uow.returns(SHOP).for_order(ORDER)
    expect(page.locator("main")).to_contain_text(opened.id)
    page.get_by_role("link", name=words["policy"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["policy"])
    assert_accessible(page)
    screenshot("policy")


def test_a_method_left_unchosen_is_marked_and_reachable_from_the_summary(
    page: Page, live_server: LiveServer, app: Flask
) -> None:
    base = live_server(app)
    page.goto(f"{base}/portal/{SHOP}/o/{access(app)}/method?d={draft(app, method=None)}")
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Choose how you will send the items back.")
    assert_accessible(page)
    alert.get_by_role("link").click()
    expect(page.locator("#method")).to_be_focused()
