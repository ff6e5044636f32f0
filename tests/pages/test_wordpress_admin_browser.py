"""The agents' admin entered from WordPress, in Chromium: the plugin's own PHP (``includes/token.php``, under
php-cli) signs an admin token with the store's shared secret, the browser follows the plugin's redirect to
``/admin/enter/woocommerce``, gets its session cookie and lands on the shop's queue, in the WordPress user's
language.

An agent carries a return of the WooCommerce sandbox shop from review to closed: approve -> receive -> inspect ->
resolve (the preview, then the confirmation), every form posted with the session's CSRF field. The outcome is read
where it lands: the sandbox shop's own refund on the order, of the amount the preview showed, and our history
naming the WordPress user. The same token a second time opens nothing. axe-core (WCAG 2.2 AA) on every screen.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from connector.domain.events import ActorKind
from connector.domain.orders import Platform
from connector.store.credentials import DbCredentialStore
from demo.stack import Stack
from platforms.woocommerce.plugin_secret import issue_plugin_secret
from tests.e2e.demo_stack import connected, requested_return, running_stack, wait_until_closed, woo_shop_and_merchant
from tests.pages.browser import DESKTOP, assert_accessible
from tests.pages.conftest import Screenshot
from tests.wordpress_plugin.php import sign_with_plugin

REVIEW_POLICY = {"name": "Every return reviewed by an agent", "default_action": "review", "windows": {"days": 365}}
WP_USER = 12


def _plugin_entry(stack: Stack, shop_id: str, store: str, secret: str, locale: str) -> str:
    """Where WordPress redirects the agent after "Open the returns": the entry with a token the PHP signed."""
    claims = {"user": WP_USER, "login": "marie", "role": "shop_manager", "locale": locale}
    signed = sign_with_plugin({"aud": "admin", "shop": shop_id, "store": store, "extra": claims, "secret": secret,
                               "now": int(time.time()), "base": stack.app_url})
    return f"{stack.app_url}/admin/enter/woocommerce?token={signed['token']}"


def _screen(page: Page, ready: Locator, screenshot: Screenshot, name: str) -> None:
    expect(ready).to_be_visible()
    page.wait_for_load_state("load")
    assert_accessible(page)
    screenshot(name)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=lambda v: v.name)
def test_an_agent_from_wordpress_carries_a_return_from_review_to_closed(
    page: Page, screenshot: Screenshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        _shopify, shop_id = connected(stack, REVIEW_POLICY)
        shop, merchant = woo_shop_and_merchant(stack)
        secret = issue_plugin_secret(DbCredentialStore(stack.container.uow, Platform.WOOCOMMERCE), shop.address,
                                     rotate=True)  # a new one, pasted into WordPress as the plugin's settings
        assert secret is not None
        return_id, order, _line = requested_return(stack, shop_id, "prepaid_label")

        entry = _plugin_entry(stack, shop_id, shop.address, secret, "en_US")
        page.goto(entry)
        assert page.url == f"{stack.app_url}/admin/{shop_id}/"
        to_return = page.get_by_role("link", name=return_id)
        _screen(page, to_return, screenshot, "queue")
        to_return.click()

        message = page.get_by_label("Message to the customer with the approval (optional)")
        _screen(page, message, screenshot, "requested")
        message.fill("Thank you, send it back.")
        page.get_by_role("button", name="Approve the return").click()

        receive = page.get_by_role("button", name=re.compile(r"^Receive (the|all) \d"))
        _screen(page, receive, screenshot, "approved")
        receive.click()

        inspect = page.get_by_role("button", name="Save the inspection of this item")
        _screen(page, inspect, screenshot, "received")
        page.locator("#condition-1").select_option("new")
        page.locator("#disposition-1-restock").check()
        inspect.click()

        resolve = page.get_by_role("link", name="Resolve: see what will be paid")
        _screen(page, resolve, screenshot, "inspected")
        resolve.click()

        confirm = page.get_by_role("button", name="Confirm and pay")
        _screen(page, confirm, screenshot, "preview")
        shown = re.search(r"Refund: \D*([\d,]+\.\d\d)", page.inner_text("body"))
        assert shown is not None, "the preview names no refund"
        confirm.click()
        expect(confirm).to_have_count(0)
        _screen(page, page.get_by_role("heading", level=1), screenshot, "resolved")

        closed = wait_until_closed(stack, shop_id, return_id)
        agents = {e.actor.id for e in closed.events if e.actor.kind is ActorKind.AGENT}
        assert agents == {f"woocommerce:{WP_USER}:marie"}
        assert {"approve", "receive", "inspect", "resolve"} <= {e.action for e in closed.events}
        refunds = merchant.get(f"orders/{order.id}/refunds")
        assert [r["amount"] for r in refunds] == [shown.group(1).replace(",", "")], refunds

        again = page.goto(entry)  # the same token a second time: refused, whatever the browser holds
        assert again is not None and again.status == 403
        page.context.clear_cookies()
        page.goto(_plugin_entry(stack, shop_id, shop.address, secret, "fr_FR"))
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        _screen(page, page.get_by_role("heading", level=1), screenshot, "queue-fr")
