"""Platform calls per return vs the minimum needed: Shopify customer returns (``returnRequest`` at Shopify ->
``returns/request`` webhook -> approve -> agent steps -> refund -> close), counted at the Shopify sandbox.

Every request the sandbox serves is counted by a WSGI middleware (``returns_driver.RequestCounter``), by GraphQL
operation name and root field, from the first ``returnRequest`` until every return is closed (the post-install
order sync is finished before counting starts). Requests made with the sandbox's script token are the customer's
own (``returnRequest``), listed apart and not counted against the connector.

The minimum (the baseline) is derived from what the flow needs at Shopify for one return with a refund, given
the adapter's cost-capped order read (``Order`` + ``OrderFulfillments`` + ``OrderReturns``; more pages only for
orders with > 1 page of lines or returns):

  read the order .......................... 3  (the return's lines must be checked against the order)
  approve (returnApproveRequest) .......... 1
  read the return's lines to process ...... 1  (returnProcess needs the return line item ids)
  read the order's transactions ........... 1  (the refund's parent transaction and gateway)
  returnProcess (the refund) .............. 1
  returnClose ............................. 1
  total ................................... 8

Anything beyond this, and any read made more than once per return, is flagged.

Run: ``.venv/bin/python benchmarks/platform_calls_bench.py [--quick] [--returns 10] [--orders 60]``
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from returns_driver import drive

MINIMUM = {
    "query Order (order)": 1,
    "query OrderFulfillments (order)": 1,
    "query OrderReturns (order)": 1,
    "mutation ReturnApprove (returnApproveRequest)": 1,
    "query ReturnForProcessing (return)": 1,
    "query OrderTransactions (order)": 1,
    "mutation ReturnProcess (returnProcess)": 1,
    "mutation ReturnClose (returnClose)": 1,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 returns")
    parser.add_argument("--returns", type=int, default=10)
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.returns = 4
    tmp = Path(tempfile.mkdtemp(prefix="calls-bench-"))
    try:
        run = drive(tmp / "stack", returns=args.returns, orders=args.orders, workers=args.workers)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = run.returns
    connector = Counter({k.split(": ", 1)[1]: v for k, v in run.calls.items() if k.startswith("connector: ")})
    customer = Counter({k.split(": ", 1)[1]: v for k, v in run.calls.items() if k.startswith("customer: ")})
    print(f"{n} Shopify customer returns (refund), {args.workers} worker(s), real Redis; closed {run.closed}, "
          f"failed actions on {run.failed}, refunds {run.refunds}; one run (counts are deterministic "
          f"up to retries)")
    for line in run.unfinished:
        print("  unfinished:", line)
    print(f"\n{'connector -> Shopify, by operation':58}{'total':>7}{'/return':>9}{'minimum':>9}{'extra':>7}")
    names = sorted(set(connector) | set(MINIMUM), key=lambda k: (-connector.get(k, 0), k))
    flagged = []
    for name in names:
        total = connector.get(name, 0)
        per = total / n
        minimum = MINIMUM.get(name, 0)
        extra = per - minimum
        print(f"{name:58}{total:7d}{per:9.2f}{minimum:9d}{extra:+7.2f}")
        if extra > 0.01:
            flagged.append(f"{name}: {per:.2f} per return, minimum {minimum}")
    per_return = sum(connector.values()) / n
    least = sum(MINIMUM.values())
    print(f"{'total':58}{sum(connector.values()):7d}{per_return:9.2f}{least:9d}{per_return - least:+7.2f}")
    print(f"\nratio (calls per return / minimum): {per_return / least:.2f}")
    if customer:
        print("customer's own requests (not counted): " + ", ".join(f"{k} x{v}" for k, v in customer.items()))
    if flagged:
        print("flagged (above the minimum, i.e. repeated or avoidable reads/writes):")
        for line in flagged:
            print("  -", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
