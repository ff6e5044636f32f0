"""The return policy settings page in Chromium (issue 20): the merchant changes the policy on the page and the next
return is decided by the change. In English, a product tag becomes final sale; in French, the window shortens. Each
run: a mistake sent back marked on its field, the draft simulated on the return already opened (it would now be
declined, with the draft's words), saved as the next version; then a customer opens a return through the portal's API,
which the policy declines, and the return's admin page shows the new explanation. axe-core finds no serious or
critical WCAG 2.2 AA violation on any screen, and each screen is kept as a screenshot.

The merchant comes in through the test authenticator (``tests/admin_pages/signed_admin.py``: a signed header on
every request, a signed field in every form); Polaris is not loaded, so these are the pages' plain fallbacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.services.policies import current_policy
from connector.services.policy_settings import policy_version
from tests.admin_pages.signed_admin import admin_header, install_test_admin
from tests.api.conftest import bearer, customer_token
from tests.factories import order, order_line
from tests.fakes import FakeShop
from tests.pages.browser import assert_accessible
from tests.pages.conftest import LiveServer, Screenshot
from tests.portal.review.portal_app import SHOP, make_container, portal_app, use_policy

SIGNING_KEY = "settings-browser-test-key"
TAG = "summer-sale"
SHIRTS = {"order_line_id": "L1", "quantity": 1, "reason": "size_too_small", "resolution": {"kind": "refund"}}
WORDS = {
    "en-GB": {"days": "Days to return an item", "simulate": "Simulate on past returns", "problem": "There is a problem",
              "save": "Save as a new version", "saved": "Saved as version %(version)s: new returns are judged by it.",
              "would": "2 of the 2 most recent returns would change.", "decline": "Decline",
              "whole": "Enter a whole number, such as 30.", "tags": "Product tags", "typed": "30"},
    "fr-FR": {"days": "Jours pour retourner un article", "simulate": "Simuler sur les retours passés",
              "problem": "Il y a un problème", "save": "Enregistrer comme nouvelle version",
              "saved": "Enregistrée comme version %(version)s : les nouveaux retours sont jugés selon elle.",
              "would": "2 sur les 2 retours les plus récents changeraient.", "decline": "Refuser",
              "whole": "Saisissez un nombre entier, par exemple 30.", "typed": "3"},
}
EXPLAINED = {
    "en-GB": f"Shirt L1: cannot be returned (“{TAG}” items).",
    "fr-FR": "Délai de retour dépassé (Shirt L1)",
}


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", SIGNING_KEY)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: the browser drives the pages; both databases are covered by tests/admin_settings."""
    from connector.store.engine import make_engine
    from connector.store.migrate import upgrade

    built = make_engine(f"sqlite:///{tmp_path}/connector.sqlite3")
    upgrade(built)
    yield built
    built.dispose()


@pytest.fixture
def container(engine: Engine, tmp_path: Path) -> Container:
    """Order #1001: four summer-sale shirts delivered five days ago, returnable for 30 days."""
    shirts = replace(order_line("L1", ordered=4, fulfilled=4), tags=frozenset({TAG}))
    built = make_container(engine, FakeShop(orders={"O1": order(shirts)}), tmp_path / "data")
    use_policy(built, {"name": "Thirty days", "windows": {"days": 30}})
    return built


@pytest.fixture
def app(container: Container) -> Flask:
    built = portal_app(container)
    install_test_admin(built)
    return built


def _open_return(app: Flask) -> dict[str, object]:
    """The customer asks for a return of one shirt through the portal's API; the policy decides it at once."""
    web = app.test_client()
    answer = web.post(f"/api/v1/portal/{SHOP}/returns", json={"lines": [SHIRTS], "method": "prepaid_label"},
                      headers=bearer(customer_token(web, SHOP)))
    assert answer.status_code == 201, answer.get_json()
    found: dict[str, object] = answer.get_json()["return"]
    return found


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_a_policy_changed_on_the_settings_page_decides_the_next_return(
    page: Page, live_server: LiveServer, app: Flask, container: Container, screenshot: Screenshot, locale: str
) -> None:
    words = WORDS[locale]
    earlier = _open_return(app)
    assert earlier["status"] == "approved"
    in_force = policy_version(container, SHOP)
    base = live_server(app)
    language = locale.split("-")[0]
    page.set_extra_http_headers({**admin_header(SHOP, "marie", locale=language),
                                 "Accept-Language": f"{locale},{language};q=0.9"})

    page.goto(f"{base}/admin/{SHOP}/settings/policy")
    days = page.get_by_label(words["days"], exact=True)
    expect(days).to_have_value("30")
    assert_accessible(page)
    screenshot("policy")

    days.fill("trente")  # a mistake first
    page.get_by_role("button", name=words["simulate"]).first.click()
    expect(page.get_by_role("alert")).to_contain_text(words["problem"])
    expect(page.get_by_role("link", name=words["whole"])).to_be_visible()
    expect(days).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    screenshot("mistake")

    days.fill(words["typed"])
    if locale == "en-GB":
        page.locator("#exclusions-tags").fill(TAG)
    second = _open_return(app)  # another return meanwhile, still under version 1
    page.get_by_role("button", name=words["simulate"]).first.click()
    simulation = page.locator("#simulation")
    expect(simulation.get_by_role("status")).to_have_text(words["would"])
    expect(simulation).to_contain_text(str(earlier["id"]))
    expect(simulation).to_contain_text(str(second["id"]))
    expect(simulation).to_contain_text(words["decline"])
    assert_accessible(page)
    screenshot("simulated")
    with container.uow() as uow:
        assert current_policy(uow, SHOP).name == "Thirty days", "a simulation saves nothing"

    page.get_by_role("button", name=words["save"]).first.click()
    expect(page.get_by_role("status").first).to_have_text(words["saved"] % {"version": in_force + 1})
    assert_accessible(page)
    screenshot("saved")

    nxt = _open_return(app)
    assert nxt["status"] == "declined", nxt
    page.goto(f"{base}/admin/{SHOP}/returns/{nxt['id']}")
    expect(page.locator("main")).to_contain_text(EXPLAINED[locale])
    assert_accessible(page)
    screenshot("next-return")


def test_the_other_settings_pages_read_well_and_mark_their_mistakes(
    page: Page, live_server: LiveServer, app: Flask, screenshot: Screenshot
) -> None:
    """The overview, the carrier (a secret typed where its variable's name goes) and the look (a colour too light
    to read): each screen, and each mistake sent back, passes axe-core."""
    base = live_server(app)
    page.set_extra_http_headers({**admin_header(SHOP, "marie"), "Accept-Language": "en-GB,en;q=0.9"})
    page.goto(f"{base}/admin/{SHOP}/settings/")
    expect(page.get_by_role("link", name="Ways back and carrier").first).to_be_visible()
    assert_accessible(page)
    screenshot("overview")

    page.goto(f"{base}/admin/{SHOP}/settings/carrier")
    assert_accessible(page)
    page.get_by_label("Carrier", exact=True).select_option("sendcloud")
    page.get_by_label("Credentials: names of environment variables").fill("secret_key = sc-live-not-a-name")
    page.get_by_role("button", name="Save the carrier account").click()
    expect(page.get_by_role("alert")).to_contain_text("is not the name of an environment variable")
    expect(page.get_by_label("Credentials: names of environment variables")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    screenshot("carrier-mistake")

    page.goto(f"{base}/admin/{SHOP}/settings/look")
    page.get_by_label("Accent colour, as #rrggbb").fill("#ffee00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("too light to read on white")
    assert_accessible(page)
    screenshot("look-mistake")
    page.get_by_label("Accent colour, as #rrggbb").fill("#0b6e4f")
    page.get_by_label("The shop\u2019s language").select_option("fr")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_have_text("Saved: the portal shows it from the next page.")
    expect(page.get_by_label("The shop\u2019s language")).to_have_value("fr")  # the admin's own language stays English
