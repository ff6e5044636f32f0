"""The portal's answer time must not tell "no such order" from "wrong e-mail" (issue 14, section 4).

Performance is normally measured by benchmarks, not timed tests; this one is asked for by the issue,
because the leak *is* a time. It is built to hold on a shared 2-core CI machine: the WooCommerce
sandbox sleeps ``LATENCY_MS`` on every call, so the shop's calls dominate each answer (as they do in
production), the two kinds of tries are interleaved (alternating which goes first) so that load from
other processes falls on both, and it compares medians, which a few slow outliers do not move. Before
the fix a missing order cost two shop calls and a wrong e-mail one: a ratio near 2, far outside 20 %.
The exact, flake-free check (equal calls of equal shape) is in ``tests/woocommerce/test_find_order.py``.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform, Shop
from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from tests.api.conftest import Clock, make_app

sandbox_app = pytest.importorskip("sandboxes.woocommerce.app")
sandbox_shop = pytest.importorskip("sandboxes.woocommerce.shop")

pytestmark = pytest.mark.e2e

TRIES = 50
LATENCY_MS = 50
TOLERANCE = 0.20
KEY, SECRET = "ck_timing", "cs_timing"


@dataclass
class Portal:
    lookup_url: str
    clock: Clock
    number: str  # an order the shop has
    email: str  # that order's e-mail
    missing: str  # a number the shop does not have


def _serve(app: Flask) -> tuple[str, threading.Thread, BaseWSGIServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", thread, server


@pytest.fixture
def portal(sqlite_url: str) -> Iterator[Portal]:
    shop_url, stop_shop = sandbox_app.start_in_thread(
        sandbox_shop.SandboxOptions(orders=20, seed=7, consumer_key=KEY, consumer_secret=SECRET)
    )
    engine = make_engine(sqlite_url)
    upgrade(engine)
    clock = Clock()
    to_shop = requests.Session()  # our own session: the sandbox is on loopback, which production refuses

    def adapter(_container: Container, shop: Shop, creds: Mapping[str, str]) -> WooCommerceAdapter:
        client = WooClient(shop_url, creds["consumer_key"], creds["consumer_secret"], session=to_shop)
        return WooCommerceAdapter(client, shop_id=shop.id)

    container = Container(
        Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=clock, adapter_factory=adapter
    )
    container.__dict__["engine"] = engine
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id="shop-w",
                      credentials={"consumer_key": KEY, "consumer_secret": SECRET})
        uow.commit()
    base, thread, server = _serve(make_app(container))
    try:
        first = WooClient(shop_url, KEY, SECRET, session=to_shop).get_page("orders", {"per_page": 1}).items[0]
        requests.put(f"{shop_url}/__sandbox/faults", json={"latency_ms": LATENCY_MS}, timeout=10).raise_for_status()
        yield Portal(f"{base}/api/v1/portal/shop-w/lookup", clock, str(first["number"]),
                     str(first["billing"]["email"]), str(int(first["id"]) + 100_000))
    finally:
        server.shutdown()
        thread.join(5)
        stop_shop()
        engine.dispose()
        to_shop.close()


def _timed(session: requests.Session, portal: Portal, number: str, email: str) -> float:
    portal.clock.now += timedelta(minutes=2)  # a fresh rate-limit window: 100 tries from one address
    started = time.perf_counter()
    answer = session.post(portal.lookup_url, json={"order_number": number, "email": email}, timeout=30)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 404, answer.text
    return elapsed


def test_missing_order_and_wrong_email_take_the_same_time(portal: Portal) -> None:
    session = requests.Session()
    kinds = {"missing": (portal.missing, portal.email), "wrong_email": (portal.number, "eve@example.com")}
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for kind in kinds:  # warm up: first requests pay for connections and caches
        _timed(session, portal, *kinds[kind])
    for attempt in range(TRIES):
        order = list(kinds) if attempt % 2 == 0 else list(reversed(kinds))
        for kind in order:
            times[kind].append(_timed(session, portal, *kinds[kind]))
    medians = {kind: statistics.median(found) for kind, found in times.items()}
    slow, fast = max(medians.values()), min(medians.values())
    print({kind: f"{median * 1000:.1f} ms" for kind, median in medians.items()})
    assert fast >= LATENCY_MS / 1000, medians  # the shop's latency was injected and paid on both paths
    assert slow <= fast * (1 + TOLERANCE), medians
