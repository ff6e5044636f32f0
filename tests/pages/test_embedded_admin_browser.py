"""The agents' admin embedded in Shopify's admin, in Chromium, loaded as Shopify loads it: the sandbox's admin page
frames the app's URL with ``shop``, ``host``, ``embedded`` and a signed test ID token, App Bridge is the sandbox's
stand-in (served locally; the page asks the framing admin for each fresh token by postMessage, as App Bridge does),
and the app is a different origin from the admin, as in production.

An agent carries a return waiting for review through approve -> receive -> inspect -> resolve (the preview of what
will be paid, then the confirmation) -> closed, every form posted with the ID token App Bridge gave it (no cookie)
and every page after it bounced for a fresh one. The outcome is read where it lands: the sandbox shop's own
records (the return closed at Shopify, the refund on the order, the unit restocked), and our history naming the
agent by the token's staff id. axe-core (WCAG 2.2 AA) on every screen of the frame.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Frame, Locator, Page, Request, expect

from connector.domain.events import ActorKind
from connector.domain.orders import Order
from demo.admin_urls import admin_lines
from demo.stack import SHOPIFY_API_KEY, Stack
from tests.e2e.demo_stack import connected, requested_return, running_stack, shopify_state, wait_until_closed
from tests.pages.browser import DESKTOP, assert_accessible
from tests.pages.conftest import Screenshot

REVIEW_POLICY = {"name": "Every return reviewed by an agent", "default_action": "review", "windows": {"days": 365}}
STAFF = "4242"


def _printed_admin_url(stack: Stack, shop_id: str) -> str:
    """The Shopify admin URL the demo prints for the shop (``demo.admin_urls``)."""
    with stack.container.uow() as uow:
        shop = uow.shops.get(shop_id)
    [line] = admin_lines(stack.shopify_url, SHOPIFY_API_KEY, shop)
    url = line.split(": ", 1)[1].split()[0]
    assert url.startswith(f"{stack.shopify_url}/store/"), line
    return url


def _app_frame(page: Page, app_url: str) -> Frame:
    found = next((f for f in page.frames if f.url.startswith(app_url)), None)
    assert found is not None, [f.url for f in page.frames]
    return found


def _screen(page: Page, app_url: str, ready: Locator, screenshot: Screenshot, name: str) -> Frame:
    """Wait for the frame's next screen (``ready`` is on it, and on no screen before), check it with axe, keep a
    screenshot."""
    expect(ready).to_be_visible()
    frame = _app_frame(page, app_url)
    frame.wait_for_load_state("load")
    assert_accessible(frame)  # type: ignore[arg-type]  # a Frame evaluates and takes scripts as a Page does
    screenshot(name)
    return frame


@pytest.mark.parametrize("viewport", [DESKTOP], ids=lambda v: v.name)
def test_an_agent_carries_a_return_from_review_to_closed_inside_shopifys_admin(
    page: Page, screenshot: Screenshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        shop_id, _woo = connected(stack, REVIEW_POLICY)
        return_id, order, line_id = requested_return(stack, shop_id, "relay_point", needs_fulfillment_ids=True)
        bounces: list[str] = []
        posted: list[Request] = []
        page.on("request", lambda r: bounces.append(r.url) if "/auth/session-token" in r.url else None)
        page.on("request", lambda r: posted.append(r) if r.method == "POST" and r.url.startswith(stack.app_url)
                else None)

        admin = _printed_admin_url(stack, shop_id)
        page.goto(f"{admin}?staff={STAFF}")
        app = page.frame_locator("#app")
        to_return = app.get_by_role("link", name=return_id)
        _screen(page, stack.app_url, to_return, screenshot, "queue")
        to_return.click()

        message = app.get_by_label("Message to the customer with the approval (optional)")
        _screen(page, stack.app_url, message, screenshot, "requested")
        message.fill("Thank you, send it back.")
        app.get_by_role("button", name="Approve the return").click()

        receive = app.get_by_role("button", name=re.compile(r"^Receive (the|all) \d"))
        _screen(page, stack.app_url, receive, screenshot, "approved")
        receive.click()

        inspect = app.get_by_role("button", name="Save the inspection of this item")
        _screen(page, stack.app_url, inspect, screenshot, "received")
        app.locator("#condition-1").select_option("new")
        app.locator("#disposition-1-restock").check()
        inspect.click()

        resolve = app.get_by_role("link", name="Resolve: see what will be paid")
        _screen(page, stack.app_url, resolve, screenshot, "inspected")
        resolve.click()

        confirm = app.get_by_role("button", name="Confirm and pay")
        preview = _screen(page, stack.app_url, confirm, screenshot, "preview")
        shown = re.search(r"Refund: \D*([\d,]+\.\d\d)", preview.inner_text("body"))
        assert shown is not None, "the preview names no refund"
        confirm.click()
        expect(confirm).to_have_count(0)
        _screen(page, stack.app_url, app.get_by_role("heading", level=1), screenshot, "resolved")

        closed = wait_until_closed(stack, shop_id, return_id)
        assert {e.actor.id for e in closed.events if e.actor.kind is ActorKind.AGENT} == {f"shopify-user:{STAFF}"}
        assert {"approve", "receive", "inspect", "resolve"} <= {e.action for e in closed.events}
        _shop_recorded_it(stack, closed.platform_return_id, order, line_id, shown.group(1).replace(",", ""))
        assert len(posted) >= 4 and all("id_token=ey" in (r.post_data or "") for r in posted)
        assert len(bounces) >= 4, bounces  # every page after a form came back through the bounce page
        page.goto(f"{admin}?locale=fr")
        french = page.frame_locator("#app")
        expect(french.locator("html")).to_have_attribute("lang", "fr")
        french.get_by_role("link", name=return_id).click()
        expect(french.get_by_text(order.name).first).to_be_visible()
        expect(french.locator("html")).to_have_attribute("lang", "fr")  # the locale is kept on every link


def _shop_recorded_it(stack: Stack, platform_return_id: str | None, order: Order, line_id: str, amount: str) -> None:
    """The sandbox shop's own records: its return closed, one refund on the order for it of the amount the preview
    showed, the unit back in stock."""
    state = shopify_state(stack)
    [mirrored] = [r for r in state["returns"] if r["id"] == platform_return_id]
    assert mirrored["status"] == "CLOSED", mirrored
    refunds = [r for r in state["refunds"] if r["order_id"] == order.id]
    assert len(refunds) == 1 and refunds[0]["return_id"] == platform_return_id, refunds
    assert refunds[0]["amount"] == amount, (refunds[0], amount)
    variant = order.line(line_id).variant_id
    restocks = requests.get(f"{stack.shopify_url}/__sandbox/restocks", timeout=10).json()
    assert [r["delta"] for r in restocks if r["variant_id"] == variant] == [1], restocks
