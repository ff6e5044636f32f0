"""The HTTP half of ``admin_queue_bench.py``: the admin's pages under gunicorn, loaded by wrk.

Our app (``admin_apps.connector``: the app as ``returns-connector serve`` builds it, plus the admin tests' signed
header as the way in) on one one-worker gthread gunicorn per core, each with its share of the connections, as
``webhook_intake_bench.py`` runs it; the baseline is a bare Flask app answering the bytes our queue's first page
answered (``portal_apps.bare``), same settings. Each queue target is one URL (its filters as the form's query
arguments, the deep page by its cursor); the return page's target asks for a random one of 2,000 returns each
request (the Lua script picks the path).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchkit import ROOT
from portal_pages_bench import LUA as REPORT_LUA
from queue_seed import SHOP
from webhook_intake_bench import WRK, Result, servers

PAGES_APP, BARE_APP = "benchmarks.admin_apps:connector", "benchmarks.portal_apps:bare"
LUA = r"""
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
""" + REPORT_LUA


def measure_http(stack: ExitStack, database_url: str, bench: Any, targets: list[Any],
                 args: argparse.Namespace) -> list[Result]:
    """Each target's results appended to its ``http``; the bare page's results returned."""
    from tests.admin_pages.signed_admin import HEADER, admin_header
    from wiring.servecmd import DEFAULT_THREADS, default_workers

    tmp = Path(tempfile.mkdtemp(prefix="admin-bench-"))
    stack.callback(shutil.rmtree, tmp, True)
    script = tmp / "paths.lua"
    script.write_text(LUA)
    (tmp / "pages").mkdir()
    env = {"BENCH_DATA_DIR": str(tmp), "BENCH_DATABASE_URL": database_url, "BENCH_REDIS_URL": "",
           "BENCH_PAGES_DIR": str(tmp / "pages"), "PYTHONPATH": str(ROOT)}
    workers = default_workers(threaded=True)
    urls = stack.enter_context(servers(PAGES_APP, workers, env, DEFAULT_THREADS, "per-worker"))
    headers = [f"{HEADER}: {admin_header(SHOP)[HEADER]}", "Accept-Language: en"]
    plan: list[tuple[Any, list[str], Path]] = []
    for target in targets:
        paths = ([f"/admin/{SHOP}/returns/{rid}" for rid in bench.return_ids] if target.query is None
                 else [f"/admin/{SHOP}/?{urlencode(target.args)}"])
        listed = tmp / f"paths-{len(plan)}.txt"
        listed.write_text("\n".join(paths) + "\n", encoding="ascii")
        page = _capture(urls[0] + paths[0], headers)
        if target.query is not None and not target.args:
            (tmp / "pages" / "queue.html").write_text(page, encoding="utf-8")
        plan.append((target, urls, listed))
    bare_urls = stack.enter_context(servers(BARE_APP, workers, env, DEFAULT_THREADS, "per-worker"))
    bare_paths = tmp / "paths-bare.txt"
    bare_paths.write_text("/queue\n", encoding="ascii")
    _capture(bare_urls[0] + "/queue", [])
    baseline: list[Result] = []
    everyone = [(None, bare_urls, bare_paths), *plan]
    for _target, where, listed in everyone:  # warm-up: imports, pools, caches
        _measured(where, listed, script, headers, 2.0, args.clients)
    for _run in range(args.runs):
        for target, where, listed in everyone:
            result = _measured(where, listed, script, headers, args.duration, args.clients)
            (baseline if target is None else target.http).append(result)
    return baseline


def _capture(url: str, headers: list[str]) -> str:
    import requests

    answer = requests.get(url, timeout=60, headers=dict(h.split(": ", 1) for h in headers))
    if answer.status_code != 200:
        raise RuntimeError(f"{url} answered {answer.status_code}: {answer.text[:2000]}")
    return answer.text


def _measured(urls: list[str], paths: Path, script: Path, headers: list[str], duration: float,
              clients: int) -> Result:
    """wrk on every server at once with its share of the agents: req/s add up, p50 is the servers' mean, p99
    their worst."""
    share = max(1, clients // len(urls))
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        done = list(pool.map(lambda url: _wrk(url, paths, script, headers, duration, share), urls))
    return Result(sum(r.rps for r in done), sum(r.p50_ms for r in done) / len(done), max(r.p99_ms for r in done),
                  sum(r.errors for r in done), sum(r.requests for r in done))


def _wrk(url: str, paths: Path, script: Path, headers: list[str], duration: float, connections: int) -> Result:
    command = [WRK or "wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(duration))}s",
               "--timeout", "10s", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url, "--", str(paths)], capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"wrk failed: {out.stderr.strip()} {out.stdout.strip()}")
    data = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))[7:])
    seconds = data["duration_us"] / 1e6
    return Result(data["requests"] / seconds, data["p50_us"] / 1000, data["p99_us"] / 1000,
                  data["status_errors"] + data["socket_errors"], data["requests"])
