"""Injected faults look like Shopify's own failures, and can be switched at run time."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from platforms.sandboxkit.faults import FaultConfig
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
