"""Shopify backfill (issue 5): ``ShopifyAdapter.orders_changed_since(None)`` against the Shopify sandbox seeded
with 100,000 orders. Reports query-cost points consumed per second as a % of the sandbox's rate ceiling (its
restore rate), THROTTLED answers, and the client's RSS over the run.

The sandbox runs in a child process (``start_in_thread`` there), so the RSS measured here is the adapter's
alone and the sandbox's CPU is not taken from the client's interpreter. Two phases on the same sandbox:

1. capacity (the baseline): restore rate set to 1e9 pts/s (``PUT /__sandbox/bucket``), so nothing but CPU and
   HTTP limits the client: the points/s it can reach at all on this machine;
2. rate-limited: restore rate R (default 1000 pts/s; lowered automatically to half the capacity when the
   machine cannot even reach R, so the ceiling, not the CPU, is what the client meets), bucket refilled,
   then ``--duration`` seconds of backfill.

Points come from each answer's ``extensions.cost.actualQueryCost`` (what the bucket is charged). The sustained
rate subtracts what the initially full bucket gave (start level - end level), so it is the restore-funded rate.
Targets: sustained >= 90% of R, 0 THROTTLED, flat RSS after warm-up.

Run: ``.venv/bin/python benchmarks/shopify_backfill_bench.py [--quick] [--orders 100000] [--duration 45]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from benchkit import ROOT, rss_mib

CHILD = """
import logging, sys
from sandboxes.shopify.cli import start_in_thread
from sandboxes.shopify.options import SandboxOptions
logging.getLogger("werkzeug").setLevel(logging.ERROR)
url, stop = start_in_thread(SandboxOptions(orders=int(sys.argv[1]), seed=42, bucket_size=float(sys.argv[2])))
print(url, flush=True)
sys.stdin.read()
stop()
"""


@dataclass
class Meter:
    """Reads the cost extension of every answer the adapter's session receives."""

    points: int = 0
    answers: int = 0
    throttled: int = 0
    last_available: float | None = None
    first_available: float | None = None

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        try:
            body = response.json()
        except ValueError:
            return
        cost = (body.get("extensions") or {}).get("cost") or {}
        self.answers += 1
        if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in body.get("errors") or []):
            self.throttled += 1
        self.points += int(cost.get("actualQueryCost") or 0)
        status = cost.get("throttleStatus") or {}
        if "currentlyAvailable" in status:
            available = float(status["currentlyAvailable"])
            if self.first_available is None:
                self.first_available = available + int(cost.get("actualQueryCost") or 0)
            self.last_available = available


@dataclass
class Phase:
    name: str
    restore: float
    seconds: float = 0.0
    orders: int = 0
    meter: Meter = field(default_factory=Meter)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MiB)
    client_stats: dict[str, float] = field(default_factory=dict)

    @property
    def raw_rate(self) -> float:
        return self.meter.points / self.seconds

    @property
    def sustained_rate(self) -> float:
        drained = (self.meter.first_available or 0) - (self.meter.last_available or 0)
        return (self.meter.points - drained) / self.seconds


def run_phase(url: str, phase: Phase, duration: float, bucket: float, *, reset: bool = True) -> Phase:
    from platforms.shopify.adapter import ShopifyAdapter

    if reset:
        requests.put(f"{url}/__sandbox/bucket", json={"restore_rate": phase.restore, "currently_available": bucket},
                     timeout=10).raise_for_status()
    session = requests.Session()
    session.hooks["response"].append(phase.meter.hook)
    adapter = ShopifyAdapter("sandbox-shop.myshopify.com", lambda: "shpat_sandbox", base_url=url, session=session)
    started = time.perf_counter()
    next_sample = 0.0
    try:
        for _order in adapter.orders_changed_since(None):
            phase.orders += 1
            elapsed = time.perf_counter() - started
            if elapsed >= next_sample:
                phase.rss.append((elapsed, rss_mib()))
                next_sample += max(1.0, duration / 20)
            if elapsed >= duration:
                break
    finally:  # a client that gives up (retries exhausted) still reports what it did
        phase.seconds = time.perf_counter() - started
        phase.rss.append((phase.seconds, rss_mib()))
        phase.client_stats = dict(adapter.client.stats)
        session.close()
    return phase


def run_concurrent(url: str, clients: int, restore: float, duration: float, bucket: float) -> list[Phase]:
    """Several adapters (as several workers would) backfilling the same shop at once: one shared bucket."""
    import threading

    phases = [Phase(f"{clients} clients at once, #{n + 1}", restore) for n in range(clients)]
    errors: list[str] = []

    def one(phase: Phase) -> None:
        try:
            run_phase(url, phase, duration, bucket, reset=False)
        except Exception as exc:  # a client giving up is a result here, not a crash
            errors.append(f"{phase.name}: {type(exc).__name__}: {exc}")

    requests.put(f"{url}/__sandbox/bucket", json={"restore_rate": restore, "currently_available": bucket},
                 timeout=10).raise_for_status()
    threads = [threading.Thread(target=one, args=(p,)) for p in phases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for line in errors:
        print(" - client gave up:", line)
    return phases


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 orders, 5 s capacity + 15 s limited")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of rate-limited backfill")
    parser.add_argument("--capacity-seconds", type=float, default=10.0)
    parser.add_argument("--restore", type=float, default=1000.0, help="sandbox restore rate (pts/s) in phase 2")
    parser.add_argument("--bucket", type=float, default=2000.0, help="sandbox bucket size (pts)")
    parser.add_argument("--clients", type=int, default=2, help="phase 3: concurrent adapters on one shop (0: skip)")
    args = parser.parse_args()
    if args.quick:
        args.orders, args.duration, args.capacity_seconds = 10_000, 15.0, 5.0

    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(args.orders), str(args.bucket)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"the sandbox did not start: {url!r}")
        print(f"sandbox with {args.orders:,} orders up in {time.perf_counter() - started:.1f} s at {url} "
              f"(child pid {child.pid}, RSS {rss_mib(child.pid):.0f} MiB)", flush=True)
        capacity = run_phase(url, Phase("capacity (restore 1e9 pts/s)", 1e9), args.capacity_seconds, args.bucket)
        restore = args.restore
        note = ""
        if capacity.raw_rate < restore * 1.2:
            restore = round(capacity.raw_rate / 2)
            note = (f"restore rate lowered from {args.restore:g} to {restore:g} pts/s: this machine reaches only "
                    f"{capacity.raw_rate:.0f} pts/s unthrottled")
        limited = run_phase(url, Phase(f"limited (restore {restore:g} pts/s)", restore), args.duration, args.bucket)
        shared: list[Phase] = []
        if args.clients:
            shared = run_concurrent(url, args.clients, restore, min(args.duration, 20.0), args.bucket)
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()

    print(f"\nbucket {args.bucket:g} pts; 2 cores shared with other work; one run per phase")
    print(f"{'phase':32}{'s':>6}{'orders':>8}{'orders/s':>10}{'pts/s':>9}{'sust.':>8}{'% ceil':>8}"
          f"{'THROTTLED':>11}{'paced s':>9}")
    for phase in (capacity, limited, *shared):
        share = "-" if phase is capacity else f"{phase.sustained_rate / phase.restore:.0%}"
        print(f"{phase.name:32}{phase.seconds:6.1f}{phase.orders:8d}{phase.orders / phase.seconds:10.1f}"
              f"{phase.raw_rate:9.0f}{phase.sustained_rate:8.0f}{share:>8}{phase.meter.throttled:11d}"
              f"{phase.client_stats.get('paced_s', 0):9.1f}")
    if note:
        print(" -", note)
    warm = next((mib for t, mib in limited.rss if t >= limited.seconds * 0.2), limited.rss[0][1])
    end = limited.rss[-1][1]
    print(f"\nclient RSS during the limited phase (MiB, every ~{max(1.0, args.duration / 20):.0f} s): "
          + " ".join(f"{mib:.0f}" for _, mib in limited.rss))
    print(f"RSS growth after warm-up (20% of the run -> end): {end - warm:+.1f} MiB "
          f"({(end - warm) / max(1, limited.orders) * 1e6 / 1024:.1f} KiB per 1,000 orders)")
    ratio = limited.sustained_rate / limited.restore
    print(f"\nratio (sustained pts/s / ceiling): {ratio:.2f} -> target >= 0.90 {'met' if ratio >= 0.9 else 'NOT met'}; "
          f"THROTTLED {limited.meter.throttled} -> target 0 {'met' if limited.meter.throttled == 0 else 'NOT met'}; "
          f"capacity/ceiling {capacity.raw_rate / limited.restore:.1f}x")
    print(f"client stats (limited phase): {limited.client_stats}")
    if shared:
        together = sum(p.meter.points for p in shared) / max(p.seconds for p in shared)
        print(f"phase 3 ({len(shared)} concurrent adapters, one shop, one bucket): {together:.0f} pts/s together "
              f"({together / restore:.0%} of the ceiling), THROTTLED {sum(p.meter.throttled for p in shared)}, "
              f"client retries {sum(p.client_stats.get('retries', 0) for p in shared):.0f} "
              "(each adapter paces only on the bucket levels it has seen itself)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
