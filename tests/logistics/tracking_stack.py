"""A small real stack for the tracking tests: the connector's served app (``wiring.create_app``) and the sandbox
carrier, each over real HTTP in a thread, the carrier pushing signed webhooks to the app's
``/carriers/sendcloud/tracking/<shop>``; the shop is the in-memory ``FakeShop`` (its refunds are its records).

The return's label is made at the sandbox through the Sendcloud adapter the connector itself builds for the shop
(``Container.carrier_for`` from the stored carrier account, credentials from environment variables), and its
shipment stored directly, so these tests need no label job. ``work()`` runs the outbox's jobs in this process
through the same task functions the RQ worker runs (``connector.jobs.queue.TASKS``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.carrier_settings import ShopCarrier
from connector.config.model import Config, QueueSettings
from connector.domain import Platform, ReturnMethod
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.shipping import LabelRequest, PaperSize, Parcel, PostalAddress, TrackingStatus
from connector.jobs.queue import TASKS
from connector.jobs.runtime import use_container
from connector.policy import Decision, Policy
from connector.policy.model import Amounts
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.crypto import CredentialCipher
from sandboxes.carrier.app import start_in_thread as start_carrier
from sandboxes.carrier.carrier import CarrierOptions
from sandboxes.kit.serving import start_in_thread
from tests.factories import CUSTOMER, NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop
from wiring.app import create_app

SHOP = "shop-a"
PUBLIC, SECRET = "pk-tracking", "sk-tracking"
ENV = {"public_key": "TRACKING_TEST_SC_PUBLIC", "secret_key": "TRACKING_TEST_SC_SECRET"}
CUSTOMER_ADDRESS = PostalAddress("Ana Client", "Rue de la Roquette", "75011", "Paris", "FR", house_number="5")
WAREHOUSE = PostalAddress("Entrepôt Retours", "ZA des Gones", "69007", "Lyon", "FR", house_number="12")


class Clock:
    """The connector's clock: fixed (the factories' orders are dated around it), moved by the tests."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class TrackingStack:
    container: Container
    shop: FakeShop
    app_url: str
    carrier_url: str
    clock: Clock

    @property
    def hook_url(self) -> str:
        return f"{self.app_url}/carriers/sendcloud/tracking/{SHOP}"

    def sandbox(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = requests.request(method, f"{self.carrier_url}/__sandbox/{path}", timeout=30, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def label_return(self, quantity: int = 1, tracking_hooks: bool = True) -> tuple[str, Shipment]:
        """An approved return with its label made at the carrier and its shipment stored, webhooks pointed at us.

        Where approval plans the label job (``connector.services.shipments``), that job makes it; otherwise the
        label is made here through the shop's own Sendcloud adapter and the shipment stored directly."""
        if tracking_hooks:
            self.sandbox("PUT", "webhooks", json={"url": self.hook_url, "secret": SECRET})
        outcome = ReturnService(self.container).open_return(
            SHOP, "O1", [LineInput("L1", quantity, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())],
            ReturnMethod.PREPAID_LABEL, CUSTOMER,
        )
        return_id = outcome.request.id
        with self.container.uow() as uow:
            planned = uow.shipments(SHOP).for_return(return_id)
        if planned is None:
            self._make_label(return_id)
        else:
            self.work()
        self.sandbox("POST", "webhooks/flush")
        shipment = self.shipment(f"shp_{return_id}")
        assert shipment.has_label and shipment.tracking_number
        return return_id, shipment

    def _make_label(self, return_id: str) -> None:
        key = f"ret:{return_id}:label"
        with self.container.uow() as uow:
            carrier = self.container.carrier_for(uow, uow.shops.get(SHOP))
        assert carrier is not None
        label = carrier.create_return_label(
            LabelRequest(return_id, key, CUSTOMER_ADDRESS, WAREHOUSE, Parcel(400), "prepaid_label"), (PaperSize.A6,)
        )
        self.sandbox("POST", "webhooks/flush")  # the announcement arrives before the shipment is stored: dropped
        shipment = Shipment(f"shp_{return_id}", SHOP, return_id, "sendcloud", "prepaid_label", key,
                            status=TrackingStatus.AWAITING_DROPOFF, carrier_ref=label.carrier_ref,
                            tracking_number=label.tracking_number, tracking_url=label.tracking_url)
        with self.container.uow() as uow:
            uow.shipments(SHOP).add(shipment, self.clock())
            uow.commit()

    def advance(self, shipment: Shipment, **body: Any) -> list[int]:
        """Play the carrier's next scripted steps (``steps=n``) or a status (``status=80``); each webhook is
        answered before this returns."""
        played = self.sandbox("POST", f"returns/{shipment.carrier_ref}/advance", json=body or {"steps": 1})
        return list(played["played"])

    def deliveries(self) -> list[dict[str, Any]]:
        return list(self.sandbox("GET", "webhooks/deliveries"))

    def work(self, rounds: int = 10) -> list[Any]:
        """Run every due outbox job (tracking, polls, actions), as the worker would, until none is left."""
        results: list[Any] = []
        for _ in range(rounds):
            with self.container.uow() as uow:
                rows = uow.outbox.claim_due(timedelta(minutes=5), now=self.clock())
                uow.commit()
            if not rows:
                return results
            for row in rows:
                module, name = TASKS[row.job].rsplit(".", 1)
                results.append(getattr(importlib.import_module(module), name)(row.shop_id, row.ref_id, row.id))
        return results

    def stored(self, return_id: str) -> ReturnRequest:
        with self.container.uow() as uow:
            found = uow.returns(SHOP).get(return_id)
        assert found is not None
        return found

    def shipment(self, shipment_id: str) -> Shipment:
        with self.container.uow() as uow:
            found = uow.shipments(SHOP).get(shipment_id)
        assert found is not None
        return found


StackFactory = Callable[..., TrackingStack]


@contextmanager
def tracking_stack(engine: Engine, monkeypatch: pytest.MonkeyPatch, *, refund_on_first_scan: bool = False,
                   first_scan_max: str | None = None) -> Iterator[TrackingStack]:  # fmt: skip
    """The stack over ``engine``; ``first_scan_max`` is the policy's cap in EUR, ``refund_on_first_scan`` the
    carrier account's option."""
    monkeypatch.setenv(ENV["public_key"], PUBLIC)
    monkeypatch.setenv(ENV["secret_key"], SECRET)
    source = replace(order(order_line("L1", ordered=6, fulfilled=6)), shipping_address=CUSTOMER_ADDRESS)
    shop = FakeShop(orders={"O1": source})
    clock = Clock()
    config = replace(Config(), queue=QueueSettings(max_attempts=3, backoff_base_seconds=1, backoff_max_seconds=2))
    container = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=clock,
                          adapter_factory=lambda _c, _shop, _creds: FakeAdapter(shop))  # fmt: skip
    container.__dict__["engine"] = engine
    carrier_url, _carrier_app, stop_carrier = start_carrier(CarrierOptions(public_key=PUBLIC, secret_key=SECRET))
    caps = None if first_scan_max is None else Amounts({"EUR": Decimal(first_scan_max)})
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP,
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        set_policy(uow, SHOP, Policy(name="approve all", default_action=Decision.APPROVE,
                                     refund_on_first_scan_max=caps))  # fmt: skip
        settings = {"options": {"base_url": f"{carrier_url}/api", "option_code": "colissimo:return/dropoff",
                                "announce_polls": 1},
                    "return_address": {"name": WAREHOUSE.name, "street": WAREHOUSE.street,
                                       "postal_code": WAREHOUSE.postal_code, "city": WAREHOUSE.city,
                                       "country": WAREHOUSE.country},
                    "refund_on_first_scan": refund_on_first_scan}  # fmt: skip
        uow.carriers(SHOP).put(ShopCarrier("sendcloud", settings, ENV), NOW)
        uow.commit()
    app_url, stop_app = start_in_thread(create_app(container=container), name="connector-tracking")
    use_container(container)
    try:
        yield TrackingStack(container, shop, app_url, carrier_url, clock)
    finally:
        use_container(None)
        stop_app()
        stop_carrier()
