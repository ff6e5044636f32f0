"""Through the served portal, the shop is asked with no transaction open: the views' decorators (customer
token, idempotency key) and the use cases they call each close their unit of work before the shop is asked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from connector.bootstrap import Container
from tests.api.conftest import REFUND_LINE, bearer, customer_token, open_return
from tests.fakes import FakeShop
from tests.watched_shop import OpenConnections, WatchedShop, watching


@pytest.fixture
def connections(engine: Engine) -> Iterator[OpenConnections]:
    yield from watching(engine)


@pytest.fixture
def shop_a(container: Container, fake_shops: dict[str, FakeShop], connections: OpenConnections) -> WatchedShop:
    """Shop A's fake shop, watched; the app reads the same container, so its views ask this one."""
    watched = WatchedShop(fake_shops["shop-a"], connections)
    container.adapter_factory = lambda _c, _shop, _creds: watched
    return watched


def test_lookup_lines_and_an_exchange_ask_the_shop_outside_any_transaction(
    client: FlaskClient, shop_a: WatchedShop
) -> None:
    token = customer_token(client)  # no snapshot yet: the shop's own search finds the order
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(token)).status_code == 200
    exchange = {**REFUND_LINE, "resolution": {"kind": "exchange", "exchange_variant_id": "V-9"}}
    answer = open_return(client, token, lines=[exchange], headers={"Idempotency-Key": "ask-1"})

    assert answer.status_code == 201, answer.get_json()
    assert {"find_order", "fetch_order", "available_stock", "variant_price"} <= set(shop_a.asked)
    assert shop_a.inside == []
