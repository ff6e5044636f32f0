"""A relay point takes only its own network's parcels: the portal offers the points of the networks the shop's
Sendcloud account ships relay returns with (``relay_option_codes``), never another's, and the label made for the
point the customer chose uses that point's network's option, as the sandbox carrier's own record shows.

Near 75011 the sandbox carrier seeds Mondial Relay, Colissimo and (near 75002, within the search's 10 km)
Chronopost points; this shop ships relay returns with Mondial Relay and Colissimo only.
"""

from __future__ import annotations

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.actions import ActionKind
from connector.store.actions_repo import ActionState
from sandboxes.carrier.points import POSTCODES, distance_m, seed_points
from tests.portal_logistics.conftest import sendcloud_account, use_carrier
from tests.portal_logistics.flow import choose_method, post_form, radio_values
from tests.portal_logistics.test_confirm_logistics import confirm, opened, run

pytestmark = pytest.mark.e2e
SHIPPABLE = {"mondial_relay": "mondial_relay:return/dropoff", "colissimo": "colissimo:return/relay"}
CARRIER_OF = {str(point.id): point.carrier for point in seed_points()}


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "relay-networks-test-key")


@pytest.fixture(autouse=True)
def _shippable_only(container: Container, carrier_url: str) -> None:
    use_carrier(container, sendcloud_account(carrier_url, relay_option_codes=SHIPPABLE))


def near_75011(networks: set[str]) -> list[str]:
    """The seeded points of ``networks`` within the search's 10 km of 75011, nearest first, ten at most: the
    sandbox's own geometry as the oracle."""
    _city, lat, lon = POSTCODES["75011"]
    points = [p for p in seed_points() if p.carrier in networks]
    found = sorted((distance_m(lat, lon, p.latitude, p.longitude), p.id) for p in points)
    return [str(point_id) for metres, point_id in found if metres <= 10_000][:10]


def test_the_portal_lists_only_the_points_of_networks_the_shop_ships_with(app: Flask, client: FlaskClient) -> None:
    every = near_75011({"mondial_relay", "colissimo", "chronopost"})
    assert any(CARRIER_OF[point] == "chronopost" for point in every)  # a search of every network would list them

    page = client.get(choose_method(app, client, "relay_point")).get_data(as_text=True)

    offered = radio_values(page, "point")
    assert offered == near_75011(set(SHIPPABLE))
    assert {CARRIER_OF[point] for point in offered} == set(SHIPPABLE)


@pytest.mark.parametrize("network", ["colissimo", "mondial_relay"])
def test_the_label_uses_the_option_of_the_chosen_points_network(
    container: Container, app: Flask, client: FlaskClient, carrier_url: str, network: str
) -> None:
    page = client.get(choose_method(app, client, "relay_point")).get_data(as_text=True)
    chosen = next(point for point in radio_values(page, "point") if CARRIER_OF[point] == network)
    status, _answer, review = post_form(client, page, point=chosen)
    assert status == 303
    confirm(client, review)
    return_id = opened(container)

    assert run(container, return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED

    made = requests.get(f"{carrier_url}/__sandbox/returns", params={"external_reference": f"ret:{return_id}:label"},
                        timeout=10).json()  # fmt: skip
    assert len(made) == 1
    assert made[0]["shipping_option"]["code"] == SHIPPABLE[network]
    assert made[0]["delivery_option"] == "drop_off_point"
