"""The Shopify adapter's return shipping (``AttachesReturnShipping``) over stubbed HTTP (``responses``).

Shapes, from Shopify's reference (2026-04, and the published schema every request here is checked against):
https://shopify.dev/docs/api/admin-graphql/latest/mutations/reverseDeliveryCreateWithShipping (arguments
``reverseFulfillmentOrderId``, ``reverseDeliveryLineItems`` — empty: every line at its full quantity —,
``trackingInput`` = .../input-objects/ReverseDeliveryTrackingInput ``{number, url}``, ``labelInput`` =
.../input-objects/ReverseDeliveryLabelInput ``{fileUrl}``, ``notifyCustomer``; payload ``reverseDelivery``,
``userErrors`` = .../objects/ReturnUserError ``{field, message, code}``), and .../objects/ReverseFulfillmentOrder
(``status``, ``reverseDeliveries``), .../objects/ReverseDelivery (``deliverable``: the union's
ReverseDeliveryShippingDeliverable ``{tracking: ReverseDeliveryTrackingV2 {number url carrierName}, label:
ReverseDeliveryLabelV2 {publicFileUrl}}``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import responses

from connector.errors import OutcomeUnknown, PermanentError
from connector.ports import AttachesReturnShipping
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.client import GraphQLClient
from platforms.shopify.errors import ShopifyUserError
from tests import factories
from tests.shopify.helpers import ENDPOINT, SHOP, FakeClock, body_of, gql_ok, operation

RETURN_GID = "gid://shopify/Return/945000960"
RFO_1 = "gid://shopify/ReverseFulfillmentOrder/1001"
RFO_2 = "gid://shopify/ReverseFulfillmentOrder/1002"
ATTACHMENT = factories.shipping_attachment(platform_return_id=RETURN_GID)
LABEL = ATTACHMENT.label_url


@pytest.fixture
def adapter() -> ShopifyAdapter:
    clock = FakeClock()
    client = GraphQLClient(SHOP, lambda: "shpat_test", sleep=clock.sleep, clock=clock, jitter=lambda: 1.0)
    return ShopifyAdapter(SHOP, lambda: "unused", shop_id="shop-1", client=client)


def delivery(gid: str, number: str | None, label: bool = True) -> dict[str, Any]:
    return {
        "id": gid,
        "deliverable": {
            "tracking": {"number": number, "url": None, "carrierName": "Colissimo"} if number else None,
            "label": {"publicFileUrl": "https://cdn.shopify.com/s/files/label.pdf"} if label else None,
        },
    }


def rfo(gid: str, status: str, *deliveries: dict[str, Any]) -> dict[str, Any]:
    return {"id": gid, "status": status, "reverseDeliveries": {"nodes": list(deliveries)}}


def stub_return(*rfos: dict[str, Any]) -> None:
    node = {"id": RETURN_GID, "status": "OPEN", "reverseFulfillmentOrders": {"nodes": list(rfos)}}
    responses.post(ENDPOINT, match=[operation("ReturnReverseDeliveries")], json=gql_ok({"return": node}))


def stub_create(*ids: str) -> None:
    for gid in ids:
        payload = {"reverseDelivery": delivery(gid, ATTACHMENT.tracking_number), "userErrors": []}
        responses.post(
            ENDPOINT,
            match=[operation("ReverseDeliveryCreate")],
            json=gql_ok({"reverseDeliveryCreateWithShipping": payload}),
        )


def creates() -> list[dict[str, Any]]:
    return [
        body_of(c)["variables"] for c in responses.calls if "mutation ReverseDeliveryCreate(" in body_of(c)["query"]
    ]


def test_the_adapter_offers_the_port(adapter: ShopifyAdapter) -> None:
    assert isinstance(adapter, AttachesReturnShipping)


@responses.activate
def test_attach_creates_a_reverse_delivery_with_tracking_and_label(adapter: ShopifyAdapter) -> None:
    stub_return(rfo(RFO_1, "OPEN"))
    stub_create("gid://shopify/ReverseDelivery/77")
    assert adapter.attach_return_shipping(ATTACHMENT) == "gid://shopify/ReverseDelivery/77"
    assert body_of(responses.calls[0])["variables"] == {"id": RETURN_GID}
    assert creates() == [
        {
            "reverseFulfillmentOrderId": RFO_1,
            "reverseDeliveryLineItems": [],
            "trackingInput": {"number": "6A12345678901", "url": ATTACHMENT.tracking_url},
            "labelInput": {"fileUrl": LABEL},
            "notifyCustomer": False,
        }
    ]


@responses.activate
def test_find_matches_the_tracking_number_as_carriers_print_it(adapter: ShopifyAdapter) -> None:
    stub_return(
        rfo(
            RFO_1,
            "OPEN",
            delivery("gid://shopify/ReverseDelivery/5", "1Z999"),
            delivery("gid://shopify/ReverseDelivery/6", "6a 1234 5678 901"),
        )
    )
    assert adapter.find_return_shipping(ATTACHMENT) == "gid://shopify/ReverseDelivery/6"
    assert creates() == []


@responses.activate
def test_find_answers_none_when_nothing_is_attached(adapter: ShopifyAdapter) -> None:
    stub_return(rfo(RFO_1, "OPEN", delivery("gid://shopify/ReverseDelivery/5", "1Z999")))
    assert adapter.find_return_shipping(ATTACHMENT) is None


@responses.activate
def test_a_half_done_attachment_is_completed_not_doubled(adapter: ShopifyAdapter) -> None:
    """Two reverse fulfillment orders (two locations): the first got its delivery before the answer was lost."""
    done = delivery("gid://shopify/ReverseDelivery/8", ATTACHMENT.tracking_number)
    stub_return(rfo(RFO_1, "OPEN", done), rfo(RFO_2, "OPEN"))
    stub_create("gid://shopify/ReverseDelivery/9")
    assert adapter.find_return_shipping(ATTACHMENT) is None  # not complete: the executor attaches again
    assert adapter.attach_return_shipping(ATTACHMENT) == "gid://shopify/ReverseDelivery/8"
    assert [c["reverseFulfillmentOrderId"] for c in creates()] == [RFO_2]


@responses.activate
def test_a_closed_return_keeps_what_it_had_and_takes_nothing_new(adapter: ShopifyAdapter) -> None:
    stub_return(rfo(RFO_1, "CLOSED", delivery("gid://shopify/ReverseDelivery/8", ATTACHMENT.tracking_number)))
    assert adapter.find_return_shipping(ATTACHMENT) == "gid://shopify/ReverseDelivery/8"
    stub_return(rfo(RFO_1, "CLOSED"))
    with pytest.raises(PermanentError, match="no open reverse fulfillment order"):
        adapter.attach_return_shipping(ATTACHMENT)
    assert creates() == []


@responses.activate
def test_a_self_issued_label_has_no_tracking_input_and_is_found_by_its_label(adapter: ShopifyAdapter) -> None:
    label_only = factories.shipping_attachment(platform_return_id=RETURN_GID, carrier="selfissued", tracking_number="")
    stub_return(rfo(RFO_1, "OPEN", delivery("gid://shopify/ReverseDelivery/5", "1Z999")))
    stub_create("gid://shopify/ReverseDelivery/10")
    adapter.attach_return_shipping(label_only)
    assert creates()[0] == {
        "reverseFulfillmentOrderId": RFO_1,
        "reverseDeliveryLineItems": [],
        "labelInput": {"fileUrl": LABEL},
        "notifyCustomer": False,
    }
    stub_return(rfo(RFO_1, "OPEN", delivery("gid://shopify/ReverseDelivery/10", None)))
    assert adapter.find_return_shipping(label_only) == "gid://shopify/ReverseDelivery/10"


@responses.activate
def test_user_errors_fail_for_good_with_shopifys_message(adapter: ShopifyAdapter) -> None:
    stub_return(rfo(RFO_1, "OPEN"))
    refused = {
        "reverseDelivery": None,
        "userErrors": [{"field": ["labelInput", "fileUrl"], "message": "File url is invalid", "code": "INVALID"}],
    }
    responses.post(
        ENDPOINT,
        match=[operation("ReverseDeliveryCreate")],
        json=gql_ok({"reverseDeliveryCreateWithShipping": refused}),
    )
    with pytest.raises(ShopifyUserError, match="File url is invalid") as caught:
        adapter.attach_return_shipping(ATTACHMENT)
    assert isinstance(caught.value, PermanentError) and caught.value.codes == ("INVALID",)


@responses.activate
def test_a_lost_answer_is_an_unknown_outcome_for_the_executor_to_look_for(adapter: ShopifyAdapter) -> None:
    """No idempotency key on this mutation: a 5xx is not retried blindly; the executor calls find first."""
    stub_return(rfo(RFO_1, "OPEN"))
    responses.post(ENDPOINT, match=[operation("ReverseDeliveryCreate")], status=502)
    with pytest.raises(OutcomeUnknown):
        adapter.attach_return_shipping(ATTACHMENT)
    assert len(creates()) == 1


@responses.activate
def test_a_return_not_at_shopify_is_refused_without_a_call(adapter: ShopifyAdapter) -> None:
    with pytest.raises(PermanentError, match="does not exist at Shopify"):
        adapter.attach_return_shipping(dataclasses.replace(ATTACHMENT, platform_return_id=None))
    with pytest.raises(PermanentError):
        adapter.find_return_shipping(dataclasses.replace(ATTACHMENT, platform_return_id=None))
    assert len(responses.calls) == 0
