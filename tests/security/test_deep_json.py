"""A body of 1,000 nested arrays is a 400 naming the problem on every JSON endpoint, never a 500.

Before ``connector.jsonlimits`` each of these raised RecursionError inside the parser: not a ValueError, so
it passed ``silent=True`` and every ``except ValueError`` and was answered 500 with a traceback in the log.
"""

from __future__ import annotations

import logging

import pytest
import responses
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from connector.bootstrap import Container
from connector.errors import RetryableError
from connector.jsonlimits import JSONTooDeep
from platforms.shopify.client import GraphQLClient
from platforms.woocommerce.errors import decode_json
from tests.api.conftest import REFUND_LINE, bearer, customer_token, issue_key
from tests.shopify.helpers import ENDPOINT, SHOP, FakeClock

DEEP = b"[" * 1000 + b"]" * 1000  # 2 KB
TOO_DEEP = "JSON nested deeper than 64 levels"
ACTIONS = ["approve", "decline", "in-transit", "receive", "inspect", "resolve", "cancel", "notes"]


@pytest.fixture(autouse=True)
def no_error_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


def _refused(answer: TestResponse, caplog: pytest.LogCaptureFixture) -> None:
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"] == {"code": "invalid_json", "message": TOO_DEEP}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an error (traceback) was logged"


def _deep(client: FlaskClient, path: str, headers: dict[str, str] | None = None) -> TestResponse:
    return client.post(path, data=DEEP, content_type="application/json", headers=headers or {})


def test_portal_lookup(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    _refused(_deep(client, "/api/v1/portal/shop-a/lookup"), caplog)


def test_portal_create_return(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    _refused(_deep(client, "/api/v1/portal/shop-a/returns", bearer(customer_token(client))), caplog)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_agent_action(client: FlaskClient, container: Container, opened: str, action: str,
                            caplog: pytest.LogCaptureFixture) -> None:
    headers = {"X-API-Key": issue_key(container, "shop-a")}
    _refused(_deep(client, f"/api/v1/shops/shop-a/returns/{opened}/{action}", headers), caplog)


def test_idempotency_layer_refuses_and_frees_the_key(client: FlaskClient, container: Container, opened: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """The fingerprint parses the body before the view does; the 400 is not kept, so the key is free."""
    headers = {"X-API-Key": issue_key(container, "shop-a"), "Idempotency-Key": "deep-1"}
    path = f"/api/v1/shops/shop-a/returns/{opened}/notes"
    _refused(_deep(client, path, headers), caplog)
    again = client.post(path, json={"text": "checked"}, headers=headers)
    assert again.status_code == 200, again.get_json()


def test_portal_idempotency_layer(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    headers = {**bearer(customer_token(client)), "Idempotency-Key": "deep-2"}
    _refused(_deep(client, "/api/v1/portal/shop-a/returns", headers), caplog)
    opened = client.post("/api/v1/portal/shop-a/returns", json={"lines": [REFUND_LINE], "method": "prepaid_label"},
                         headers=headers)
    assert opened.status_code == 201, opened.get_json()


def test_woocommerce_callback(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    answer = _deep(client, "/woocommerce/callback?store_url=https://shop.example")
    assert answer.status_code == 400 and answer.get_data(as_text=True).strip() == TOO_DEEP
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_woocommerce_callback_still_says_what_it_expects(client: FlaskClient) -> None:
    answer = client.post("/woocommerce/callback?store_url=https://shop.example", data=b"not json")
    assert answer.status_code == 400 and answer.get_data(as_text=True).strip() == "expected a JSON object"


def test_json_that_is_merely_bad_keeps_its_plain_message(client: FlaskClient) -> None:
    answer = client.post("/api/v1/portal/shop-a/lookup", data=b"[", content_type="application/json")
    assert answer.status_code == 400
    assert answer.get_json()["error"] == {"code": "invalid_json", "message": "the body is not valid JSON"}


# -- what the shops send back: a store's (or a man in the middle's) deep answer is bad JSON, not a crash ----


@responses.activate
def test_shopify_client_reads_a_deep_answer_as_not_json() -> None:
    responses.post(ENDPOINT, body=DEEP, content_type="application/json")
    client = GraphQLClient(SHOP, lambda: "shpat_test", sleep=FakeClock().sleep, clock=FakeClock(),
                           jitter=lambda: 1.0, max_attempts=1)
    with pytest.raises(RetryableError, match="not JSON"):
        client.query("query Ping { shop { id } }")


def test_woocommerce_decode_refuses_a_deep_answer_as_bad_json() -> None:
    with pytest.raises(JSONTooDeep):
        decode_json(DEEP.decode())
