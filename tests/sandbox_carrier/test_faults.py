"""Counted faults: 5xx and 429 (with Retry-After) for the next N requests, and a write whose answer is lost."""

from __future__ import annotations

import pytest
import requests

from tests.sandbox_carrier.conftest import Sendcloud, return_body


def test_the_next_requests_fail_then_the_carrier_answers_again(carrier: Sendcloud) -> None:
    carrier.sandbox("POST", "faults/next", json={"kind": "status", "status": 503, "count": 2, "retry_after": 7})
    for _ in range(2):
        answer = carrier.call("POST", "/api/v3/returns", json=return_body())
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "7"
        assert answer.json()["error"]["request"] == "api/v3/returns"
    assert carrier.sandbox("GET", "returns") == []  # nothing was written
    assert carrier.create().status_code == 201


def test_throttling_is_a_429_with_retry_after_scoped_to_a_path_and_method(carrier: Sendcloud) -> None:
    rule = {"kind": "status", "status": 429, "retry_after": 3, "path_prefix": "/api/v3/service-points",
            "methods": ["get"]}  # fmt: skip
    carrier.sandbox("POST", "faults/next", json=rule)
    assert carrier.create().status_code == 201  # another path: untouched
    params = {"country_code": "FR", "carrier_code": "colissimo", "address_postal_code": "75011"}
    throttled = carrier.call("GET", "/api/v3/service-points", params=params)
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "3")
    assert carrier.call("GET", "/api/v3/service-points", params=params).status_code == 200
    assert [f["status"] for f in carrier.sandbox("GET", "faults/fired")] == [429]


def test_a_timeout_after_the_write_loses_the_answer_but_keeps_the_return(carrier: Sendcloud) -> None:
    carrier.sandbox("POST", "faults/next", json={"kind": "timeout_after_write", "path_prefix": "/api/v3/returns"})
    with pytest.raises(requests.ConnectionError):
        carrier.create()
    made = carrier.sandbox("GET", "returns", params={"external_reference": "RET-1042-1"})
    assert len(made) == 1
    retried = carrier.create()
    assert retried.status_code == 400  # the retry finds the reference used; still one return
    assert len(carrier.sandbox("GET", "returns")) == 1


def test_bad_rules_are_refused(carrier: Sendcloud) -> None:
    for rule in ({"kind": "explode"}, {"kind": "status", "status": 418}, {"kind": "status", "count": 0},
                 {"kind": "status", "colour": "red"}):  # fmt: skip
        answer = requests.post(f"{carrier.base_url}/__sandbox/faults/next", json=rule, timeout=5)
        assert answer.status_code == 400, rule
