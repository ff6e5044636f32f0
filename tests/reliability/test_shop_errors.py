"""Scenario 6: both shops fail one request in five (sandbox ``error_rate=0.2``: 500/502/503, seeded) for a
whole run of six returns (refund, store credit and exchange on each shop). A 5xx on a mutation is an
unknown outcome for us, so this also exercises find-before-retry many times over.
"""

from __future__ import annotations

from typing import Any

import pytest

from connector.domain.orders import Platform
from connector.domain.resolutions import ResolutionKind
from tests.reliability.harness import Harness, Tracked, assert_shop_invariants

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]


def test_one_shop_request_in_five_fails_yet_every_return_is_paid_once(make_harness: Any) -> None:
    # stuck_after covers a webhook job that failed on a shop error: its outbox row is relayed again then.
    h: Harness = make_harness(stuck_after_seconds=6, orders=20)
    h.connect()
    shopify = h.candidates(Platform.SHOPIFY, 3)
    woo = h.candidates(Platform.WOOCOMMERCE, 3)
    tracked: list[Tracked] = [h.customer_return_at_shopify(*shopify[0])]  # asked before the faults start
    h.set_faults(Platform.SHOPIFY, error_rate=0.2, seed=61)
    h.set_faults(Platform.WOOCOMMERCE, error_rate=0.2, seed=62)
    tracked += [
        h.portal_return(Platform.SHOPIFY, *shopify[1], ResolutionKind.STORE_CREDIT),
        h.portal_return(Platform.SHOPIFY, *shopify[2], ResolutionKind.EXCHANGE),
        h.portal_return(Platform.WOOCOMMERCE, *woo[0], ResolutionKind.REFUND),
        h.portal_return(Platform.WOOCOMMERCE, *woo[1], ResolutionKind.STORE_CREDIT),
        h.portal_return(Platform.WOOCOMMERCE, *woo[2], ResolutionKind.EXCHANGE),
    ]
    h.start_worker()
    h.start_worker()
    h.start_reconciler()
    h.drive(tracked, timeout=90)

    injected = {p: h.fault_stats(p) for p in (Platform.SHOPIFY, Platform.WOOCOMMERCE)}
    for platform in (Platform.SHOPIFY, Platform.WOOCOMMERCE):
        h.set_faults(platform, error_rate=0.0)  # the checks below read the shops; they must not be failed
    errors = {p.value: sum(n for k, n in stats.items() if k.startswith("error_")) for p, stats in injected.items()}
    assert min(errors.values()) >= 3, f"too few injected errors to prove anything: {errors}"
    assert_shop_invariants(h, tracked)
