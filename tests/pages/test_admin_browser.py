"""The agents' admin in Chromium, end to end against the sandbox shops: a customer's return waits for review in
the queue; an agent opens it, approves it with a message, receives every unit (after a form sent back with a
mistake), inspects each item, resolves it through the preview of what will be paid and its confirmation; the
worker pays it at the shop, and the return closes. What is checked last is the shop's own records: the refund
the sandbox holds, of the amount the preview showed. WooCommerce in English, Shopify in French; axe-core finds
no serious or critical WCAG 2.2 AA violation on any screen, and each screen is kept as a screenshot.

The agent comes in through the test authenticator (``tests/admin_pages/signed_admin.py``: a signed header on
every request, a signed field in every form), registered on the stack's app as the platforms register theirs;
Polaris is not loaded, so these are the pages' plain HTML fallbacks, the WordPress link-out's case. The Shopify
embedded variant (ID token, App Bridge) is the embedded app's own test.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask
from playwright.sync_api import Page, expect

from connector.api import lookup_limit
from connector.bootstrap import Container
from connector.domain.orders import Order, OrderLine
from connector.domain.states import ReturnStatus
from connector.pages.catalogs import SOURCE_DIR
from demo import stack as demo_stack
from tests.admin_pages.signed_admin import admin_header, install_test_admin
from tests.e2e.demo_stack import connected, load, running_stack, wait_until_closed
from tests.pages.browser import assert_accessible
from tests.pages.conftest import Screenshot
from tests.pages.portal_flow import Shops, shopify_refunds, woo_refunds
from tests.reliability.harness import wait_until

pytestmark = pytest.mark.e2e

ADMIN_POLICY: dict[str, Any] = {
    "name": "Every return reviewed by an agent",
    "default_action": "review",
    "windows": {"days": 3650},  # the sandboxes' orders span months: every order stays returnable
    "methods": ["in_store"],  # no carrier needed: the agent receives the goods
}


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shops]:
    """The demo's stack with the test way into the admin registered on its app."""
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(lookup_limit, "LOOKUP_LIMIT", 1000)
    made = demo_stack.create_app  # type: ignore[attr-defined]  # imported there from wiring.app

    def with_test_admin(*args: Any, **kwargs: Any) -> Flask:
        app = made(*args, **kwargs)
        install_test_admin(app)
        return app

    monkeypatch.setattr(demo_stack, "create_app", with_test_admin)
    data_dir: Path = tmp_path_factory.mktemp("admin-browser") / "data"
    try:
        with running_stack(data_dir, monkeypatch, 12) as stack:
            shopify_id, woo_id = connected(stack, ADMIN_POLICY)
            yield Shops(stack, {"shopify": shopify_id, "woocommerce": woo_id})
    finally:
        monkeypatch.undo()


def _words(language: str) -> Callable[..., str]:
    """The pages' own texts in ``language`` (the catalogue the app serves), so the test reads what agents read."""
    catalog: Catalog | None = None
    if language == "fr":
        with (SOURCE_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale="fr")

    def say(text: str, plural: str | None = None, num: int = 1, **values: Any) -> str:
        found = catalog.get(text) if catalog is not None else None
        if found is None:
            chosen = text if plural is None or num == 1 else plural
        elif isinstance(found.string, tuple):
            chosen = str(found.string[gettext.c2py(catalog.plural_expr)(num)])  # type: ignore[union-attr]
        else:
            chosen = str(found.string)
        return chosen % {"num": num, **values} if (values or plural) else chosen

    return say


def _customer_return(shops: Shops, platform: str) -> tuple[Order, OrderLine, str]:
    """A return of one unit, asked for by the customer through the portal's API over HTTP, to bring in store."""
    order, line = shops.take(platform, lambda _order, _line: True)
    base, shop_id = shops.stack.app_url, shops.ids[platform]
    found = requests.post(f"{base}/api/v1/portal/{shop_id}/lookup",
                          json={"order_number": order.name, "email": order.email}, timeout=30)
    assert found.status_code == 200, found.text
    asked = {"lines": [{"order_line_id": line.id, "quantity": 1, "reason": "unwanted",
                        "resolution": {"kind": "refund"}}], "method": "in_store"}
    opened = requests.post(f"{base}/api/v1/portal/{shop_id}/returns", json=asked, timeout=60,
                           headers={"Authorization": f"Bearer {found.json()['token']}"})
    assert opened.status_code == 201, opened.text
    return order, line, str(opened.json()["return"]["id"])


def _settled(container: Container, shop_id: str, return_id: str) -> bool:
    """Every action the approval planned has reached the shop (Shopify: the return created there)."""
    with container.uow() as uow:
        actions = uow.actions(shop_id).for_return(return_id)
    return bool(actions) and all(a.state.value == "succeeded" for a in actions)


def _screen(page: Page, screenshot: Screenshot, name: str, language: str, javascript: bool) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    if javascript:
        assert_accessible(page)
    screenshot(name)


@pytest.mark.parametrize(
    ("platform", "locale", "javascript"),
    [("woocommerce", "en-GB", True), ("shopify", "fr-FR", True),
     ("woocommerce", "fr-FR", False)],  # native forms: every step works without JavaScript (axe needs it, so not run)
)
def test_approve_receive_inspect_resolve_closed(
    shops: Shops, page: Page, screenshot: Screenshot, platform: str, locale: str, javascript: bool
) -> None:
    language = locale[:2]
    _ = _words(language)
    order, line, return_id = _customer_return(shops, platform)
    shop_id = shops.ids[platform]
    page.set_extra_http_headers(admin_header(shop_id, "ana", locale=language))
    stack = shops.stack

    page.goto(f"{stack.app_url}/admin/{shop_id}/?review=1")
    expect(page.get_by_role("link", name=return_id)).to_be_visible()
    _screen(page, screenshot, "1-queue", language, javascript)
    page.get_by_role("link", name=return_id).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Return %(number)s", number=return_id))
    _screen(page, screenshot, "2-return", language, javascript)

    page.get_by_label(_("Message to the customer with the approval (optional)")).fill("OK, bring it to the shop.")
    page.get_by_role("button", name=_("Approve the return")).click()
    expect(page.get_by_role("status").first).to_have_text(_("The return is approved."))
    wait_until("the approval at the shop", lambda: _settled(stack.container, shop_id, return_id))
    page.reload()

    page.get_by_role("button", name=_("Receive these units")).click()  # nothing typed: a mistake first
    expect(page.get_by_role("alert")).to_contain_text(_("There is a problem"))
    _screen(page, screenshot, "3-receive-mistake", language, javascript)
    page.get_by_role("button", name=_("Receive the %(num)d expected unit", "Receive all %(num)d expected units",
                                      1)).click()
    expect(page.get_by_role("status").first).to_have_text(_("The units are recorded as received."))

    inspect = page.locator("form", has=page.get_by_text(_("Inspect “%(item)s”", item=line.title)))
    inspect.get_by_label(_("Condition")).select_option(label=_("New, as sold"))
    inspect.get_by_label(_("Back to stock")).check()
    _screen(page, screenshot, "4-inspect", language, javascript)
    inspect.get_by_role("button", name=_("Save the inspection of this item")).click()
    expect(page.get_by_role("status").first).to_have_text(_("The inspection is recorded."))

    page.get_by_role("link", name=_("Resolve: see what will be paid")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Resolve return %(number)s", number=return_id))
    request = load(stack, shop_id, return_id)
    assert request.amounts is not None
    refund = request.amounts.refund
    preview = page.locator("ul.payments")
    expect(preview).to_contain_text(str(order.email))
    _screen(page, screenshot, "5-preview", language, javascript)
    assert load(stack, shop_id, return_id).status is ReturnStatus.INSPECTED, "the preview pays nothing"
    page.get_by_role("button", name=_("Confirm and pay")).click()
    resolved = _("The return is resolved: the payments below are under way.")
    expect(page.get_by_role("status").first).to_have_text(resolved)

    closed = wait_until_closed(stack, shop_id, return_id, timeout=90)
    assert [e.actor.id for e in closed.events if e.action in ("approve", "receive", "inspect", "resolve")] == [
        "test:ana"] * 4
    page.reload()
    expect(page.locator("dl.facts").first).to_contain_text(_("Closed"))
    _screen(page, screenshot, "6-closed", language, javascript)
    if platform == "woocommerce":
        assert woo_refunds(shops, order) == [refund.amount]
    else:
        held = shopify_refunds(shops, closed)
        assert [Decimal(str(r["amount"])) for r in held] == [refund.amount], held
