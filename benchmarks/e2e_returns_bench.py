"""End-to-end returns per second (customer ``returnRequest`` at Shopify -> webhook -> worker -> agent steps ->
refund recorded in the Shopify sandbox), with 1 and with 2 ``returns-connector worker`` processes on real Redis.

The baseline is the 1-worker figure of the same run; the ratio says how much a second worker adds. The clock
starts before the first ``returnRequest`` and stops when the sandbox's ``/__sandbox/state`` lists one refund per
return. This process plays the support agent (``act_as_agent``), polling every 0.1 s, serially: that is part
of what is measured. See ``returns_driver.py`` for the flow.

Run: ``.venv/bin/python benchmarks/e2e_returns_bench.py [--quick] [--returns 20] [--runs 2] [--orders 200]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchkit import median, postgres_base_url, postgres_schema, runs_text
from returns_driver import Run, drive


def one_stack(data_dir: Path, args: argparse.Namespace, workers: int) -> Run:
    if not args.postgres:
        return drive(data_dir, returns=args.returns, orders=args.orders, workers=workers, timeout=args.timeout,
                     split=args.stack == "split")
    base = postgres_base_url()
    if base is None:
        raise SystemExit("PostgreSQL is not reachable")
    with postgres_schema(base) as url:
        os.environ["DATABASE_URL"] = url  # start_stack and its worker processes read it
        try:
            return drive(data_dir, returns=args.returns, orders=args.orders, workers=workers, timeout=args.timeout,
                     split=args.stack == "split")
        finally:
            del os.environ["DATABASE_URL"]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 returns, 1 run")
    parser.add_argument("--returns", type=int, default=20)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (a scratch schema per stack), not SQLite")
    parser.add_argument("--stack", choices=("split", "demo"), default="split",
                        help="split: sandbox, web app (gunicorn) and workers in their own processes (default); "
                        "demo: demo.stack.start_stack (sandboxes + web app in this process)")
    args = parser.parse_args()
    if args.quick:
        args.returns, args.runs = 6, 1
    results: dict[int, list[Run]] = {1: [], 2: []}
    tmp = Path(tempfile.mkdtemp(prefix="e2e-bench-"))
    try:
        for run in range(args.runs):
            for workers in (1, 2):  # interleaved: both see the same machine load
                result = one_stack(tmp / f"run-{run}-w{workers}", args, workers)
                results[workers].append(result)
                print(f"run {run + 1}, {workers} worker(s): {result.refunds}/{result.returns} refunds in "
                      f"{result.seconds:.2f} s (setup {result.setup_seconds:.1f} s, closed {result.closed}, "
                      f"failed {result.failed}; {', '.join(f'{k} {v:.1f}' for k, v in result.phases.items())})",
                      flush=True)
                for line in result.unfinished:
                    print("   unfinished:", line, flush=True)
    finally:
        if any(r.unfinished for runs in results.values() for r in runs):
            print(f"kept {tmp} (worker logs) because some returns did not finish")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{args.returns} Shopify customer returns per run, {args.runs} run(s), real Redis, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}, "
          f"{os.cpu_count()} cores shared with other work")
    print(f"{'workers':>8}{'returns/s per run':>26}{'median':>9}{'ratio':>8}{'incomplete':>12}")
    rates = {w: [r.refunds / r.seconds for r in runs] for w, runs in results.items()}
    base = median(rates[1])
    for workers, values in rates.items():
        incomplete = sum(r.refunds < r.returns or r.failed > 0 for r in results[workers])
        print(f"{workers:>8}{runs_text(values, '{:.2f}'):>26}{median(values):9.2f}{median(values) / base:8.2f}"
              f"{incomplete:>12}")
    print("\nratio = median returns/s / median returns/s with 1 worker (ideal with 2 workers: 2.00)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
