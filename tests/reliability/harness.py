"""A small real stack for the reliability suite: both sandbox shops over HTTP, the web app in a thread,
``returns-connector worker`` subprocesses on a real Redis, a real PostgreSQL schema, and a reconciler we can
pause, run by hand or tune (``stuck_after``) per test.

Why not ``demo.stack.start_stack`` as is: its queue settings are fixed (30 s stuck-after), its
workers cannot be killed one by one, and it has no fault or reconciler knobs. The demo's scenario helpers
(``connect_shops``, ``request_return_at_shopify``, ``act_as_agent``) are reused as they are.

Every assertion helper here reads the shops' own records (``/__sandbox/...``), not our tables.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from redis import Redis
from sqlalchemy import func, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request as WsgiRequest
from werkzeug.wrappers import Response as WsgiResponse

from connector.bootstrap import Container
from connector.config.model import (
    AppSettings,
    Config,
    DatabaseSettings,
    QueueSettings,
    RedisSettings,
)
from connector.domain.orders import Order, Platform
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.jobs.queue import JobQueue
from connector.jobs.reconcile import reconcile
from connector.jobs.runtime import use_container
from connector.policy import line_eligibility
from connector.policy.schema import policy_from_dict
from connector.services.policies import current_policy, set_policy
from connector.services.returns import LineInput, ReturnService
from connector.services.sync import sync_shop_orders
from connector.store.actions_repo import ActionState
from connector.store.migrate import upgrade
from connector.store.tables import webhook_inbox
from demo.scenario import (
    CUSTOMER,
    DEMO_POLICY,
    SANDBOX_TOKEN,
    act_as_agent,
    connect_shops,
    request_return_at_shopify,
)
from demo.stack import Stack
from platforms.shopify.settings import KEY as SHOPIFY
from platforms.shopify.settings import ShopifySettings
from platforms.woocommerce.markers import markers_in
from platforms.woocommerce.settings import KEY as WOOCOMMERCE
from platforms.woocommerce.settings import WooCommerceSettings
from sandboxes.kit.faults import FaultConfig
from sandboxes.shopify.cli import start_in_thread as start_shopify
from sandboxes.shopify.options import SandboxOptions as ShopifyOptions
from sandboxes.woocommerce.app import start_in_thread as start_woo
from sandboxes.woocommerce.shop import SandboxOptions as WooOptions
from wiring.app import create_app

log = logging.getLogger("tests.reliability")
SHOPIFY_SECRET = ShopifyOptions().api_secret
SHOPIFY_API_KEY = ShopifyOptions().api_key
API_VERSION = ShopifySettings().api_version
DONE = (ReturnStatus.CLOSED, ReturnStatus.DECLINED, ReturnStatus.CANCELED)


class Timeout(AssertionError):
    """A bounded wait ran out; the message says what we were waiting for and what we saw."""


def wait_until(what: str, check: Callable[[], Any], timeout: float = 60.0, every: float = 0.2) -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` and the last value seen."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise Timeout(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")
        time.sleep(every)


@dataclass(frozen=True)
class Options:
    orders: int = 16
    seed: int = 7
    stuck_after_seconds: int = 30
    woo_poll_every_seconds: int = 3600
    reconcile_every: float = 0.3
    max_attempts: int = 8
    shopify_faults: FaultConfig = field(default_factory=FaultConfig)
    woo_faults: FaultConfig = field(default_factory=FaultConfig)


@dataclass
class Tracked:
    """A return we opened (or asked the shop to open) and expect to see through to the end."""

    platform: Platform
    shop_id: str
    order_id: str
    kind: ResolutionKind
    return_id: str | None = None
    platform_return_id: str | None = None


class Harness:
    def __init__(self, data_dir: Path, database_url: str, redis_url: str, options: Options) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.redis_url = redis_url
        self.options = options
        self._stops: list[Callable[[], None]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self._reconciler: threading.Thread | None = None
        self._reconciler_stop = threading.Event()
        self._reconciler_errors: list[str] = []
        self.shopify_id = ""
        self.woo_id = ""
        self.queue_name = f"rel-{uuid.uuid4().hex[:10]}"

    # -- starting and stopping ----------------------------------------------------------------------

    def start(self) -> Harness:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        o = self.options
        self.shopify_url, stop = start_shopify(
            ShopifyOptions(orders=o.orders, seed=o.seed, faults=o.shopify_faults, webhook_retry_schedule=(0.5, 1, 2))
        )
        self._stops.append(stop)
        self.woo_url, stop = start_woo(WooOptions(orders=o.orders, seed=o.seed + 1, faults=o.woo_faults))
        self._stops.append(stop)
        self.shopify_proxy = LossyProxy(self.shopify_url)
        self._stops.append(self.shopify_proxy.stop)
        # Throttling is tested elsewhere; here a full bucket keeps syncs fast and the timings tight.
        requests.put(f"{self.shopify_url}/__sandbox/bucket", json={"restore_rate": 100000}, timeout=10)
        server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
        self.app_url = f"http://127.0.0.1:{server.server_port}"
        self.config = self._config()
        self.container = Container(self.config)
        upgrade(self.container.engine)
        _ = self.container.cipher  # the key file exists before any worker could race to create it
        app = create_app(container=self.container)
        server.app = app
        thread = threading.Thread(target=server.serve_forever, name="rel-web", daemon=True)
        thread.start()
        self._stops += [server.server_close, server.shutdown]  # run in reverse: shut down, then close
        self.queue: JobQueue = app.extensions["connector.queue"]
        assert not self.queue.embedded, "the reliability suite needs the real Redis"
        self.redis = Redis.from_url(self.redis_url)
        use_container(self.container)
        self._stops.append(lambda: use_container(None))
        self._stops.append(self.container.close)
        self.config_file = self.data_dir / "worker.toml"
        self._write_worker_config()
        self.stack = Stack(self.container, self.queue, self.app_url, self.shopify_url, self.woo_url,
                           ShopifyOptions().shop_domain, {})
        return self

    def _config(self) -> Config:
        o = self.options
        return Config(
            app=AppSettings(environment="development", base_url=self.app_url, data_dir=str(self.data_dir),
                            allow_private_store_urls=True),  # the sandbox shops listen on 127.0.0.1
            database=DatabaseSettings(self.database_url),
            redis=RedisSettings(self.redis_url),
            queue=QueueSettings(
                name=self.queue_name, max_attempts=o.max_attempts, backoff_base_seconds=1, backoff_max_seconds=2,
                stuck_after_seconds=o.stuck_after_seconds, reconcile_every_seconds=3600,
            ),
        ).with_section(
            SHOPIFY, ShopifySettings(api_key=SHOPIFY_API_KEY, admin_base_url=self.shopify_proxy.url)
        ).with_section(WOOCOMMERCE, WooCommerceSettings(poll_every_seconds=o.woo_poll_every_seconds))

    def _write_worker_config(self) -> None:
        """Workers read the same settings from a file; the database and Redis URLs come from the environment.

        The connector reaches Shopify through ``shopify_proxy`` (a pass-through until told to lose an answer);
        the install stores that address with the shop's credentials.
        """
        q = self.config.queue
        self.config_file.write_text(
            "[app]\n"
            f'environment = "development"\nbase_url = "{self.app_url}"\ndata_dir = "{self.data_dir}"\n'
            "allow_private_store_urls = true\n"
            f'[queue]\nname = "{self.queue_name}"\n'
            f"max_attempts = {q.max_attempts}\nbackoff_base_seconds = 1\nbackoff_max_seconds = 2\n"
            # Workers never reconcile (the test's own reconciler does, with its short stuck_after); their file
            # only has to be valid: stuck_after must exceed the job timeout + 30 s.
            "job_timeout_seconds = 20\nstuck_after_seconds = 60\n"
            f'[shopify]\napi_key = "{SHOPIFY_API_KEY}"\nadmin_base_url = "{self.shopify_proxy.url}"\n'
        )

    def stop(self) -> None:
        self.stop_reconciler()
        for process in self.workers:
            self._kill_group(process)
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:  # teardown goes on; the test's own failure is what matters
                log.exception("harness.stop-failed")

    # -- workers ------------------------------------------------------------------------------------

    def start_worker(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url,
               "SHOPIFY_API_SECRET": SHOPIFY_SECRET}
        index = len(self.workers) + 1
        log_file = (self.data_dir / f"worker-{index}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "connector.cli.main", "--config", str(self.config_file), "worker"],
            stdout=log_file, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
        log_file.close()
        self.workers.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its work horse, as an OOM killer or a lost machine would."""
        self._kill_group(process)

    @staticmethod
    def _kill_group(process: subprocess.Popen[bytes]) -> None:
        """The worker leads its own process group; RQ puts each work horse in a group of its own
        (``os.setpgrp``), so the horses are found by parent pid and killed by id first."""
        if process.poll() is None:
            for pid in _children(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

    def worker_logs(self) -> str:
        parts = []
        for path in sorted(self.data_dir.glob("worker-*.log")):
            tail = path.read_text(errors="replace").splitlines()[-30:]
            parts.append(f"--- {path.name} (last lines)\n" + "\n".join(tail))
        return "\n".join(parts)

    # -- the reconciler -----------------------------------------------------------------------------

    def start_reconciler(self) -> None:
        if self._reconciler is not None:
            return
        self._reconciler_stop.clear()

        def loop() -> None:
            while not self._reconciler_stop.wait(self.options.reconcile_every):
                try:
                    reconcile(self.container, self.queue)
                except Exception as exc:  # Redis flushed or restarting: the next pass tries again
                    self._reconciler_errors.append(f"{type(exc).__name__}: {exc}")

        self._reconciler = threading.Thread(target=loop, name="rel-reconciler", daemon=True)
        self._reconciler.start()

    def stop_reconciler(self) -> None:
        if self._reconciler is None:
            return
        self._reconciler_stop.set()
        self._reconciler.join(timeout=15)
        self._reconciler = None

    # -- connecting and opening returns -------------------------------------------------------------

    def connect(self) -> None:
        """Install Shopify (OAuth) and connect WooCommerce (wc-auth) over HTTP, set the demo policy, sync."""
        self.shopify_id, self.woo_id = connect_shops(self.stack, lambda _line: None)
        policy = policy_from_dict(DEMO_POLICY, source="reliability policy")
        with self.container.uow() as uow:
            for shop_id in (self.shopify_id, self.woo_id):
                set_policy(uow, shop_id, policy)
            uow.commit()
        for shop_id in (self.shopify_id, self.woo_id):
            sync_shop_orders(self.container, shop_id)

    def shop_id(self, platform: Platform) -> str:
        return self.shopify_id if platform is Platform.SHOPIFY else self.woo_id

    def candidates(self, platform: Platform, count: int, skip: int = 0) -> list[tuple[Order, str]]:
        """Orders with a line the policy lets a customer return today (one line each), as a portal shows them."""
        found = self.returnable(platform)
        if len(found) < skip + count:
            raise AssertionError(f"only {len(found)} returnable {platform.value} orders; raise Options.orders")
        return found[skip:skip + count]

    def returnable(self, platform: Platform) -> list[tuple[Order, str]]:
        """Every order with a line the policy lets a customer return today, with that line, by order id."""
        shop_id = self.shop_id(platform)
        found: list[tuple[Order, str]] = []
        now = self.container.clock()
        with self.container.uow() as uow:
            policy = current_policy(uow, shop_id)
            orders = uow.orders(shop_id).recent(limit=500)
        for order in sorted(orders, key=lambda o: o.id):
            for line in line_eligibility(policy, order, now):
                source = order.line(line.line_id)
                usable = source.variant_id and (source.fulfillment_line_ids or platform is Platform.WOOCOMMERCE)
                if line.eligible and line.returnable_quantity >= 1 and usable:
                    found.append((order, line.line_id))
                    break
        return found

    def portal_return(self, platform: Platform, order: Order, line_id: str, kind: ResolutionKind) -> Tracked:
        line = order.line(line_id)
        resolution = {
            ResolutionKind.REFUND: Resolution.refund(),
            ResolutionKind.STORE_CREDIT: Resolution.store_credit(),
            ResolutionKind.EXCHANGE: Resolution.exchange(variant_id=line.variant_id, product_id=line.product_id),
        }[kind]
        shop_id = self.shop_id(platform)
        outcome = ReturnService(self.container).open_return(
            shop_id, order.id, [LineInput(line_id, 1, ReasonCode.STYLE, resolution, "reliability")],
            ReturnMethod.RELAY_POINT, CUSTOMER,
        )
        return Tracked(platform, shop_id, order.id, kind, return_id=outcome.request.id)

    def customer_return_at_shopify(self, order: Order, line_id: str) -> Tracked:
        """The customer asks Shopify (returnRequest): only the returns/request webhook tells us."""
        platform_id = request_return_at_shopify(self.stack, order, line_id, ReasonCode.SIZE_TOO_SMALL)
        return Tracked(Platform.SHOPIFY, self.shopify_id, order.id, ResolutionKind.REFUND,
                       platform_return_id=platform_id)

    # -- driving to the end -------------------------------------------------------------------------

    def load(self, item: Tracked) -> ReturnRequest | None:
        with self.container.uow() as uow:
            repo = uow.returns(item.shop_id)
            if item.return_id is None and item.platform_return_id:
                found = repo.get_by_platform_id(item.platform_return_id)
                item.return_id = found.id if found else None
                return found
            return repo.get(item.return_id) if item.return_id else None

    def action_states(self, item: Tracked) -> list[tuple[str, str]]:
        if item.return_id is None:
            return []
        with self.container.uow() as uow:
            return [(a.kind.value, a.state.value) for a in uow.actions(item.shop_id).for_return(item.return_id)]

    def wait_ready(self, item: Tracked, timeout: float = 30.0) -> ReturnRequest:
        """Approved, with every shop-side step so far done: what an agent waits for before acting."""

        def ready() -> ReturnRequest | None:
            request = self.load(item)
            states = {s for _k, s in self.action_states(item)}
            if request is not None and request.status is ReturnStatus.APPROVED and states <= {"succeeded"}:
                return request
            return None

        try:
            found: ReturnRequest = wait_until("the return to be approved at the shop", ready, timeout)
        except Timeout as exc:
            raise Timeout(f"{exc}\n{self.describe([item])}\n{self.worker_logs()}") from None
        return found

    def set_stuck_after(self, seconds: int) -> None:
        """Shorten (or lengthen) how long the in-process reconciler trusts a running action's worker."""
        queue = replace(self.container.config.queue, stuck_after_seconds=seconds)
        self.container.config = replace(self.container.config, queue=queue)

    def action(self, item: Tracked, kind: str) -> Any:
        with self.container.uow() as uow:
            found = [a for a in uow.actions(item.shop_id).for_return(item.return_id or "") if a.kind.value == kind]
        assert len(found) == 1, f"expected one {kind} action, found {len(found)}"
        return found[0]

    def drive(self, tracked: list[Tracked], timeout: float = 60.0) -> None:
        """Act as the agent on each approved return once its shop-side steps are done; wait for all to close."""
        agent_done: set[str] = set()

        def settled() -> bool:
            done = True
            for item in tracked:
                request = self.load(item)
                if request is None:
                    done = False
                    continue
                states = {s for _k, s in self.action_states(item)}
                if ActionState.FAILED.value in states:
                    raise AssertionError(f"an action failed for {item}: {self.action_states(item)}\n"
                                         f"{self.describe(tracked)}")
                if request.status is ReturnStatus.APPROVED and request.id not in agent_done:
                    if states <= {ActionState.SUCCEEDED.value}:
                        act_as_agent(self.stack, request)
                        agent_done.add(request.id)
                    done = False
                    continue
                if request.status not in DONE or states - {ActionState.SUCCEEDED.value}:
                    done = False
            return done

        try:
            wait_until("every return to close with every action succeeded", settled, timeout, every=0.25)
        except Timeout as exc:
            raise Timeout(f"{exc}\n{self.describe(tracked)}\n{self.worker_logs()}") from None

    def describe(self, tracked: list[Tracked]) -> str:
        lines = []
        for item in tracked:
            request = self.load(item)
            status = request.status.value if request else "missing"
            lines.append(f"  {item.platform.value} order {item.order_id} {item.kind.value}: {status} "
                         f"{self.action_states(item)}")
            if item.return_id:
                with self.container.uow() as uow:
                    for a in uow.actions(item.shop_id).for_return(item.return_id):
                        if a.state is not ActionState.SUCCEEDED:
                            lines.append(f"    {a.kind.value} {a.id} {a.state.value} tries={a.attempts} "
                                         f"next={a.next_attempt_at} error={a.last_error}")
        if self._reconciler_errors:
            lines.append(f"  reconciler errors: {Counter(self._reconciler_errors).most_common(3)}")
        return "\n".join(lines)

    def inbox_rows(self, topic: str | None = None) -> int:
        with self.container.uow() as uow:
            query = select(func.count()).select_from(webhook_inbox)
            if topic:
                query = query.where(webhook_inbox.c.topic == topic)
            return int(uow.connection.execute(query).scalar_one())

    # -- the shops' own records ---------------------------------------------------------------------

    def set_faults(self, platform: Platform, **faults: Any) -> None:
        url = self.shopify_url if platform is Platform.SHOPIFY else self.woo_url
        response = requests.put(f"{url}/__sandbox/faults", json=faults, timeout=10)
        assert response.status_code == 200, response.text

    def fault_stats(self, platform: Platform) -> dict[str, int]:
        url = self.shopify_url if platform is Platform.SHOPIFY else self.woo_url
        stats: dict[str, int] = requests.get(f"{url}/__sandbox/faults/stats", timeout=10).json()
        return stats

    def shopify_state(self) -> dict[str, Any]:
        state: dict[str, Any] = requests.get(f"{self.shopify_url}/__sandbox/state", timeout=30).json()
        return state

    def shopify_received(self, order_id: str) -> Decimal:
        query = "query($id: ID!) { order(id: $id) { totalReceivedSet { shopMoney { amount } } } }"
        gid = order_id if order_id.startswith("gid://") else f"gid://shopify/Order/{order_id}"
        body = requests.post(
            f"{self.shopify_url}/admin/api/{API_VERSION}/graphql.json", json={"query": query, "variables": {"id": gid}},
            headers={"X-Shopify-Access-Token": SANDBOX_TOKEN}, timeout=30,
        ).json()
        return Decimal(body["data"]["order"]["totalReceivedSet"]["shopMoney"]["amount"])

    def woo_refunds(self) -> list[dict[str, Any]]:
        refunds: list[dict[str, Any]] = requests.get(f"{self.woo_url}/__sandbox/refunds", timeout=30).json()["refunds"]
        return refunds

    def woo_order(self, order_id: str) -> dict[str, Any]:
        order: dict[str, Any] = requests.get(f"{self.woo_url}/__sandbox/orders/{order_id}", timeout=30).json()
        return order

    def woo_coupons(self) -> list[dict[str, Any]]:
        coupons: list[dict[str, Any]] = requests.get(f"{self.woo_url}/__sandbox/coupons", timeout=30).json()
        return coupons


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc; Linux only, like the rest of this suite's process handling)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def _gid_number(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def assert_shop_invariants(h: Harness, tracked: list[Tracked]) -> None:
    """What the shops themselves recorded: every return closed, nothing paid twice, nothing over-refunded.

    Each tracked return is on its own order, so "paid once" is checked per order: exactly one refund for a
    refund or store-credit return on Shopify (store credit is a refund to store credit there) and for a
    refund return on WooCommerce; one coupon per store-credit key on WooCommerce; and every idempotency key
    or marker the shop recorded appears once.
    """
    problems: list[str] = []
    for item in tracked:
        request = h.load(item)
        if request is None or request.status is not ReturnStatus.CLOSED:
            problems.append(f"{item.platform.value} return on order {item.order_id} is not closed: "
                            f"{request.status.value if request else 'never received'}")
    shopify = h.shopify_state()
    refunds_by_order: Counter[str] = Counter(_gid_number(r["order_id"]) for r in shopify["refunds"])
    keys = Counter(r["idempotency_key"] for r in shopify["refunds"] if r["idempotency_key"])
    per_return = Counter(r["return_id"] for r in shopify["refunds"] if r["return_id"])
    problems += [f"Shopify idempotency key {k} used by {n} refunds" for k, n in keys.items() if n > 1]
    problems += [f"Shopify return {k} has {n} refunds" for k, n in per_return.items() if n > 1]
    paid: dict[str, Decimal] = {}
    for r in shopify["refunds"]:
        number = _gid_number(r["order_id"])
        paid[number] = paid.get(number, Decimal(0)) + Decimal(r["amount"]) + Decimal(r["store_credit"])
    shopify_returns = {r["id"]: r for r in shopify["returns"]}
    for item in tracked:
        if item.platform is not Platform.SHOPIFY:
            continue
        number = _gid_number(item.order_id)
        count = refunds_by_order[number]
        if item.kind in (ResolutionKind.REFUND, ResolutionKind.STORE_CREDIT) and count != 1:
            problems.append(f"Shopify order {number} ({item.kind.value}) has {count} refunds, expected exactly 1")
        elif count > 1:
            problems.append(f"Shopify order {number} ({item.kind.value}) has {count} refunds")
        received = h.shopify_received(item.order_id)
        if paid.get(number, Decimal(0)) > received:
            problems.append(f"Shopify order {number} refunded {paid[number]} of {received} received")
        request = h.load(item)
        if request is not None and request.platform_return_id:
            at_shop = shopify_returns.get(request.platform_return_id)
            if at_shop is None or at_shop["status"] != "CLOSED":
                problems.append(f"Shopify return {request.platform_return_id} is "
                                f"{at_shop['status'] if at_shop else 'missing'} at the shop")
    woo_refunds = h.woo_refunds()
    woo_keys = Counter(key for r in woo_refunds for key in markers_in(r.get("reason")))
    problems += [f"WooCommerce refund key {k} used by {n} refunds" for k, n in woo_keys.items() if n > 1]
    coupons = Counter(c["code"] for c in h.woo_coupons())
    problems += [f"WooCommerce coupon {k} issued {n} times" for k, n in coupons.items() if n > 1]
    for item in tracked:
        if item.platform is not Platform.WOOCOMMERCE:
            continue
        mine = [r for r in woo_refunds if str(r["order_id"]) == str(item.order_id)]
        if item.kind is ResolutionKind.REFUND and len(mine) != 1:
            problems.append(f"WooCommerce order {item.order_id} has {len(mine)} refunds, expected exactly 1")
        elif item.kind is not ResolutionKind.REFUND and len(mine) > 1:
            problems.append(f"WooCommerce order {item.order_id} ({item.kind.value}) has {len(mine)} refunds")
        order = h.woo_order(item.order_id)["_sandbox"]
        refunded = sum((Decimal(str(r["amount"])) for r in mine), Decimal(0))
        if refunded > Decimal(str(order["total"])) or Decimal(str(order["remaining_refund_amount"])) < 0:
            problems.append(f"WooCommerce order {item.order_id} refunded {refunded} of {order['total']}")
    assert not problems, "the shops' records break the promise:\n  " + "\n  ".join(problems)


def shop_refund_count(h: Harness, item: Tracked) -> int:
    """Refunds the shop holds for this return's order (its own records)."""
    if item.platform is Platform.SHOPIFY:
        return sum(1 for r in h.shopify_state()["refunds"] if _gid_number(r["order_id"]) == _gid_number(item.order_id))
    return sum(1 for r in h.woo_refunds() if str(r["order_id"]) == str(item.order_id))


class LossyProxy:
    """A pass-through HTTP proxy in front of a sandbox that can lose the answer to one chosen request.

    The Shopify Admin API is one GraphQL endpoint, so the sandbox's path-based ``timeout_after_write`` cannot
    single out one mutation: this proxy forwards the request, lets the shop apply it, then closes the client's
    connection without an answer (what a read timeout after the write looks like to us). Workers reach the
    Shopify sandbox through it.
    """

    _HOP = frozenset({"connection", "content-encoding", "content-length", "transfer-encoding", "keep-alive"})

    def __init__(self, target: str) -> None:
        self.target = target
        self.marker: bytes | None = None
        self.lost = 0
        self.forwarded = 0
        self.delay_marker: bytes | None = None
        self.delay_seconds = 0.0
        self.garble_marker: bytes | None = None
        self.garble_answer: dict[str, Any] = {}
        self.garbled = 0
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, name="rel-proxy", daemon=True).start()

    def delay_next(self, marker: str, seconds: float) -> None:
        """Hold the next request whose body contains ``marker`` for ``seconds`` before forwarding it (once)."""
        with self._lock:
            self.delay_marker, self.delay_seconds = marker.encode(), seconds

    def garble_next(self, marker: str, answer: dict[str, Any]) -> None:
        """Forward the next request containing ``marker`` (the shop acts), but answer ``answer`` instead (once)."""
        with self._lock:
            self.garble_marker, self.garble_answer = marker.encode(), answer

    def lose_next(self, marker: str) -> None:
        """Lose the answer to the next request whose body contains ``marker`` (once)."""
        with self._lock:
            self.marker = marker.encode()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = WsgiRequest(environ)
        body = request.get_data()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in self._HOP | {"host"}}
        with self._lock:
            hold = self.delay_seconds if self.delay_marker is not None and self.delay_marker in body else 0.0
            if hold:
                self.delay_marker = None
        if hold:
            time.sleep(hold)  # the client has sent its request and waits: a call "in flight"
        upstream = self._session.request(
            request.method, self.target + request.full_path.rstrip("?"), data=body, headers=headers,
            allow_redirects=False, timeout=60,
        )
        with self._lock:
            self.forwarded += 1
            lose = self.marker is not None and self.marker in body
            if lose:
                self.marker = None
                self.lost += 1
        if lose and drop_connection_of(environ):
            return WsgiResponse(b"", 200)(environ, start_response)
        with self._lock:
            garble = self.garble_marker is not None and self.garble_marker in body
            if garble:
                self.garble_marker = None
                self.garbled += 1
        if garble:
            text = json.dumps(self.garble_answer)
            return WsgiResponse(text, 200, content_type="application/json")(environ, start_response)
        kept = [(k, v) for k, v in upstream.headers.items() if k.lower() not in self._HOP]
        return WsgiResponse(upstream.content, upstream.status_code, headers=kept)(environ, start_response)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._session.close()


def drop_connection_of(environ: dict[str, Any]) -> bool:
    sock = environ.get("werkzeug.socket")
    if not isinstance(sock, socket.socket):
        return False
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    return True
