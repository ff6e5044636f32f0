"""The WooCommerce adapter's return shipping (``AttachesReturnShipping``) over stubbed HTTP (``responses``).

Shapes from the REST API v3 reference (https://woocommerce.github.io/woocommerce-rest-api-docs/, source
``woocommerce-rest-api-docs/source/includes/wp-api-v3/``): order notes (``_order-notes.md``: ``POST
/orders/<id>/notes {note, customer_note}`` answers ``{id, author, date_created, date_created_gmt, note,
customer_note}``; ``GET /orders/<id>/notes?type=any|customer|internal`` lists them, no pages) and orders
(``_orders.md``: ``PUT /orders/<id>`` with ``meta_data: [{key, value}]``; the order's ``meta_data`` answers
``[{id, key, value}]``). Code: ``Version2/class-wc-rest-orders-v2-controller.php`` updates each meta with
``update_meta_data(key, value, id)``, replacing the key's value when no id is given.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from responses import matchers

from connector.errors import OutcomeUnknown
from connector.ports import AttachesReturnShipping
from platforms.woocommerce.adapter import WooCommerceAdapter
from tests import factories
from tests.woocommerce.conftest import API, dump, order

ATTACHMENT = factories.shipping_attachment()
LABEL = ATTACHMENT.label_url
KEY = "_returns_connector_tracking_ret_42"
MARKER = "[rc-ship:ret_42:6A12345678901]"


def note(note_id: int, text: str, customer: bool = False) -> dict[str, Any]:
    return {
        "id": note_id,
        "author": "WooCommerce",
        "date_created": "2026-03-10T10:00:00",
        "date_created_gmt": "2026-03-10T10:00:00",
        "note": text,
        "customer_note": customer,
    }


def stub_notes(rsps: responses.RequestsMock, *notes: dict[str, Any]) -> None:
    rsps.get(f"{API}/orders/727/notes", json=list(notes), match=[matchers.query_param_matcher({"type": "internal"})])


def stub_put(rsps: responses.RequestsMock) -> Any:
    return rsps.put(f"{API}/orders/727", body=dump(order(date_modified_gmt="2026-03-10T10:00:01")))


def test_the_adapter_offers_the_port(adapter: WooCommerceAdapter) -> None:
    assert isinstance(adapter, AttachesReturnShipping)


def test_attach_writes_a_private_note_then_the_meta_naming_it(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    stub_notes(rsps, note(400, "Order status changed from Pending payment to Processing."))
    posted = rsps.post(f"{API}/orders/727/notes", json=note(501, "..."), status=201)
    put = stub_put(rsps)
    assert adapter.attach_return_shipping(ATTACHMENT) == "501"
    body = json.loads(posted.calls[0].request.body)
    assert body["customer_note"] is False and set(body) == {"note", "customer_note"}
    assert body["note"].splitlines() == [
        "Return ret_42: return parcel with colissimo.",
        "Tracking number: 6A12345678901",
        f"Tracking: {ATTACHMENT.tracking_url}",
        f"Label: {LABEL}",
        MARKER,
    ]
    assert json.loads(put.calls[0].request.body) == {
        "meta_data": [
            {
                "key": KEY,
                "value": {
                    "return_id": "ret_42",
                    "carrier": "colissimo",
                    "tracking_number": "6A12345678901",
                    "tracking_url": ATTACHMENT.tracking_url,
                    "label_url": LABEL,
                    "method": "prepaid_label",
                    "note_id": "501",
                },
            }
        ]
    }
    assert adapter.echoes.matches("727", "2026-03-10T10:00:01")  # our own order.updated is not news


def test_a_note_already_written_is_reused_when_the_meta_was_lost(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    stub_notes(rsps, note(501, f"Return ret_42: return parcel with colissimo.\n{MARKER}"))
    posted = rsps.post(f"{API}/orders/727/notes", json=note(502, "..."), status=201)
    put = stub_put(rsps)
    assert adapter.attach_return_shipping(ATTACHMENT) == "501"
    assert posted.call_count == 0
    assert json.loads(put.calls[0].request.body)["meta_data"][0]["value"]["note_id"] == "501"


@pytest.mark.parametrize(
    ("meta", "found"),
    [
        ([{"id": 9, "key": KEY, "value": {"tracking_number": "6a 1234 5678 901", "note_id": "501"}}], "501"),
        ([{"id": 9, "key": KEY, "value": {"tracking_number": "1Z999", "note_id": "300"}}], None),  # an older label
        ([{"id": 9, "key": "_returns_connector_tracking_ret_7", "value": {"tracking_number": "6A12345678901"}}], None),
        ([], None),
    ],
)
def test_find_reads_this_returns_meta_for_its_tracking_number(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock, meta: list[dict[str, Any]], found: str | None
) -> None:
    read = rsps.get(f"{API}/orders/727", json={"id": 727, "meta_data": meta})
    assert adapter.find_return_shipping(ATTACHMENT) == found
    assert read.calls[0].request.params == {"_fields": "id,meta_data"}


def test_a_self_issued_label_says_there_is_no_tracking(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    label_only = factories.shipping_attachment(carrier="selfissued", tracking_number="")
    stub_notes(rsps)
    posted = rsps.post(f"{API}/orders/727/notes", json=note(503, "..."), status=201)
    stub_put(rsps)
    adapter.attach_return_shipping(label_only)
    text = json.loads(posted.calls[0].request.body)["note"]
    assert "No tracking" in text and text.endswith("[rc-ship:ret_42:-]") and "Tracking:" not in text
    rsps.get(f"{API}/orders/727", json={"id": 727, "meta_data": [{"key": KEY, "value": {"note_id": "503"}}]})
    assert adapter.find_return_shipping(label_only) == "503"


def test_wordpress_dying_during_the_meta_write_is_an_unknown_outcome(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    stub_notes(rsps)
    rsps.post(f"{API}/orders/727/notes", json=note(501, "..."), status=201)
    fatal = {"code": "internal_server_error", "message": "There has been a critical error.", "data": {"status": 500}}
    rsps.put(f"{API}/orders/727", json=fatal, status=500)
    with pytest.raises(OutcomeUnknown):
        adapter.attach_return_shipping(ATTACHMENT)
