"""The logistics screens in Chromium at 390x844, in French and English, over the sandbox carrier (through the
Sendcloud adapter, as a shop's carrier account): pick a relay point (after searching near another postcode, and
once without JavaScript), pick a pickup window, each through to the confirmation; an in-store return's QR code
read back by zbar from a screenshot of the page. axe-core finds no serious or critical WCAG 2.2 AA violation on
any screen. Screenshots are kept as test artefacts."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.pages.store.links import store_return_url
from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from tests.carriers.readback import require_tools
from tests.pages.browser import assert_accessible
from tests.pages.conftest import LiveServer, Screenshot
from tests.portal.review.portal_app import ORDER, SHOP, access, draft, make_container, portal_app, use_policy
from tests.portal_logistics.conftest import METHODS, PUBLIC_ENV, SECRET_ENV, sendcloud_account, shop_with, use_carrier

WORDS = {
    "fr-FR": {"relay": "Dépôt en point relais", "pickup": "Enlèvement à domicile", "store": "Retour en magasin",
              "continue": "Continuer", "postcode": "Code postal", "search": "Rechercher",
              "relay_title": "Choisissez un point relais", "pickup_title": "Choisissez un jour d\u2019enlèvement",
              "review": "Vérifiez et confirmez votre retour", "confirm": "Confirmer mon retour",
              "done": "Votre retour est enregistré", "bad": "Saisissez un code postal valide",
              "day": "jeudi 12 mars 2026"},
    "en-GB": {"relay": "Drop-off at a relay point", "pickup": "Pickup at your home", "store": "Return in store",
              "continue": "Continue", "postcode": "Postcode", "search": "Search",
              "relay_title": "Choose a relay point", "pickup_title": "Choose a pickup day",
              "review": "Check and confirm your return", "confirm": "Confirm my return",
              "done": "Your return is registered", "bad": "Enter a valid postcode", "day": "Thursday, 12 March 2026"},
}  # fmt: skip
BOTH = pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])


@pytest.fixture(scope="module")
def carrier_url() -> Iterator[str]:
    from sandboxes.carrier.app import start_in_thread
    from sandboxes.carrier.carrier import CarrierOptions

    base_url, _app, stop = start_in_thread(CarrierOptions(public_key="pk-portal", secret_key="sk-portal"))
    yield base_url
    stop()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: the browser drives the pages; both databases are covered by tests/portal_logistics."""
    built = make_engine(f"sqlite:///{tmp_path}/connector.sqlite3")
    upgrade(built)
    yield built
    built.dispose()


@pytest.fixture
def container(engine: Engine, tmp_path: Path, carrier_url: str, locale: str,
              monkeypatch: pytest.MonkeyPatch) -> Container:  # fmt: skip
    monkeypatch.setenv(PUBLIC_ENV, "pk-portal")
    monkeypatch.setenv(SECRET_ENV, "sk-portal")
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "logistics-browser-test-key")
    built = make_container(engine, shop_with(locale=locale), tmp_path / "data")
    use_carrier(built, sendcloud_account(carrier_url))
    use_policy(built, {"methods": METHODS, "fees": {"by_method": {"relay_point": {"EUR": "2.90"}}}})
    return built


@pytest.fixture
def app(container: Container) -> Flask:
    return portal_app(container)


def start(page: Page, live_server: LiveServer, app: Flask) -> None:
    page.goto(f"{live_server(app)}/portal/{SHOP}/o/{access(app)}/method?d={draft(app, method=None)}")


def choose(page: Page, words: dict[str, str], method: str, javascript: bool = True) -> None:
    if javascript:
        assert_accessible(page)
    page.get_by_label(words[method]).check()
    page.get_by_role("button", name=words["continue"]).click()


def confirm(page: Page, words: dict[str, str], screenshot: Screenshot, javascript: bool = True) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(words["review"])
    if javascript:
        assert_accessible(page)
    screenshot("review")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["done"])
    if javascript:
        assert_accessible(page)
    screenshot("confirmation")


def the_return(container: Container) -> str:
    with container.uow() as uow:
        [found] = uow.returns(SHOP).for_order(ORDER)
    return found.id


@BOTH
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_pick_a_relay_point_near_another_postcode(
    page: Page, live_server: LiveServer, app: Flask, container: Container, screenshot: Screenshot, locale: str,
    javascript: bool,
) -> None:
    words = WORDS[locale]
    start(page, live_server, app)
    choose(page, words, "relay", javascript)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["relay_title"])
    expect(page.get_by_label("Tabac de la Roquette")).to_be_visible()
    if javascript:
        assert_accessible(page)
    screenshot("relay-75011")

    page.get_by_label(words["postcode"]).fill("69002")
    page.get_by_role("button", name=words["search"]).click()
    point = page.get_by_label("Fleuriste Bellecour")
    expect(point).to_be_visible()
    page.locator("details.hours").first.locator("summary").click()  # the hours fold open, without a script
    expect(page.locator("details.hours").first.locator("dl")).to_be_visible()
    if javascript:
        assert_accessible(page)
    screenshot("relay-69002")
    point.check()
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.locator("main")).to_contain_text("Fleuriste Bellecour")
    confirm(page, words, screenshot, javascript)
    with container.uow() as uow:
        shipment = uow.shipments(SHOP).for_return(the_return(container))
    assert shipment is not None and shipment.service_point is not None
    assert shipment.service_point.name == "Fleuriste Bellecour"
    expect(page.locator("main")).to_contain_text("Fleuriste Bellecour")


@BOTH
def test_a_malformed_postcode_is_marked_and_reachable_from_the_summary(
    page: Page, live_server: LiveServer, app: Flask, screenshot: Screenshot, locale: str
) -> None:
    words = WORDS[locale]
    start(page, live_server, app)
    choose(page, words, "relay")
    page.get_by_label(words["postcode"]).fill("ABC")
    page.get_by_role("button", name=words["search"]).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(words["bad"])
    assert_accessible(page)
    screenshot("bad-postcode")
    alert.get_by_role("link").click()
    expect(page.locator("#postcode")).to_be_focused()


@BOTH
def test_pick_a_pickup_window(
    page: Page, live_server: LiveServer, app: Flask, container: Container, screenshot: Screenshot, locale: str
) -> None:
    words = WORDS[locale]
    start(page, live_server, app)
    choose(page, words, "pickup")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["pickup_title"])
    assert_accessible(page)
    screenshot("pickup")
    page.get_by_label(re.compile(words["day"])).check()
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.locator("main")).to_contain_text(words["day"])
    confirm(page, words, screenshot)
    expect(page.locator("main")).to_contain_text(words["day"])


@BOTH
def test_an_in_store_return_shows_a_qr_code_that_scans(
    page: Page, live_server: LiveServer, app: Flask, container: Container, screenshot: Screenshot, locale: str,
    tmp_path: Path,
) -> None:
    require_tools()
    words = WORDS[locale]
    start(page, live_server, app)
    choose(page, words, "store")
    confirm(page, words, screenshot)
    return_id = the_return(container)
    expect(page.locator(".return-number")).to_contain_text(return_id)
    qr = page.locator("svg.qr-code")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 200, "large enough for a counter's scanner"
    shot = tmp_path / "qr.png"
    qr.screenshot(path=str(shot))
    decoded = subprocess.run([str(shutil.which("zbarimg")), "--quiet", "--raw", str(shot)], capture_output=True,
                             text=True, timeout=60, check=False)  # fmt: skip
    assert decoded.stdout.strip() == store_return_url(container.config, SHOP, return_id)
