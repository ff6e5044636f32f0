"""A fake shop that notes each call made while a database transaction is open, and what counts them.

A call to the shop is a request over HTTP that may take seconds; made inside a unit of work, it holds a
database connection (and, on PostgreSQL, the rows it locked) for as long. An open unit of work holds one
connection from ``with`` to its end, so a call made while the engine has a connection out is made inside one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, event

from connector.domain.shop_refunds import ShopRefund
from tests.fakes import FakeAdapter, FakeShop


class OpenConnections:
    """How many connections the engine has handed out and not yet taken back (one per open unit of work)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0
        event.listen(engine, "checkout", self._out)
        event.listen(engine, "checkin", self._back)

    def _out(self, *_: Any) -> None:
        self.count += 1

    def _back(self, *_: Any) -> None:
        self.count -= 1

    def close(self) -> None:
        event.remove(self.engine, "checkout", self._out)
        event.remove(self.engine, "checkin", self._back)


class WatchedShop(FakeAdapter):
    """The fake shop, noting each call and each one made while a transaction was open.

    Noted rather than raised: the executor turns any exception into a retry, which would hide it.
    """

    def __init__(self, shop: FakeShop, connections: OpenConnections) -> None:
        super().__init__(shop)
        self.connections = connections
        self.asked: list[str] = []
        self.inside: list[str] = []

    def __getattribute__(self, name: str) -> Any:
        found = object.__getattribute__(self, name)
        if name.startswith("_") or not callable(found):
            return found
        return object.__getattribute__(self, "_watched")(name, found)

    def _watched(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            self.asked.append(name)
            if self.connections.count:
                self.inside.append(name)
            return call(*args, **kwargs)

        return run

    def shop_refunds(self, order_id: str) -> list[ShopRefund]:
        """WooCommerce lists an order's refunds: what resolve and pay-again read what is left to refund from."""
        return []


def watching(engine: Engine) -> Iterator[OpenConnections]:
    """A fixture's body: the engine's connections counted for the test, and no longer once it ends."""
    counted = OpenConnections(engine)
    yield counted
    counted.close()
