"""``returns-connector demo`` without ``--exit-when-done``, as a person runs it to try the portal: it prints,
for each shop, the portal with an order and e-mail to find, the return policy page and, on Shopify, the
storefront's app proxy (simulated), then keeps running. Every printed address answers while it runs, and a
return can be started through the simulated storefront with the printed order and e-mail.

It also prints, for each shop, a label link, the store page with where its API key is, and the shop's account at
the sandbox carrier: the label is the carrier's A6 PDF of that return (read back with pdftotext), the carrier's
own records hold one label per return with the tracking number the summary shows, and the key signs in to the
store page, which finds the in-store return."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from connector.services.shipments import label_key
from tests.carriers.readback import page_size_points, require_tools, text_of
from tests.e2e.demo_output import returns_shown, shops_to_try

pytestmark = pytest.mark.e2e
A6_POINTS = (297.6, 419.5)

READY = "Ctrl-C to stop"
PORTAL = re.compile(r"^ +return portal: (\S+)   \(order (\S+), e-mail (\S+)\)$", re.MULTILINE)
POLICY = re.compile(r"^ +return policy page: (\S+)$", re.MULTILINE)
STOREFRONT = re.compile(r"^ +the storefront's app proxy \(SIMULATED.*\): (\S+)$", re.MULTILINE)
LOGGED_IN = re.compile(r"^ +\.\.\. logged in as that order's customer: (\S+)$", re.MULTILINE)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ADMIN = re.compile(r"^ +returns admin \(agents\), inside the sandbox's Shopify admin: (\S+)", re.MULTILINE)
WORDPRESS = re.compile(r"^ +returns admin \(agents\), from the sandbox's WordPress Returns button: (\S+)", re.MULTILINE)
IFRAME = re.compile(r'<iframe id="app" title="Returns" src="([^"]+)"')


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo's output once it says it keeps running; stopped (its whole process group) after the module."""
    tmp_path = tmp_path_factory.mktemp("demo-portal")
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "RETURNS_CONNECTOR_CONFIG")}
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-m", "demo.cli", "demo", "--port", "0", "--orders", "20", "--timeout", "90",
               "--data-dir", str(tmp_path / "demo")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    stdout = process.stdout
    assert stdout is not None
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 150
        while not any(READY in line for line in output):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the demo did not reach 'keep running':\n" + "".join(output)[-6000:])
            time.sleep(0.5)
        yield "".join(output)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_every_printed_portal_address_answers_while_the_demo_runs(running_demo: str) -> None:
    portals = PORTAL.findall(running_demo)
    policies = POLICY.findall(running_demo)
    storefronts = STOREFRONT.findall(running_demo) + LOGGED_IN.findall(running_demo)
    assert len(portals) == 2 and len(policies) == 2, running_demo[-4000:]
    assert len(storefronts) == 2, running_demo[-4000:]
    for url in [portal for portal, _number, _email in portals] + policies + storefronts:
        answer = requests.get(url, timeout=20)
        assert answer.status_code == 200, (url, answer.text[:2000])
        assert answer.headers["Content-Type"].startswith("text/html"), url
    visitor, customer = storefronts
    assert "<form" in requests.get(visitor, timeout=20).text, "a visitor finds their order"
    assert "/o/" in requests.get(customer, timeout=20).text, "a logged-in customer picks from their orders"


def test_a_return_starts_through_the_simulated_storefront_with_the_printed_order(running_demo: str) -> None:
    _portal, number, email = PORTAL.findall(running_demo)[0]  # the Shopify shop comes first
    visitor = STOREFRONT.findall(running_demo)[0]
    form = requests.get(visitor, timeout=20)
    token = CSRF.search(form.text)
    assert token is not None, form.text[:2000]
    found = requests.post(urljoin(visitor, "lookup"), data={"csrf": token.group(1), "order_number": number,
                                                           "email": email}, allow_redirects=False, timeout=20)
    assert found.status_code == 303, found.text[:2000]
    location = found.headers["Location"]
    assert location.startswith("/apps/returns/o/"), location
    items = requests.get(urljoin(visitor, location), timeout=20)
    assert items.status_code == 200, items.text[:2000]


def test_each_printed_label_link_serves_the_carriers_a6_label_of_that_return(running_demo: str) -> None:
    require_tools()
    shown = returns_shown(running_demo)
    for shop in shops_to_try(running_demo):
        assert shop.label is not None, running_demo[-4000:]
        return_id, _method, url = shop.label
        tracking = next(r.tracking for r in shown[shop.platform] if r.return_id == return_id)
        answer = requests.get(url, timeout=20)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf", answer.text[:500]
        text = " ".join(text_of(answer.content).split())
        assert tracking and tracking in text and label_key(return_id) in text, text
        assert page_size_points(answer.content) == pytest.approx(A6_POINTS, abs=1), "not an A6 page"


def test_the_carrier_made_one_label_per_parcel_with_the_tracking_number_shown(running_demo: str) -> None:
    shown = returns_shown(running_demo)
    for shop in shops_to_try(running_demo):
        for parcel in (r for r in shown[shop.platform] if r.method != "in store"):
            records = requests.get(f"{shop.carrier_url}/__sandbox/returns",
                                   params={"external_reference": label_key(parcel.return_id)}, timeout=20).json()
            assert len(records) == 1, (parcel, records)
            record = records[0]
            assert record["tracking_number"] == parcel.tracking and record["delivered_at_iso"], (parcel, record)
            expected = "pickup" if parcel.method == "home pickup" else "drop_off_point"
            assert record["delivery_option"] == expected, (parcel, record)
        in_store = next(r for r in shown[shop.platform] if r.method == "in store")
        nothing = requests.get(f"{shop.carrier_url}/__sandbox/returns",
                               params={"external_reference": label_key(in_store.return_id)}, timeout=20).json()
        assert nothing == [], "an in-store return needs no label"


def test_the_store_page_signs_in_with_the_issued_key_and_finds_the_in_store_return(running_demo: str) -> None:
    shown = returns_shown(running_demo)
    for shop in shops_to_try(running_demo):
        assert shop.store_url and shop.keys_file, running_demo[-4000:]
        key = re.search(rf"\(shop id {shop.shop_id}\): (\S+)", Path(shop.keys_file).read_text())
        assert key is not None
        staff = requests.Session()
        form = staff.get(shop.store_url, timeout=20)  # not signed in: the sign-in form
        assert form.status_code == 200 and "/sign-in" in form.url, form.url
        token = CSRF.search(form.text)
        assert token is not None, form.text[:2000]
        signed_in = staff.post(form.url.split("?")[0], data={"csrf": token.group(1), "api_key": key.group(1)},
                               allow_redirects=False, timeout=20)
        assert signed_in.status_code == 303, signed_in.text[:2000]
        in_store = next(r for r in shown[shop.platform] if r.method == "in store")
        page = staff.get(urljoin(shop.store_url, "find"), params={"q": in_store.return_id}, timeout=20)
        assert page.status_code == 200 and page.url.endswith(f"/returns/{in_store.return_id}"), page.url
        assert in_store.return_id in page.text


def test_the_printed_shopify_admin_frames_the_embedded_admin_which_opens_on_the_queue(running_demo: str) -> None:
    """The sandbox's admin page, as a browser gets it: the app's URL framed with a signed ID token, which lands on
    the shop's queue; the queue may be framed by that admin (the rest of the way, in Chromium:
    tests/pages/test_embedded_admin_browser.py)."""
    [admin] = ADMIN.findall(running_demo)
    page = requests.get(admin, timeout=20)
    framed = IFRAME.search(page.text)
    assert page.status_code == 200 and framed is not None, page.text[:2000]
    entry = requests.get(html.unescape(framed.group(1)), allow_redirects=False, timeout=20)
    assert entry.status_code == 302 and "/admin/" in entry.headers["Location"], entry.text[:2000]
    queue = requests.get(urljoin(framed.group(1), entry.headers["Location"]), timeout=20)
    assert queue.status_code == 200, queue.text[:2000]
    admin_origin = admin.split("/store/", 1)[0]
    assert admin_origin in queue.headers["Content-Security-Policy"]
    assert 'name="shopify-api-key"' in queue.text


def test_the_printed_wordpress_button_opens_the_woocommerce_shops_admin(running_demo: str) -> None:
    """The sandbox's stand-in for the plugin's Returns button signs a fresh token on every visit: a browser
    following it lands on the WooCommerce shop's queue with a session cookie, listing the shop's returns, and
    again in French (the rest of the way, in Chromium: tests/pages/test_wordpress_admin_browser.py)."""
    [button] = WORDPRESS.findall(running_demo)
    shown = returns_shown(running_demo)
    for locale, heading in (("en_US", ">Returns</h1>"), ("fr_FR", ">Retours</h1>")):
        browser = requests.Session()
        queue = browser.get(f"{button}&locale={locale}", timeout=20)
        assert queue.status_code == 200 and re.search(r"/admin/[0-9a-f]+/$", queue.url), queue.url
        assert heading in queue.text, queue.text[:2000]
        assert all(r.return_id in queue.text for r in shown["WooCommerce"]), queue.text[:4000]
        assert [c.name for c in browser.cookies] == ["wp_admin_session"]
