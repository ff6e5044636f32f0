"""Seed + sandbox scale check: 100,000 orders generated and loaded into the Shopify sandbox in < 60 s with
< 1 GiB peak RSS, and list calls at that size compared with 1,000 orders (the ratio should stay near 1).

Run: ``.venv/bin/python benchmarks/seed_bench.py [--orders 100000] [--calls 50]``
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from sandboxes.shopify.app import create_app
from sandboxes.shopify.options import SandboxOptions

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TOKEN = {"X-Shopify-Access-Token": "shpat_sandbox"}
URL = "/admin/api/2026-04/graphql.json"
PAGE = """query($after: String, $q: String) { orders(first: 50, after: $after, query: $q) {
  nodes { id name updatedAt lineItems(first: 5) { nodes { id quantity sku } } } pageInfo { endCursor } } }"""


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def build(orders: int) -> tuple[FlaskClient, float]:
    started = time.perf_counter()
    app = create_app(SandboxOptions(orders=orders, seed=42, now=NOW, bucket_size=1e12, restore_rate=1e12))
    return app.test_client(), time.perf_counter() - started


def gql(client: FlaskClient, variables: dict[str, Any]) -> dict[str, Any]:
    response = client.post(URL, json={"query": PAGE, "variables": variables}, headers=TOKEN)
    body: dict[str, Any] = response.get_json()
    assert response.status_code == 200 and "errors" not in body, body
    return body


def timed(calls: int, fn: Callable[[], object]) -> float:
    fn()  # warm up
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls * 1000


def scenarios(client: FlaskClient, orders: int) -> dict[str, Callable[[], object]]:
    middle = gql(client, {"q": f"name:#{1000 + orders // 2}"})["data"]["orders"]["nodes"][0]["id"]
    cursor = gql(client, {"q": None})["data"]["orders"]["pageInfo"]["endCursor"]
    recent = (NOW - timedelta(days=2)).isoformat().replace("+00:00", "Z")
    return {
        "first page": lambda: gql(client, {}),
        "second page (cursor)": lambda: gql(client, {"after": cursor}),
        "updated_at > 2 days ago": lambda: gql(client, {"q": f"updated_at:>'{recent}'"}),
        "name filter": lambda: gql(client, {"q": f"name:#{1000 + orders // 2}"}),
        "order by id": lambda: client.post(
            URL,
            json={"query": "query($id: ID!) { order(id: $id) { id name } }", "variables": {"id": middle}},
            headers=TOKEN,
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()

    big, load_s = build(args.orders)
    rss = peak_rss_mib()
    print(f"generate+load {args.orders:,} orders: {load_s:.1f} s, peak RSS {rss:.0f} MiB")
    small, small_s = build(args.small)
    print(f"generate+load {args.small:,} orders: {small_s:.2f} s")

    big_cases, small_cases = scenarios(big, args.orders), scenarios(small, args.small)
    print(f"\n{'list call (ms/call)':28}{args.small:>10,}{args.orders:>10,}{'ratio':>8}")
    worst = 0.0
    for name, fn in big_cases.items():
        t_small, t_big = timed(args.calls, small_cases[name]), timed(args.calls, fn)
        ratio = t_big / t_small
        worst = max(worst, ratio)
        print(f"{name:28}{t_small:10.2f}{t_big:10.2f}{ratio:8.2f}")
    ok = load_s < 60 and rss < 1024
    print(f"\nbudget (< 60 s, < 1024 MiB): {'OK' if ok else 'EXCEEDED'}; worst list-call ratio {worst:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
