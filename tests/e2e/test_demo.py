"""Scenario 8: ``returns-connector demo --exit-when-done`` as a user runs it, in a subprocess: once with
nothing but Python (embedded queue, SQLite), once on real servers (Redis, PostgreSQL, two worker processes).

Exit code 0 and the summary line mean every return reached its end state, as counted in the sandbox shops'
own records (the demo reads ``/__sandbox/state``). Each shop has a return per way back (prepaid label, relay
point, in store, home pickup): the summary shows each one's method, the pick, the carrier's tracking number and
parcel state, and how it came to be received (the carrier's tracking, or the store page's counter).
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from tests.conftest import IN_CI
from tests.e2e.demo_output import AT_COUNTER, BY_TRACKING, METHODS, returns_shown, shops_to_try

pytestmark = pytest.mark.e2e
DEMO_REDIS_URL = os.environ.get("TEST_RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/9")
COUNTS = re.compile(r"^(\d+) returns: (.+)$", re.MULTILINE)
RETURNS = 8
STATES = f"received {RETURNS}/{RETURNS}, approved {RETURNS}, closed {RETURNS}, failed 0"
RECORDS = re.compile(r"the shops' own records since the start: (\d+) refunds, (\d+) credits, (\d+) exchange orders")
# "  #1039   R55E3D5D23525  credited   credited 93.99 EUR (incl. 8.54 EUR bonus)  -> closed"
RETURN_LINE = re.compile(r"^  #\d+ +R[0-9A-F]+ +(refunded|credited|exchanged) +(.*\d+\.\d{2} [A-Z]{3}.*) +-> closed$",
                         re.MULTILINE)
LOG_POINTER = re.compile(r"^logs: +(\S+)", re.MULTILINE)


@pytest.fixture
def demo_redis_url() -> Iterator[str]:
    client = Redis.from_url(DEMO_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"Redis is not reachable ({exc}); with CI=true this test is mandatory")
        pytest.skip(f"Redis is not reachable ({type(exc).__name__}: {exc})")
    client.flushdb()
    yield DEMO_REDIS_URL
    client.flushdb()
    client.close()


def _run_demo(
    data_dir: Path, env: dict[str, str], *extra: str, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    options = ["--config", str(config)] if config else []
    command = [sys.executable, "-m", "demo.cli", *options, "demo", "--port", "0", "--orders", "40",
               "--exit-when-done", "--timeout", "90", "--data-dir", str(data_dir), *extra]
    # Its own process group, so a demo that hangs is killed together with the worker processes it started.
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=150)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"the demo did not finish in 150 s; its output:\n{stdout[-4000:]}\n{stderr[-4000:]}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _check(result: subprocess.CompletedProcess[str]) -> None:
    """The summary as a merchant reads it: each return by order name with its outcome, the money that moved
    and its final state, and its parcel; counts that add up to the 8 returns; the shops' own records; URLs; a
    log file."""
    output = f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-4000:]}"
    assert result.returncode == 0, output
    assert "every return reached its end state" in result.stdout, output
    assert STATES in result.stdout, output
    counts = COUNTS.search(result.stdout)
    assert counts, output
    parts = {word: int(n) for n, word in (part.split(" ", 1) for part in counts.group(2).split(", "))}
    assert int(counts.group(1)) == sum(parts.values()) == RETURNS, output  # every return counted once
    assert parts == {"refunded": 4, "credited": 2, "exchanged": 2}, output
    lines = RETURN_LINE.findall(result.stdout)
    assert Counter(outcome for outcome, _money in lines) == parts, output
    said = {"refunded": "refunded ", "credited": "credited ", "exchanged": "exchanged for goods worth "}
    for outcome, money in lines:
        assert money.startswith(said[outcome]), output
        if outcome == "credited":
            assert "bonus)" in money, output  # the demo policy's 10% bonus
    assert "Shopify shop sandbox-shop.myshopify.com" in result.stdout, output
    assert "WooCommerce shop http://127.0.0.1:" in result.stdout, output
    assert "gid://" not in result.stdout, output  # orders by their names, never the platform's ids
    records = RECORDS.search(result.stdout)
    assert records, output
    refunds, credits, exchanges = (int(n) for n in records.groups())
    assert refunds >= parts["refunded"] and credits >= parts["credited"] and exchanges >= parts["exchanged"], output
    for url in ("/healthz", "/__sandbox/state", "/api/v1/portal/", "/lookup", "returns-connector api-keys issue"):
        assert url in result.stdout, f"the demo no longer says how to try {url}\n{output}"
    assert " INFO " not in result.stderr, output  # log lines go to the log file, not between the results
    pointer = LOG_POINTER.search(result.stdout)
    assert pointer, output
    _check_logistics(result.stdout, output)
    log = "".join(path.read_text() for path in Path(pointer.group(1)).parent.glob("*.log"))  # with workers'
    assert re.search(r"executor\.action-succeeded action=\w+ kind=refund", log), log[-4000:]


def _check_logistics(stdout: str, output: str) -> None:
    """Each shop's four ways back, each label return received by the carrier's tracking with its tracking number,
    each in-store one at the store page; a label link, the store page with its key file, the carrier's records."""
    shown = returns_shown(stdout)
    assert set(shown) == {"Shopify", "WooCommerce"}, output
    for platform, returns in shown.items():
        assert sorted(r.method for r in returns) == sorted(METHODS), (platform, output)
        for shown_return in returns:
            if shown_return.method == "in store":
                assert (shown_return.tracking, shown_return.moved) == (None, AT_COUNTER), output
            else:
                assert shown_return.tracking and shown_return.parcel == "delivered", output
                assert shown_return.moved == BY_TRACKING, output
        picks = {r.method: r.picked for r in returns}
        assert re.fullmatch(r" .+, \d{5} \w.*", picks["relay point"]), output  # the point's name, postcode, city
        assert re.fullmatch(r" \w{3} \d{2} \w{3} \d{2}:\d{2}-\d{2}:\d{2} UTC", picks["home pickup"]), output
    shops = shops_to_try(stdout)
    assert [shop.platform for shop in shops] == ["Shopify", "WooCommerce"], output
    for shop in shops:
        labelled = {r.return_id for r in shown[shop.platform] if r.tracking}
        assert shop.label and shop.label[0] in labelled and "/labels/" in shop.label[2], output
        assert shop.store_url and shop.store_url.endswith(f"/store/{shop.shop_id}/") and shop.carrier_url, output
        keys = Path(shop.keys_file or "")
        assert stat.S_IMODE(keys.stat().st_mode) == 0o600, oct(keys.stat().st_mode)
        assert re.search(rf"\(shop id {shop.shop_id}\): rck_\w+", keys.read_text()), "no store page key for the shop"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "RETURNS_CONNECTOR_CONFIG")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def test_demo_with_nothing_installed(tmp_path: Path) -> None:
    _check(_run_demo(tmp_path / "demo", _clean_env()))


@pytest.mark.redis
@pytest.mark.postgres
def test_demo_on_redis_and_postgres_with_two_workers(tmp_path: Path, postgres_url: str, demo_redis_url: str) -> None:
    env = {**_clean_env(), "REDIS_URL": demo_redis_url, "DATABASE_URL": postgres_url}
    result = _run_demo(tmp_path / "demo", env, "--workers", "2")
    _check(result)
    assert "queue:             Redis" in result.stdout
    logs = sorted((tmp_path / "demo").glob("worker-*.log"))
    assert len(logs) == 2, logs
    assert any("Successfully completed" in log.read_text() for log in logs), "the workers did no work"
