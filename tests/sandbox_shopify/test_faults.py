"""Injected faults look like Shopify's own failures, and can be switched at run time."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sandboxes.kit.faults import FaultConfig
from tests.sandbox_shopify.conftest import Sandbox


def test_injected_throttle_is_shopify_shaped(make_sandbox: Any) -> None:
    sb: Sandbox = make_sandbox(faults=FaultConfig(throttle_rate=1.0))
    response = sb.post("{ shop { name } }")
    assert response.status_code == 200
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert set(body["extensions"]["cost"]["throttleStatus"]) == {
        "maximumAvailable",
        "currentlyAvailable",
        "restoreRate",
    }


def test_injected_server_errors_and_runtime_switch(make_sandbox: Any) -> None:
    sb: Sandbox = make_sandbox(faults=FaultConfig(error_rate=1.0))
    response = sb.post("{ shop { name } }")
    assert response.status_code in (500, 502, 503)
    assert isinstance(response.json()["errors"], str)
    assert sb.admin("GET", "/faults")["error_rate"] == 1.0
    sb.admin("PUT", "/faults", json={"error_rate": 0.0})
    assert sb.post("{ shop { name } }").status_code == 200


def test_dropped_connection_gives_no_answer(make_sandbox: Any) -> None:
    sb: Sandbox = make_sandbox(faults=FaultConfig(drop_rate=1.0))
    with pytest.raises(requests.ConnectionError):
        sb.post("{ shop { name } }")
    # The admin endpoints stay reachable so tests can inspect and switch faults off.
    assert sb.admin("GET", "/state")["shop"]["orders"] == sb.options.orders


def test_lost_answer_then_retry_with_same_key_refunds_once(make_sandbox: Any) -> None:
    from tests.sandbox_shopify.conftest import fulfilled_order
    from tests.sandbox_shopify.test_refunds_and_limits import REFUND, refund_input, small_amount

    sb: Sandbox = make_sandbox()
    order = fulfilled_order(sb)
    variables = {"key": "op-7f3c", "input": refund_input(order, small_amount(order))}
    sb.admin("PUT", "/faults", json={"timeout_after_write_rate": 1.0})
    with pytest.raises(requests.ConnectionError):
        sb.post(REFUND, variables)
    sb.admin("PUT", "/faults", json={"timeout_after_write_rate": 0.0})
    assert len(sb.admin("GET", "/refunds")) == 1  # the write happened although the answer was lost
    retried = sb.data(REFUND, variables)["refundCreate"]
    recorded = sb.admin("GET", "/refunds")
    assert len(recorded) == 1 and retried["refund"]["id"] == recorded[0]["id"]


def test_cli_options_map_onto_sandbox_options() -> None:
    import argparse

    from sandboxes.shopify.cli import configure, options_from_args

    parser = argparse.ArgumentParser()
    configure(parser)
    args = parser.parse_args(
        ["--orders", "5", "--bucket-size", "50", "--throttle-rate", "0.25", "--webhook-retry-schedule", "0.1,0.2",
         "--webhook-delay", "1.5", "--access-token", "shpat_x", "--token-ttl", "60"]
    )  # fmt: skip
    options = options_from_args(args)
    assert (options.orders, options.bucket_size, options.access_token, options.token_ttl) == (5, 50.0, "shpat_x", 60)
    assert options.webhook_retry_schedule == (0.1, 0.2)
    assert options.faults.throttle_rate == 0.25 and options.faults.webhook_delay_s == 1.5
