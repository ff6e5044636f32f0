"""Shared helpers: fixtures decoded like the client decodes them (Decimal, never float)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import responses

from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import RetryPolicy, WooClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "woocommerce"
STORE = "https://shop.example"
API = f"{STORE}/wp-json/wc/v3"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(), parse_float=Decimal)


def dump(obj: Any) -> str:
    """Re-encode a fixture for ``responses`` bodies, keeping Decimals exact."""
    return json.dumps(obj, default=str)


def order(**changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(load("order_727.json"))
    raw.update(changes)
    return raw


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sleeps: Sleeps) -> Iterator[WooClient]:
    c = WooClient(STORE, "ck_test", "cs_test", retry=RetryPolicy(max_retries=3, base_delay=0.01), sleep=sleeps)
    yield c
    c.close()


@pytest.fixture
def adapter(client: WooClient) -> WooCommerceAdapter:
    return WooCommerceAdapter(client, shop_id="shop-1", webhook_secret="s3cret")


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
