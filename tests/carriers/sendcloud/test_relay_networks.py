"""A relay point takes only its own network's parcels: the points searched are those of the networks the shop
ships relay returns with, and a relay return's label uses the option of the chosen point's network.

Docs: Retrieve a list of service points, https://sendcloud.dev/api/v3/service-points/retrieve-a-list-of-service-points
(OAS ``sendcloud-v3-service-points-openapi.yml`` ``sc-public-v3-servicepoints-get-list_service_points``: "A carrier
scope must always be provided", ``carrier_code`` repeated, each result's ``carrier.code``); Retrieve a service
point, https://sendcloud.dev/api/v3/service-points/retrieve-a-service-point (``…-get-service_point``, examples
``ServicePointDetail`` and ``ServicePointNotFound``); Create a return, https://sendcloud.dev/api/v3/returns/create-a-return
(``CreateReturn``: ``ship_with`` with a ``shipping_option_code``, ``delivery_option``; no service point field);
option codes ``<carrier>:<product>/...``, https://sendcloud.dev/api/v3/shipping-options.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
import responses

from carriers.sendcloud.relay import DROP_OFF, LABELLESS, RelayNetworks, RelayOption, network_of
from carriers.sendcloud.settings import SendcloudSettings
from connector.domain.shipping import CarrierCapability, LabelRequest, PaperSize, ServicePointQuery
from connector.errors import ConfigError, PermanentError
from tests.carriers.sendcloud import oas
from tests.carriers.sendcloud.fixtures import (
    POINTS,
    RETURNS,
    V3,
    carrier,
    documented_return,
    label_request,
    validate_sent,
)

LIST = "/service-points"
ONE = "/service-points/{service_point_id}"
CREATED = oas.example(RETURNS, "/returns", "post", "201")
RELAYS = {"postnl": "postnl:standard/return", "dhl": "dhl:return/dropoff"}


def relay_request(point: str | None = None, network: str | None = None, **changes: Any) -> LabelRequest:
    return replace(label_request("relay_point"), service_point_id=point, service_point_carrier=network, **changes)


def sent_body(index: int = 0) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(responses.calls[index].request.body or b"")
    return body


def made(rsps: responses.RequestsMock) -> None:
    rsps.post(f"{V3}/returns", json=CREATED, status=201)
    rsps.get(f"{V3}/returns/12345", json=documented_return())
    rsps.get(f"{V3}/parcels/7/documents/label", body=b"%PDF-1.4 a label", content_type="application/pdf")


# -- the shop's relay networks (options) ---------------------------------------------------------------------------


def test_relay_option_codes_name_the_networks_in_the_shops_order() -> None:
    networks = RelayNetworks.from_section({
        "option_code": "colissimo:return/dropoff", "labelless_option_code": "mondial_relay:return/labelless",
        "relay_option_codes": {"mondial_relay": "mondial_relay:return/labelless",
                               "colissimo": "colissimo:return/relay"},
    })

    assert networks.networks == ("mondial_relay", "colissimo")  # the table is the whole list
    assert networks.for_network("mondial_relay") == RelayOption("mondial_relay:return/labelless", LABELLESS)
    assert networks.for_network("colissimo") == RelayOption("colissimo:return/relay", DROP_OFF)
    assert networks.for_network("chronopost") is None
    assert networks.default() == RelayOption("mondial_relay:return/labelless", LABELLESS)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"option_code": "colissimo:return/dropoff"}, {"colissimo": RelayOption("colissimo:return/dropoff")}),
        ({"option_code": "colissimo:return/dropoff", "labelless_option_code": "mondial_relay:return/qr"},
         {"mondial_relay": RelayOption("mondial_relay:return/qr", LABELLESS)}),
        ({"option_code": "colissimo:return/dropoff", "labelless_option_code": "dpd:return/qr",
          "option_codes": {"relay_point": "mondial_relay:return/dropoff"}},
         {"mondial_relay": RelayOption("mondial_relay:return/dropoff")}),
        ({"option_code": "a-code-naming-no-carrier"}, {}),
        ({}, {}),
    ],
    ids=["option_code", "labelless", "option_codes.relay_point", "no-carrier-in-code", "nothing"],
)
def test_without_the_table_the_single_relay_option_serves_its_own_network(
    section: dict[str, Any], expected: dict[str, RelayOption]
) -> None:
    assert dict(RelayNetworks.from_section(section).options) == expected


def test_relay_points_are_declared_only_with_a_relay_network() -> None:
    assert CarrierCapability.SERVICE_POINTS in carrier().capabilities  # dpd:return/return: DPD's points
    bare = SendcloudSettings.from_section({"pickup_option_code": "dpd:return/pickup"})
    assert CarrierCapability.SERVICE_POINTS not in bare.capabilities()
    assert network_of("mondial_relay:return/dropoff") == "mondial_relay" and network_of("return") == ""


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("mondial_relay:return/dropoff", "must be a table"),
        ({"Mondial Relay": "mondial_relay:return/dropoff"}, "'Mondial Relay' is not a carrier code"),
        ({"colissimo": ""}, "relay_option_codes.colissimo must be a shipping_option_code"),
        ({"colissimo": 42}, "relay_option_codes.colissimo must be a shipping_option_code"),
    ],
)
def test_a_relay_table_that_does_not_read_is_a_config_error_naming_the_entry(table: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SendcloudSettings.from_section({"relay_option_codes": table})


# -- the search asks for the shop's networks only ------------------------------------------------------------------


@responses.activate
def test_the_search_asks_for_the_shops_networks_and_lists_no_other(caplog: pytest.LogCaptureFixture) -> None:
    # OAS: "A carrier scope must always be provided"; "returned service points may belong to a different carrier
    # than the one that was requested" -> a point of a network the shop cannot ship with is left out.
    responses.get(f"{V3}/service-points", json=oas.example(POINTS, LIST, "get", "200", "ServicePointList"))
    adapter = carrier(relay_option_codes={"postnl": "postnl:standard/return"})

    points = adapter.find_service_points(ServicePointQuery(country="NL", postal_code="5611 EM"))

    assert [(p.id, p.carrier) for p in points] == [("1000002", "postnl")]  # 1000001 is DHL's
    url = responses.calls[0].request.url or ""
    assert "carrier_code=postnl" in url and "use_integration_carriers" not in url and "dhl" not in url
    assert "dhl" in caplog.text and "left out" in caplog.text
    assert validate_sent(responses.mock) == [POINTS]


@responses.activate
def test_a_query_naming_its_carriers_is_answered_as_asked() -> None:
    responses.get(f"{V3}/service-points", json=oas.example(POINTS, LIST, "get", "200", "ServicePointList"))

    points = carrier().find_service_points(ServicePointQuery(country="NL", postal_code="5611 EM", carriers=("dhl",)))

    assert [p.carrier for p in points] == ["dhl", "postnl"]
    assert "carrier_code=dhl" in (responses.calls[0].request.url or "")


@responses.activate
def test_a_shop_with_no_relay_network_searches_nothing() -> None:
    adapter = carrier(option_code="", pickup_option_code="dpd:return/pickup")

    assert adapter.find_service_points(ServicePointQuery(country="FR", postal_code="75011")) == []
    assert CarrierCapability.SERVICE_POINTS not in adapter.capabilities
    assert len(responses.calls) == 0


# -- the label goes with the chosen point's network ----------------------------------------------------------------


@responses.activate
@pytest.mark.parametrize(("point", "network"), [("1000002", "postnl"), ("1000001", "dhl")])
def test_the_label_uses_the_option_of_the_chosen_points_network(point: str, network: str) -> None:
    made(responses.mock)

    label = carrier(relay_option_codes=RELAYS).create_return_label(relay_request(point, network), (PaperSize.A6,))

    body = sent_body()
    assert body["ship_with"] == {"type": "shipping_option_code", "shipping_option_code": RELAYS[network],
                                 "contract": 123456}
    assert body["delivery_option"] == "drop_off_point"
    assert not any("service_point" in key for key in body)  # CreateReturn has no field for the point
    assert label.carrier_ref == "12345"
    assert validate_sent(responses.mock)[0] == RETURNS


@responses.activate
def test_a_point_without_its_network_is_looked_up_by_id() -> None:
    # OAS get-service_point 200 example ServicePointDetail: id 1000002, carrier.code postnl.
    responses.get(f"{V3}/service-points/1000002", json=oas.example(POINTS, ONE, "get", "200", "ServicePointDetail"))
    made(responses.mock)

    carrier(relay_option_codes=RELAYS).create_return_label(relay_request("1000002"), (PaperSize.A6,))

    assert responses.calls[0].request.url == f"{V3}/service-points/1000002"
    assert sent_body(1)["ship_with"]["shipping_option_code"] == "postnl:standard/return"
    assert validate_sent(responses.mock)[:2] == [POINTS, RETURNS]


@responses.activate
def test_a_point_of_a_network_the_shop_cannot_ship_with_is_refused_before_any_return() -> None:
    adapter = carrier(relay_option_codes=RELAYS)

    with pytest.raises(PermanentError, match=r"relay point 77 is a chronopost point.*postnl, dhl only"):
        adapter.create_return_label(relay_request("77", "chronopost"), (PaperSize.A6,))
    assert len(responses.calls) == 0  # no return made at Sendcloud


@responses.activate
def test_an_unknown_point_is_refused_before_any_return() -> None:
    # OAS get-service_point 404 example ServicePointNotFound ({"errors": [...]}).
    missing = oas.example(POINTS, ONE, "get", "404", "ServicePointNotFound")
    responses.get(f"{V3}/service-points/999", json=missing, status=404)

    with pytest.raises(PermanentError, match="no service point 999"):
        carrier(relay_option_codes=RELAYS).create_return_label(relay_request("999"), (PaperSize.A6,))
    assert [call.request.method for call in responses.calls] == ["GET"]
    validate_sent(responses.mock)


def test_the_single_relay_option_serves_only_its_own_network() -> None:
    # Without relay_option_codes, as before: option_code "dpd:return/return" is DPD's, for DPD's points only.
    adapter = carrier()

    assert adapter.return_body(relay_request("5", "dpd"))["ship_with"]["shipping_option_code"] == "dpd:return/return"
    with pytest.raises(PermanentError, match="is a mondial_relay point, and this shop ships relay returns with dpd"):
        adapter.return_body(relay_request("5", "mondial_relay"))


def test_no_point_chosen_goes_with_the_first_network_and_an_asked_option_serves_its_own() -> None:
    adapter = carrier(relay_option_codes=RELAYS)

    assert adapter.return_body(relay_request())["ship_with"]["shipping_option_code"] == "postnl:standard/return"
    asked = relay_request("5", "colissimo", option_code="colissimo:return/dropoff")
    assert adapter.return_body(asked)["ship_with"]["shipping_option_code"] == "colissimo:return/dropoff"
    with pytest.raises(PermanentError, match="colissimo point"):
        adapter.return_body(relay_request("5", "colissimo", option_code="mondial_relay:return/dropoff"))

