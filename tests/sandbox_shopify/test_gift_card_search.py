"""``giftCards(query:)``: how the adapter finds a card it issued before a lost answer (``_find_gift_card``).

Without it in the sandbox, a store credit whose create answer was lost failed for good on the look-up ("Cannot
query field 'giftCards'"), found by the reliability suite with one shop request in five failing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from platforms.shopify import queries
from tests.sandbox_shopify.conftest import Sandbox


def _customer(sandbox: Sandbox, index: int) -> str:
    nodes = sandbox.data("{ orders(first: 5) { nodes { customer { id } } } }")["orders"]["nodes"]
    return str(nodes[index]["customer"]["id"])


def _issue(sandbox: Sandbox, customer: str, note: str) -> str:
    card = {"initialValue": "25.00", "note": note, "customerId": customer, "recipientAttributes": {"id": customer}}
    created = sandbox.data(queries.GIFT_CARD_CREATE, {"input": card})["giftCardCreate"]
    assert created["userErrors"] == []
    return str(created["giftCard"]["id"])


def test_cards_are_found_by_customer_and_creation_date_newest_first(sandbox: Sandbox) -> None:
    ana, bob = _customer(sandbox, 0), _customer(sandbox, 1)
    assert ana != bob
    first = _issue(sandbox, ana, "credit [rc:key-1]")
    second = _issue(sandbox, ana, "credit [rc:key-2]")
    _issue(sandbox, bob, "credit [rc:key-3]")
    today = datetime.now(UTC).date().isoformat()
    legacy = ana.rsplit("/", 1)[1]

    found = sandbox.data(queries.GIFT_CARDS_BY_CUSTOMER, {"query": f"created_at:>={today} customer_id:{legacy}"})
    assert [card["id"] for card in found["giftCards"]["nodes"]] == [second, first]
    assert found["giftCards"]["nodes"][0]["note"] == "credit [rc:key-2]"

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    later = sandbox.data(queries.GIFT_CARDS_BY_CUSTOMER, {"query": f"created_at:>={tomorrow} customer_id:{legacy}"})
    assert later["giftCards"]["nodes"] == []
