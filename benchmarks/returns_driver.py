"""Drive Shopify customer returns end to end through the demo stack, counting every request the Shopify sandbox
serves. Shared by ``e2e_returns_bench.py`` and ``platform_calls_bench.py``.

The stack is ``demo.stack.start_stack`` (both sandboxes, the web app in a thread, ``returns-connector
worker`` processes on real Redis, a reconciler thread). Returns start the way a customer starts them at Shopify
(``returnRequest`` with the sandbox's script token), so a signed ``returns/request`` webhook reaches our app;
the worker opens and approves the return under an auto-approve policy; this process then acts as the support
agent (in transit, received, inspected, resolved: ``demo.scenario.act_as_agent``) as soon as a return
is approved and its actions succeeded, and the worker refunds and closes it at Shopify. Done = the sandbox's
``/__sandbox/state`` lists one refund per return.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from benchkit import cpu_times, redis_url

import sandboxes.shopify.cli as shopify_cli

GRAPHQL_OP = re.compile(r"^\s*(query|mutation)\b\s*(\w*)[^{]*\{\s*(\w+)", re.M)
SCRIPT_TOKEN = "shpat_sandbox"


@dataclass
class RequestCounter:
    """Counts the sandbox's requests by operation: GraphQL root field (``query order``) or method + path."""

    counts: Counter[str] = field(default_factory=Counter)
    costs: Counter[str] = field(default_factory=Counter)
    enabled: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self.costs.clear()
            self.enabled = True

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def wrap(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if not self.enabled or path.startswith("/__sandbox"):
                return app(environ, start_response)
            token = environ.get("HTTP_X_SHOPIFY_ACCESS_TOKEN", "")
            who = "customer" if token == SCRIPT_TOKEN else "connector"
            name = f"{environ.get('REQUEST_METHOD')} {path}"
            if path.endswith("/graphql.json"):
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length) if length else b""
                environ["wsgi.input"] = io.BytesIO(body)
                try:
                    found = GRAPHQL_OP.search(json.loads(body).get("query", ""))
                    name = f"{found.group(1)} {found.group(2) or '-'} ({found.group(3)})" if found else "graphql (?)"
                except ValueError:
                    name = "graphql (not JSON)"
            with self._lock:
                self.counts[f"{who}: {name}"] += 1
            return app(environ, start_response)

        return middleware


COUNTER = RequestCounter()
_original_create_app = shopify_cli.create_app  # type: ignore[attr-defined]


def _counted_create_app(options: Any = None) -> Any:
    app = _original_create_app(options)
    app.wsgi_app = COUNTER.wrap(app.wsgi_app)  # type: ignore[method-assign]
    return app


shopify_cli.create_app = _counted_create_app  # type: ignore[attr-defined]  # start_in_thread looks create_app up in its module


def wait_for_first_sync(container: Any, shop_ids: Iterable[str], timeout: float) -> None:
    """The reconciler schedules a sync right after install; the worker runs it. Measure only after it is done,
    so the workers are not busy reading orders (and sharing the shop's rate budget) during the measurement."""
    from connector.store.outbox_repo import JobKind

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with container.uow() as uow:
            pending = [s for s in shop_ids
                       if uow.shops.last_synced_at(s) is None or uow.outbox.has_open(s, JobKind.SYNC)]
        if not pending:
            return
        time.sleep(0.2)
    raise SystemExit("the first order sync did not finish in time")


@dataclass
class Run:
    returns: int
    seconds: float
    refunds: int
    calls: Counter[str]
    setup_seconds: float
    closed: int = 0
    failed: int = 0
    unfinished: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)


def drive(
    data_dir: Path, *, returns: int, orders: int, workers: int, timeout: float = 300.0, restore_rate: float = 1000.0,
    split: bool = False,
) -> Run:
    """Start a stack, open ``returns`` customer returns at Shopify, act as the agent, wait for the refunds."""
    from connector.domain.orders import Platform
    from connector.domain.reasons import ReasonCode
    from connector.domain.resolutions import ResolutionKind
    from connector.domain.states import ReturnStatus
    from connector.policy.schema import policy_from_dict
    from connector.services.policies import set_policy
    from connector.store.actions_repo import ActionState
    from demo.scenario import (
        DEMO_POLICY,
        Planned,
        _candidates,
        _load,
        _ready_for_agent,
        _track_customer_returns,
        act_as_agent,
        connect_shops,
        request_return_at_shopify,
    )
    from demo.stack import start_stack

    url = redis_url()
    if url is None:
        raise SystemExit("Redis is not reachable (REDIS_URL or 127.0.0.1:6379/12): this benchmark needs real Redis")
    os.environ["REDIS_URL"] = url
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    started = time.perf_counter()
    COUNTER.enabled = False
    from split_stack import install_shopify, start_split_stack

    stack: Any = (start_split_stack(data_dir, orders=orders, workers=workers) if split
                  else start_stack(data_dir, orders=orders, workers=workers))
    try:
        # Shopify Plus-like rate (the default 100 pts/s would make the post-install sync take a minute).
        requests.put(f"{stack.shopify_url}/__sandbox/bucket", json={"restore_rate": restore_rate},
                     timeout=10).raise_for_status()
        if split:
            shopify_id = install_shopify(stack)
            shop_ids: tuple[str, ...] = (shopify_id,)
        else:
            shop_ids = connect_shops(stack, lambda _line: None)
            shopify_id = shop_ids[0]
        with stack.container.uow() as uow:
            set_policy(uow, shopify_id, policy_from_dict(DEMO_POLICY, source="bench"))
            uow.commit()
        phases = {"stack+install s": time.perf_counter() - started}
        wait_for_first_sync(stack.container, shop_ids, timeout)
        phases["first sync s"] = time.perf_counter() - started - phases["stack+install s"]
        picks = _candidates(stack, shopify_id, returns, needs_fulfillment_ids=True)
        if len(picks) < returns:
            raise SystemExit(f"only {len(picks)} returnable orders among {orders}; raise --orders")
        state_url = f"{stack.shopify_url}/__sandbox/state"
        before = len(requests.get(state_url, timeout=30).json()["refunds"])
        setup = time.perf_counter() - started
        COUNTER.reset()
        cpu0 = cpu_times()
        own0 = time.process_time()
        t0 = time.perf_counter()
        planned = []
        for order, line_id in picks:
            platform_id = request_return_at_shopify(stack, order, line_id, ReasonCode.SIZE_TOO_SMALL)
            planned.append(Planned(Platform.SHOPIFY, ResolutionKind.REFUND, "shopify-customer", order.id,
                                   platform_return_id=platform_id))
        agent_done: set[str] = set()
        refunds = 0
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            _track_customer_returns(stack, shopify_id, planned)
            for item in planned:
                if item.return_id is None or item.return_id in agent_done:
                    continue
                request = _load(stack, shopify_id, item.return_id)
                if request is not None and _ready_for_agent(stack, request):
                    act_as_agent(stack, request)
                    agent_done.add(request.id)
            refunds = len(requests.get(state_url, timeout=30).json()["refunds"]) - before
            if refunds >= returns:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        cpu1 = cpu_times()
        phases["machine CPU busy %"] = 100 * (cpu1[0] - cpu0[0]) / max(1.0, cpu1[1] - cpu0[1])
        # this process hosts both sandboxes, the web app, the reconciler and the agent: one GIL
        phases["harness process CPU % of one core"] = 100 * (time.process_time() - own0) / elapsed
        closed = failed = 0
        unfinished: list[str] = []
        settle = time.perf_counter() + 20  # let the last closes land before counting calls per return
        while time.perf_counter() < settle:
            closed = failed = 0
            unfinished = []
            for item in planned:
                request = _load(stack, shopify_id, item.return_id)
                if request is None:
                    unfinished.append(f"{item.platform_return_id} (order {item.order_id}): never reached the connector")
                    continue
                with stack.container.uow() as uow:
                    actions = uow.actions(shopify_id).for_return(request.id)
                states = {a.state for a in actions}
                failed += ActionState.FAILED in states
                done = request.status is ReturnStatus.CLOSED and states <= {ActionState.SUCCEEDED}
                closed += done
                if not done:
                    unfinished.append(
                        f"{request.id} {request.status.value} agent={'yes' if request.id in agent_done else 'no'}: "
                        + ", ".join(f"{a.kind.value}:{a.state.value}:{a.attempts}:{(a.last_error or '')[:120]}"
                                    for a in actions))
            if closed + failed >= returns:
                break
            time.sleep(0.2)
        calls = COUNTER.snapshot()
        COUNTER.enabled = False
        return Run(returns, elapsed, refunds, calls, setup, closed, failed, unfinished, phases)
    finally:
        stack.stop()
