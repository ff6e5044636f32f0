"""End to end over real HTTP: a return's label and tracking attached to the Shopify sandbox shop as a reverse
delivery, asserted from the sandbox's own records (``/__sandbox/returns``), once even when attached again.

The retry is what the executor does after a lost answer: ``find_return_shipping`` first, then
``attach_return_shipping`` only when nothing was found (``connector/ports.py::AttachesReturnShipping``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from connector.domain.shipments import ShippingAttachment
from platforms.shopify.adapter import ShopifyAdapter
from tests import factories
from tests.shopify.test_e2e_sandbox import fulfilled_order, request_return

sandbox = pytest.importorskip("sandboxes.shopify.cli", reason="the Shopify sandbox has not landed")
options_module = pytest.importorskip("sandboxes.shopify.options")

pytestmark = pytest.mark.e2e

LABEL = "https://returns.example.com/labels/eyJzIjoic2hvcC1lMmUifQ.sig"


class Shop:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.adapter = ShopifyAdapter(
            "sandbox-shop.myshopify.com", lambda: "shpat_sandbox", shop_id="shop-e2e", base_url=base_url
        )

    def shop_return(self, return_gid: str) -> dict[str, Any]:
        answer = requests.get(f"{self.base_url}/__sandbox/returns", timeout=5)
        answer.raise_for_status()
        return next(r for r in answer.json() if r["id"] == return_gid)

    def approved_return(self) -> str:
        order = fulfilled_order(self.adapter)
        return_gid, _ = request_return(self.adapter, order)
        self.adapter.approve_return(self.adapter.fetch_return(return_gid))
        return return_gid


@pytest.fixture(scope="module")
def shop() -> Iterator[Shop]:
    base_url, stop = sandbox.start_in_thread(options_module.SandboxOptions(orders=30))
    try:
        yield Shop(base_url)
    finally:
        stop()


def attachment(return_gid: str, tracking_number: str) -> ShippingAttachment:
    return factories.shipping_attachment(
        return_id="ret_e2e", platform_return_id=return_gid, tracking_number=tracking_number, label_url=LABEL
    )


def attach_as_the_executor_does(adapter: ShopifyAdapter, parcel: ShippingAttachment) -> str:
    return adapter.find_return_shipping(parcel) or adapter.attach_return_shipping(parcel)


def test_the_parcel_lands_on_the_return_once(shop: Shop) -> None:
    return_gid = shop.approved_return()
    parcel = attachment(return_gid, "6A10000000001")
    assert shop.adapter.find_return_shipping(parcel) is None

    first = attach_as_the_executor_does(shop.adapter, parcel)
    again = attach_as_the_executor_does(shop.adapter, parcel)  # the retry after a lost answer finds it
    direct = shop.adapter.attach_return_shipping(parcel)  # even attaching again skips the one there

    assert first == again == direct
    deliveries = shop.shop_return(return_gid)["reverse_deliveries"]
    assert len(deliveries) == 1
    recorded = deliveries[0]
    assert recorded["id"] == first
    assert recorded["tracking_number"] == "6A10000000001"
    assert recorded["tracking_url"] == parcel.tracking_url
    assert recorded["label_url"] == LABEL
    assert recorded["notify_customer"] is False
    assert recorded["lines"] and all(line["quantity"] >= 1 for line in recorded["lines"])  # every line


def test_a_new_label_is_a_second_delivery_and_each_is_found_by_its_number(shop: Shop) -> None:
    return_gid = shop.approved_return()
    first = shop.adapter.attach_return_shipping(attachment(return_gid, "6A10000000002"))
    second = shop.adapter.attach_return_shipping(attachment(return_gid, "6A10000000003"))
    assert first != second
    assert shop.adapter.find_return_shipping(attachment(return_gid, "6a 1000 0000 002")) == first
    numbers = [d["tracking_number"] for d in shop.shop_return(return_gid)["reverse_deliveries"]]
    assert numbers == ["6A10000000002", "6A10000000003"]
