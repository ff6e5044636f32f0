"""A shop for the label job's tests: the real store (SQLite or PostgreSQL), an in-memory shop behind the adapter
port that can show return shipping in its admin, and a carrier account stored as ``carriers add`` stores it,
its adapter built by the container from that account (the real Sendcloud adapter against the sandbox carrier
over HTTP, or the self-issued carrier)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.carrier_settings import ShopCarrier
from connector.config.model import AppSettings, Config, QueueSettings
from connector.domain import Platform, ReturnMethod
from connector.domain.actions import ActionKind
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.domain.shipments import Shipment, ShippingAttachment
from connector.domain.shipping import PostalAddress
from connector.pages.keys import portal_keys
from connector.pages.labels import PageLabelTexts
from connector.pages.signed import PortalSigner
from connector.policy import Decision, Policy
from connector.services.executor import ActionExecutor
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.services.shipments import LogisticsChoice
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.crypto import CredentialCipher
from sandboxes.carrier.app import start_in_thread
from sandboxes.carrier.carrier import CarrierOptions
from tests.factories import CUSTOMER, NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-l"
OTHER_SHOP = "shop-m"
PUBLIC, SECRET = "pk-label-test", "sk-label-test"
BASE_URL = "https://returns.example.com"
CUSTOMER_ADDRESS = PostalAddress("Élodie Martin", "12 rue des Lilas", "69003", "Lyon", "FR", phone="+33400000000")
WAREHOUSE = {"name": "Entrepôt Retours", "company": "Maison Lumen", "street": "ZA des Gones", "house_number": "12",
             "postal_code": "69007", "city": "Lyon", "country": "FR"}  # fmt: skip


class Clock:
    """The shop's time: the factories' ``NOW``, when the order's items were delivered five days ago."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def travel(self, delta: timedelta) -> None:
        self.now += delta


class ShowingShop(FakeAdapter):
    """An in-memory shop whose admin shows a return's label and tracking (``AttachesReturnShipping``)."""

    def __init__(self, shop: FakeShop) -> None:
        super().__init__(shop)
        self.attached: dict[str, ShippingAttachment] = {}

    def attach_return_shipping(self, attachment: ShippingAttachment) -> str:
        self.shop.calls.append("attach_return_shipping")
        note_id = f"note-{len(self.attached) + 1}"
        self.attached[note_id] = attachment
        return note_id

    def find_return_shipping(self, attachment: ShippingAttachment) -> str | None:
        return next((k for k, a in self.attached.items() if a.return_id == attachment.return_id), None)


@dataclass
class Bench:
    container: Container
    clock: Clock
    shop: FakeShop
    adapter: ShowingShop
    carrier_url: str = ""
    executor: ActionExecutor = field(init=False)

    def __post_init__(self) -> None:
        self.executor = ActionExecutor(self.container)

    def sandbox(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = requests.request(method, f"{self.carrier_url}/__sandbox/{path}", timeout=15, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def carrier_returns(self, return_id: str) -> list[dict[str, Any]]:
        """The sandbox carrier's own records of the return's label (made with our key)."""
        return list(self.sandbox("GET", "returns", params={"external_reference": f"ret:{return_id}:label"}))

    def open(self, method: ReturnMethod = ReturnMethod.PREPAID_LABEL, choice: LogisticsChoice | None = None) -> str:
        outcome = ReturnService(self.container).open_return(
            SHOP, "O1", [LineInput("L1", 1, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())], method, CUSTOMER,
            logistics=choice,
        )  # fmt: skip
        return outcome.request.id

    def actions(self, return_id: str, kind: ActionKind | None = None) -> list[ActionRecord]:
        with self.container.uow() as uow:
            found = uow.actions(SHOP).for_return(return_id)
        return [a for a in found if kind is None or a.kind is kind]

    def action(self, return_id: str, kind: ActionKind) -> ActionRecord:
        (found,) = self.actions(return_id, kind)
        return found

    def run(self, return_id: str, kind: ActionKind) -> ActionState | None:
        return self.executor.run(SHOP, self.action(return_id, kind).id)

    def shipment(self, return_id: str) -> Shipment:
        with self.container.uow() as uow:
            found = uow.shipments(SHOP).for_return(return_id)
        assert found is not None
        return found

    def document(self, shipment_id: str, kind: str, size: str) -> bytes | None:
        with self.container.uow() as uow:
            return uow.shipments(SHOP).document(shipment_id, kind, size)

    def history(self, return_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        with self.container.uow() as uow:
            request = uow.returns(SHOP).get(return_id)
        assert request is not None
        return [(event.action, event.reason, dict(event.data)) for event in request.events]


def sendcloud_settings(carrier_url: str, **options: Any) -> dict[str, Any]:
    return {
        "options": {"base_url": f"{carrier_url}/api", "option_code": "colissimo:return/dropoff", "contract": 4242,
                    "pickup_option_code": "colissimo:return/pickup", "announce_polls": 1, "announce_wait_s": 0,
                    **options},
        "return_address": WAREHOUSE,
    }  # fmt: skip


def build_bench(engine: Engine, tmp_path: Path, account: ShopCarrier | None, max_attempts: int = 3) -> Bench:
    """The shop ``SHOP`` (approving every return) with ``account`` as its carrier, on ``engine``."""
    clock = Clock()
    source = replace(order(order_line("L1", ordered=2, fulfilled=2), shop_id=SHOP), shipping_address=CUSTOMER_ADDRESS)
    shop = FakeShop(orders={source.id: source})
    adapter = ShowingShop(shop)
    config = replace(
        Config(), app=AppSettings(base_url=BASE_URL, data_dir=str(tmp_path)),
        queue=QueueSettings(max_attempts=max_attempts, backoff_base_seconds=1, backoff_max_seconds=2),
    )  # fmt: skip
    container = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=clock,
                          adapter_factory=lambda _c, _shop, _creds: adapter)  # fmt: skip
    container.__dict__["engine"] = engine
    container.label_texts = PageLabelTexts(config, PortalSigner(lambda: portal_keys(config), clock=clock))
    with container.uow() as uow:
        for shop_id in (SHOP, OTHER_SHOP):
            uow.shops.add(Platform.WOOCOMMERCE, f"https://{shop_id}.example", shop_id=shop_id,
                          credentials={"consumer_key": "ck", "consumer_secret": "cs"})  # fmt: skip
            set_policy(uow, shop_id, Policy(name="approve everything", default_action=Decision.APPROVE))
        if account is not None:
            uow.carriers(SHOP).put(account, clock())
        uow.commit()
    return Bench(container, clock, shop, adapter)


CREDENTIALS_ENV = {"public_key": "LABEL_TEST_SENDCLOUD_PUBLIC", "secret_key": "LABEL_TEST_SENDCLOUD_SECRET"}


def sendcloud_bench(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, announce: str = "immediate",
    max_attempts: int = 3, **settings: Any,
) -> Iterator[Bench]:
    """A bench whose carrier is the real Sendcloud adapter speaking to a sandbox carrier started for it, its
    credentials read from the environment variables the account names, as in production."""
    monkeypatch.setenv(CREDENTIALS_ENV["public_key"], PUBLIC)
    monkeypatch.setenv(CREDENTIALS_ENV["secret_key"], SECRET)
    carrier_url, _app, stop = start_in_thread(CarrierOptions(public_key=PUBLIC, secret_key=SECRET, announce=announce))
    try:
        account = ShopCarrier("sendcloud", sendcloud_settings(carrier_url, **settings), CREDENTIALS_ENV, "cli")
        bench = build_bench(engine, tmp_path, account, max_attempts)
        bench.carrier_url = carrier_url
        yield bench
    finally:
        stop()
