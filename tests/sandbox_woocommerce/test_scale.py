"""Scale check: 100,000 seeded orders load, and deep pages stay fast over real HTTP."""

from __future__ import annotations

import resource
import time

import requests

from sandboxes.woocommerce.app import start_in_thread
from sandboxes.woocommerce.shop import SandboxOptions
from tests.sandbox_woocommerce.conftest import KEY, SECRET


def test_hundred_thousand_orders_deep_page() -> None:
    started = time.perf_counter()
    base_url, stop = start_in_thread(SandboxOptions(orders=100_000, consumer_key=KEY, consumer_secret=SECRET))
    load_s = time.perf_counter() - started
    try:
        url = base_url + "/wp-json/wc/v3/orders"
        timings = []
        queries: list[dict[str, str | int]] = [{"per_page": 100, "page": 500}, {"per_page": 100, "page": 500},
                       {"per_page": 100, "page": 2, "orderby": "modified", "order": "asc"},
                       {"per_page": 100, "page": 1, "status": "processing"}]
        for params in queries:
            t0 = time.perf_counter()
            response = requests.get(url, params=params, auth=(KEY, SECRET), timeout=30)
            timings.append(time.perf_counter() - t0)
            assert response.status_code == 200
            assert len(response.json()) == 100
        last_page = requests.get(url, params={"per_page": 100, "page": 1000}, auth=(KEY, SECRET), timeout=30)
        assert last_page.headers["X-WP-Total"] == "100000" and last_page.headers["X-WP-TotalPages"] == "1000"
        assert len(last_page.json()) == 100
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\nscale: load {load_s:.1f}s; page 500 cold {timings[0] * 1000:.0f} ms, warm {timings[1] * 1000:.0f} ms;"
              f" orderby=modified {timings[2] * 1000:.0f} ms; status filter {timings[3] * 1000:.0f} ms;"
              f" max RSS {rss_mb:.0f} MB")
        assert load_s < 40
        assert max(timings) < 2.0
    finally:
        stop()
