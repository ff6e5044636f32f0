"""Migration 0014: returns held before it get their value and their reasons' bits from what is stored (the amounts'
lines, the return lines), so the agents' queue filters them like new ones; and it goes back down cleanly."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, column, insert, inspect, select, table
from sqlalchemy.engine import Engine

from connector.domain import Money, ReasonCode
from connector.domain.resolutions import LineAmounts, ReturnAmounts
from connector.store import codec
from connector.store.engine import make_engine
from connector.store.migrate import alembic_config, upgrade
from connector.store.tables import returns

STAMP = datetime(2026, 3, 1, tzinfo=UTC)
# The tables as revision 0013 has them (only the columns written here): not the code's current ones.
SHOPS = table("shops", column("id", String), column("platform", String), column("address", String),
              column("currency", String), column("locale", String), column("name", String), column("active", Boolean),
              column("declared_in_config", Boolean), column("created_at", DateTime), column("updated_at", DateTime))
RETURNS_0013 = table("returns", column("id", String), column("shop_id", String), column("order_id", String),
                     column("order_name", String), column("status", String), column("method", String),
                     column("currency", String), column("customer_email", String), column("keep_item", Boolean),
                     column("money_moved", Boolean), column("amounts", JSON), column("version", Integer),
                     column("created_at", DateTime), column("updated_at", DateTime))
LINES = table("return_lines", column("id", String), column("return_id", String), column("shop_id", String),
              column("position", Integer), column("order_line_id", String), column("quantity", Integer),
              column("reason", String), column("customer_note", String), column("resolution", JSON),
              column("received_quantity", Integer))


def _amounts(currency: str, *paid: str) -> dict[str, object]:
    zero = Money.zero(currency)
    lines = tuple(LineAmounts(f"l{n}", Money(amount, currency), zero, zero, zero) for n, amount in enumerate(paid))
    total = Money.sum((line.paid for line in lines), currency)
    return codec.amounts_to_json(ReturnAmounts(currency, lines, zero, zero, total, zero, zero))


def _return(return_id: str, amounts: dict[str, object] | None, currency: str = "EUR") -> dict[str, object]:
    return {"id": return_id, "shop_id": "s1", "order_id": "O1", "order_name": "#1", "status": "requested",
            "method": "prepaid_label", "currency": currency, "customer_email": "ana@example.com", "keep_item": False,
            "money_moved": False, "amounts": amounts, "version": 1, "created_at": STAMP, "updated_at": STAMP}


def _line(return_id: str, n: int, reason: ReasonCode) -> dict[str, object]:
    return {"id": f"{return_id}-{n}", "return_id": return_id, "shop_id": "s1", "position": n, "order_line_id": "L1",
            "quantity": 1, "reason": reason.value, "customer_note": "", "resolution": {"kind": "refund"},
            "received_quantity": 0}


def test_returns_held_before_the_migration_get_their_value_and_reasons(db_url: str) -> None:
    engine: Engine = make_engine(db_url)
    try:
        upgrade(engine, "0013")
        with engine.begin() as conn:
            conn.execute(insert(SHOPS).values(id="s1", platform="shopify", address="s1.myshopify.com", currency="EUR",
                                              locale="en", name="", active=True, declared_in_config=False,
                                              created_at=STAMP, updated_at=STAMP))
            conn.execute(insert(RETURNS_0013), [
                _return("R1", _amounts("EUR", "19.90", "5.05")), _return("R2", None),
                _return("R3", _amounts("JPY", "1200"), "JPY"),
            ])
            conn.execute(insert(LINES), [
                _line("R1", 0, ReasonCode.DEFECTIVE), _line("R1", 1, ReasonCode.UNWANTED),
                _line("R1", 2, ReasonCode.DEFECTIVE), _line("R2", 0, ReasonCode.OTHER),
                _line("R3", 0, ReasonCode.COLOUR),
            ])
        upgrade(engine)
        with engine.connect() as conn:
            found = {row.id: (row.value_minor, row.reason_bits)
                     for row in conn.execute(select(returns.c.id, returns.c.value_minor, returns.c.reason_bits))}
        assert found == {
            "R1": (2495, codec.reason_bits([ReasonCode.DEFECTIVE, ReasonCode.UNWANTED])),
            "R2": (None, codec.REASON_BITS[ReasonCode.OTHER]),
            "R3": (1200, codec.REASON_BITS[ReasonCode.COLOUR]),
        }
        with engine.begin() as conn:
            config = alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = conn
            command.downgrade(config, "0013")
        columns = {c["name"] for c in inspect(engine).get_columns("returns")}
        indexes = {i["name"] for i in inspect(engine).get_indexes("returns")}
        assert not {"value_minor", "reason_bits"} & columns
        assert "ix_returns_shop_status" in indexes and "ix_returns_shop_created" not in indexes
    finally:
        engine.dispose()


def test_every_reason_has_a_bit_of_its_own() -> None:
    bits = [codec.REASON_BITS[reason] for reason in ReasonCode]
    assert len(set(bits)) == len(bits) and all(bit & (bit - 1) == 0 for bit in bits)
    assert max(bits) < 2**31  # an INTEGER column on both databases
