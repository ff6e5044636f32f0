"""``returns-connector demo`` without ``--exit-when-done``, as a person runs it to try the portal: it prints,
for each shop, the portal with an order and e-mail to find, the return policy page and, on Shopify, the
storefront's app proxy (simulated), then keeps running. Every printed address answers while it runs, and a
return can be started through the simulated storefront with the printed order and e-mail."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
import requests

pytestmark = pytest.mark.e2e

READY = "Ctrl-C to stop"
PORTAL = re.compile(r"^ +return portal: (\S+)   \(order (\S+), e-mail (\S+)\)$", re.MULTILINE)
POLICY = re.compile(r"^ +return policy page: (\S+)$", re.MULTILINE)
STOREFRONT = re.compile(r"^ +the storefront's app proxy \(SIMULATED.*\): (\S+)$", re.MULTILINE)
LOGGED_IN = re.compile(r"^ +\.\.\. logged in as that order's customer: (\S+)$", re.MULTILINE)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


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
