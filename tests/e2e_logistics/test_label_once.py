"""Issue 19: a label made once despite a lost answer and a killed worker, on both sandbox shops.

The carrier makes the return but the answer to ``POST /api/v3/returns`` is lost (``timeout_after_write``: the
connection is dropped after the write). The adapter looks for the return it may have made (the v3 list, which
the carrier is told to answer slowly), and a real ``returns-connector worker`` process is SIGKILLed, work horse
and all, in the middle of that look-up: the ``CREATE_LABEL`` action is left running, nothing recorded. The
reconciler (stuck-after shortened) turns it unknown and a new worker retries it with the same key: the carrier
refuses a second return for that ``external_reference``, the adapter finds the first one, the label is stored and
shown at the shop. One return in the carrier's records, one parcel at the shop.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from connector.domain.orders import Platform
from connector.domain.resolutions import ReturnMethod
from tests.e2e_logistics.stack import LogisticsStack
from tests.reliability.harness import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]
LOOKUP_LATENCY_MS = 4000


@pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE], ids=lambda p: p.value)
def test_a_lost_answer_and_a_killed_worker_make_one_label(
    own_stack: Callable[..., LogisticsStack], platform: Platform
) -> None:
    stack = own_stack(workers=0, stuck_after_seconds=30)
    h, carrier = stack.h, stack.carriers[platform]
    doomed = h.start_worker()
    h.start_reconciler()
    carrier.sandbox("POST", "faults/next", json={"kind": "timeout_after_write", "path_prefix": "/api/v3/returns",
                                                 "methods": ["POST"]})  # fmt: skip
    carrier.sandbox("PUT", "faults", json={"latency_ms": LOOKUP_LATENCY_MS, "methods": ["GET"],
                                           "path_prefixes": ["/api/v3/returns"]})  # fmt: skip

    item = stack.open(platform, ReturnMethod.PREPAID_LABEL)
    key = f"ret:{item.return_id}:label"
    wait_until(
        "the carrier to make the return and lose its answer",
        lambda: [f["kind"] for f in carrier.sandbox("GET", "faults/fired")] == ["timeout_after_write"],
        20,
    )
    time.sleep(0.5)  # the worker is now waiting for the carrier's list, looking for what it made
    label = h.action(item, "create_label")
    assert label.state.value == "running", "the worker finished before it could be killed"
    h.kill_worker(doomed)

    assert len(carrier.returns(key)) == 1  # made at the carrier ...
    assert stack.shipment(item).carrier_ref is None  # ... and nothing of it known here
    assert stack.shown_at_shop(item) == []
    carrier.sandbox("PUT", "faults", json={"latency_ms": 0, "methods": [], "path_prefixes": []})
    h.set_stuck_after(2)
    h.start_worker()
    stack.settled(item, timeout=40)

    label = h.action(item, "create_label")
    assert label.attempts >= 2, "the label was made in one attempt: the kill did not interrupt it"
    (made,) = carrier.returns(key)
    shipment = stack.shipment(item)
    assert (shipment.carrier_ref, shipment.tracking_number) == (str(made["id"]), made["tracking_number"])
    assert [s["tracking_number"] for s in stack.shown_at_shop(item)] == [made["tracking_number"]]
    if platform is Platform.WOOCOMMERCE:
        assert len(stack.our_notes(item)) == 1
