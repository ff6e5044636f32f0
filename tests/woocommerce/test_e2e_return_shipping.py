"""End to end over real HTTP: a return's parcel attached to an order of the WooCommerce sandbox shop as a private
note and order meta, asserted from the sandbox's own records (``/__sandbox/orders/<id>``), once even when the
answer is lost and the attachment is made again.

The retry is what the executor does after a lost answer: ``find_return_shipping`` first, then
``attach_return_shipping`` only when nothing was found (``connector/ports.py::AttachesReturnShipping``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from connector.domain.shipments import ShippingAttachment
from connector.errors import OutcomeUnknown
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from tests import factories

sandbox_app = pytest.importorskip("sandboxes.woocommerce.app")
sandbox_shop = pytest.importorskip("sandboxes.woocommerce.shop")

pytestmark = pytest.mark.e2e

KEY, SECRET = "ck_" + "c" * 40, "cs_" + "d" * 40
LABEL = "https://returns.example.com/labels/eyJzIjoic2hvcC0xIn0.sig"


class Shop:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.adapter = WooCommerceAdapter(WooClient(base_url, KEY, SECRET, allow_private=True), shop_id="shop-1")

    def sandbox(self, method: str, path: str, body: Any = None) -> Any:
        answer = requests.request(method, f"{self.base_url}/__sandbox/{path}", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def an_order(self, index: int) -> str:
        return str(self.adapter.client.get("orders", {"per_page": 10, "status": "completed"})[index]["id"])

    def our_notes(self, order_id: str) -> list[dict[str, Any]]:
        notes = self.sandbox("GET", f"orders/{order_id}")["_sandbox"]["notes"]
        return [n for n in notes if "[rc-ship:" in n["note"]]

    def tracking_meta(self, order_id: str) -> list[dict[str, Any]]:
        meta = self.sandbox("GET", f"orders/{order_id}")["meta_data"]
        return [m for m in meta if m["key"].startswith("_returns_connector_tracking_")]


@pytest.fixture
def shop() -> Iterator[Shop]:
    options = sandbox_shop.SandboxOptions(orders=40, seed=7, consumer_key=KEY, consumer_secret=SECRET)
    base_url, stop = sandbox_app.start_in_thread(options)
    try:
        yield Shop(base_url)
    finally:
        stop()


def parcel(order_id: str, return_id: str = "ret_e2e", tracking_number: str = "6A10000000001") -> ShippingAttachment:
    return factories.shipping_attachment(
        return_id=return_id, order_id=order_id, tracking_number=tracking_number, label_url=LABEL
    )


def attach_as_the_executor_does(adapter: WooCommerceAdapter, attachment: ShippingAttachment) -> str:
    return adapter.find_return_shipping(attachment) or adapter.attach_return_shipping(attachment)


def test_the_parcel_lands_on_the_order_once(shop: Shop) -> None:
    order_id = shop.an_order(0)
    attachment = parcel(order_id)
    assert shop.adapter.find_return_shipping(attachment) is None

    first = attach_as_the_executor_does(shop.adapter, attachment)
    again = attach_as_the_executor_does(shop.adapter, attachment)  # the retry finds it
    direct = shop.adapter.attach_return_shipping(attachment)  # even attaching again reuses the note

    assert first == again == direct
    notes = shop.our_notes(order_id)
    assert [str(n["id"]) for n in notes] == [first]
    assert notes[0]["customer_note"] is False  # private: WooCommerce e-mails nobody
    for fact in ("ret_e2e", "colissimo", "6A10000000001", attachment.tracking_url, LABEL):
        assert fact in notes[0]["note"]
    assert shop.tracking_meta(order_id) == [
        {
            "id": shop.tracking_meta(order_id)[0]["id"],
            "key": "_returns_connector_tracking_ret_e2e",
            "value": {
                "return_id": "ret_e2e",
                "carrier": "colissimo",
                "tracking_number": "6A10000000001",
                "tracking_url": attachment.tracking_url,
                "label_url": LABEL,
                "method": "prepaid_label",
                "note_id": first,
            },
        }
    ]


def test_a_lost_note_answer_is_completed_without_a_second_note(shop: Shop) -> None:
    order_id = shop.an_order(1)
    attachment = parcel(order_id)
    faults = {"path_prefixes": [f"/wp-json/wc/v3/orders/{order_id}/notes"], "methods": ["POST"]}
    shop.sandbox("PUT", "faults", {**faults, "timeout_after_write_rate": 1.0})
    with pytest.raises(OutcomeUnknown):
        shop.adapter.attach_return_shipping(attachment)  # the note is saved, its answer never arrives
    shop.sandbox("PUT", "faults", {"timeout_after_write_rate": 0.0, "path_prefixes": [], "methods": []})
    assert len(shop.our_notes(order_id)) == 1 and shop.tracking_meta(order_id) == []

    note_id = attach_as_the_executor_does(shop.adapter, attachment)

    assert [str(n["id"]) for n in shop.our_notes(order_id)] == [note_id]
    assert [m["value"]["note_id"] for m in shop.tracking_meta(order_id)] == [note_id]


def test_two_returns_of_one_order_keep_their_own_parcels(shop: Shop) -> None:
    order_id = shop.an_order(2)
    first = shop.adapter.attach_return_shipping(parcel(order_id, "ret_a", "6A10000000002"))
    second = shop.adapter.attach_return_shipping(parcel(order_id, "ret_b", "6A10000000003"))
    assert first != second
    values = {m["key"]: m["value"]["tracking_number"] for m in shop.tracking_meta(order_id)}
    assert values == {
        "_returns_connector_tracking_ret_a": "6A10000000002",
        "_returns_connector_tracking_ret_b": "6A10000000003",
    }
    assert shop.adapter.find_return_shipping(parcel(order_id, "ret_a", "6A10000000002")) == first
    assert shop.adapter.find_return_shipping(parcel(order_id, "ret_b", "6A10000000002")) is None  # not ret_b's
