"""The logistics of issue 19 end to end: the reliability suite's real stack (both sandbox shops over HTTP, the web
app in a thread, ``returns-connector worker`` subprocesses on a real Redis and a real PostgreSQL schema, the
reconciler in a thread; ``tests.reliability.harness``) with a sandbox carrier per shop, each shop's Sendcloud
account pointed at its own, whose webhooks reach the app's ``/carriers/sendcloud/tracking/<shop>``.

One carrier per shop so each has its own webhook address, settings (held, duplicated) and records, and a test on
one shop never sees the other's parcels. Every check reads the outside world's own records: the carrier's
(``/__sandbox/returns``, ``/__sandbox/webhooks/deliveries``) and the shop's (Shopify's ``/__sandbox/returns`` and
refunds, WooCommerce's order notes, meta and refunds), beside the connector's tables.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.bootstrap import Container
from connector.carrier_settings import ShopCarrier
from connector.domain.orders import Order, Platform
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Condition, Disposition, Resolution, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.states import ReturnStatus
from connector.policy.schema import policy_from_dict
from connector.services.carriers import set_carrier
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.services.shipments import LogisticsChoice
from demo.scenario import AGENT, CUSTOMER, DEMO_POLICY
from sandboxes.carrier.app import start_in_thread as start_carrier
from sandboxes.carrier.carrier import CarrierOptions
from tests.e2e.demo_stack import portal_post, portal_token
from tests.reliability.harness import Harness, Options, Tracked, wait_until

METHODS = ["prepaid_label", "relay_point", "in_store", "home_pickup"]
FIRST_SCAN_CAP = {"EUR": "100000", "USD": "100000", "GBP": "100000", "JPY": "10000000"}
"""Over any sandbox order's value: a return paid at first scan is never held back by the cap here."""
POLICY = {**DEMO_POLICY, "methods": METHODS, "refund_on_first_scan_max": FIRST_SCAN_CAP}
WAREHOUSE = {"name": "Entrepôt Retours", "company": "Maison Lumen", "street": "ZA des Gones", "house_number": "12",
             "postal_code": "69007", "city": "Lyon", "country": "FR"}  # fmt: skip
TERMINAL = {"succeeded"}
RELAY_OPTION = "mondial_relay:return/dropoff"
RELAY_OPTIONS = {"mondial_relay": RELAY_OPTION, "colissimo": "colissimo:return/relay"}
"""The account's relay-point returns go with the chosen point's network, Mondial Relay or Colissimo
(``relay_option_codes``; the sandbox's Chronopost points are never offered); prepaid labels with Colissimo."""


@dataclass
class Carrier:
    """One sandbox carrier (Sendcloud's shapes) and the account keys a shop holds for it."""

    platform: Platform
    url: str
    public_key: str
    secret_key: str
    stop: Callable[[], None]

    @property
    def env(self) -> dict[str, str]:
        """The environment variables the shop's account names (``credentials_env``), set for every process."""
        prefix = f"E2E_LOGISTICS_{self.platform.value.upper()}"
        return {"public_key": f"{prefix}_PUBLIC", "secret_key": f"{prefix}_SECRET"}

    def sandbox(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = requests.request(method, f"{self.url}/__sandbox/{path}", timeout=30, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def returns(self, external_reference: str) -> list[dict[str, Any]]:
        """The carrier's own records of returns made with our key (Sendcloud's ``external_reference``)."""
        return list(self.sandbox("GET", "returns", params={"external_reference": external_reference}))

    def deliveries(self) -> list[dict[str, Any]]:
        return list(self.sandbox("GET", "webhooks/deliveries"))

    def reset_webhooks(self) -> None:
        """Back to sending each webhook once, at once, signed with the shop's key."""
        self.sandbox("PUT", "webhooks", json={"hold": False, "duplicate_next": 0, "secret": self.secret_key})
        self.sandbox("POST", "webhooks/release", json={"order": "same"})
        self.sandbox("DELETE", "faults/next")


class LogisticsStack:
    """The harness, its two carriers, and the steps the tests take (open, wait, advance, read the records)."""

    def __init__(self, h: Harness, carriers: dict[Platform, Carrier]) -> None:
        self.h = h
        self.carriers = carriers
        self._taken: set[str] = set()

    @property
    def container(self) -> Container:
        return self.h.container

    def account(self, platform: Platform, **settings: Any) -> ShopCarrier:
        carrier = self.carriers[platform]
        options = {"base_url": f"{carrier.url}/api", "option_code": "colissimo:return/dropoff",
                   "relay_option_codes": RELAY_OPTIONS, "pickup_option_code": "colissimo:return/pickup",
                   "pickup_days": 3, "announce_polls": 2, "announce_wait_s": 0.2}  # fmt: skip
        return ShopCarrier("sendcloud", {"options": options, "return_address": WAREHOUSE, **settings}, carrier.env)

    def use_carrier(self, platform: Platform, **settings: Any) -> None:
        set_carrier(self.container, self.h.shop_id(platform), self.account(platform, **settings))

    # -- opening returns --------------------------------------------------------------------------------

    def order(self, platform: Platform, country: str | None = None) -> tuple[Order, str]:
        """An order (with a line the policy lets the customer return today, and a shipping address, in
        ``country`` if given) no other test of this stack took."""
        for order, line_id in self.h.returnable(platform):
            address = order.shipping_address
            if order.id not in self._taken and address is not None and country in (None, address.country):
                self._taken.add(order.id)
                return order, line_id
        raise AssertionError(f"no {platform.value} order left to return (to {country or 'any country'})")

    def open(self, platform: Platform, method: ReturnMethod, logistics: LogisticsChoice | None = None,
             order: tuple[Order, str] | None = None) -> Tracked:  # fmt: skip
        """A refund return opened as the portal opens it (the policy approves it at once)."""
        picked, line_id = order or self.order(platform)
        shop_id = self.h.shop_id(platform)
        outcome = ReturnService(self.container).open_return(
            shop_id,
            picked.id,
            [LineInput(line_id, 1, ReasonCode.STYLE, Resolution.refund(), "logistics e2e")],
            method,
            CUSTOMER,
            logistics=logistics,
        )
        assert outcome.request.status is ReturnStatus.APPROVED, outcome.request.status
        return Tracked(platform, shop_id, picked.id, Resolution.refund().kind, return_id=outcome.request.id)

    def open_by_portal(self, platform: Platform, method: ReturnMethod) -> Tracked:
        """A refund return the customer asks for through the portal's API, over HTTP (order number and e-mail,
        then the request); the policy approves it at once."""
        order, line_id = self.order(platform)
        shop_id = self.h.shop_id(platform)
        token = portal_token(self.h.stack, shop_id, order.name, order.email)
        line = {"order_line_id": line_id, "quantity": 1, "reason": "style", "resolution": {"kind": "refund"}}
        answer = portal_post(self.h.stack, shop_id, token, {"lines": [line], "method": method.value})
        assert answer.status_code == 201, answer.text
        created = answer.json()["return"]
        assert (created["status"], created["method"]) == ("approved", method.value), created
        return Tracked(platform, shop_id, order.id, Resolution.refund().kind, return_id=created["id"])

    def open_settled(self, platform: Platform, method: ReturnMethod, logistics: LogisticsChoice | None = None,
                     order: tuple[Order, str] | None = None) -> tuple[Tracked, str]:  # fmt: skip
        """A return opened and its actions done so far (its label made and shown at the shop); with its id."""
        item = self.open(platform, method, logistics, order)
        self.settled(item)
        return item, str(item.return_id)

    # -- waiting --------------------------------------------------------------------------------------------

    def settled(self, item: Tracked, timeout: float = 30.0) -> ReturnRequest:
        """The return once every action recorded so far succeeded (the label made and shown at the shop)."""

        def done() -> ReturnRequest | None:
            states = {state for _kind, state in self.h.action_states(item)}
            if "failed" in states:
                raise AssertionError(f"an action failed: {self.h.describe([item])}")
            return self.h.load(item) if states and states <= TERMINAL else None

        found: ReturnRequest = self._wait("every action of the return to succeed", done, item, timeout)
        return found

    def status(self, item: Tracked, status: ReturnStatus, timeout: float = 30.0) -> ReturnRequest:
        def reached() -> ReturnRequest | None:
            found = self.h.load(item)
            return found if found is not None and found.status is status else None

        found: ReturnRequest = self._wait(f"the return to be {status.value}", reached, item, timeout)
        return found

    def closed(self, item: Tracked, timeout: float = 40.0) -> ReturnRequest:
        self.status(item, ReturnStatus.CLOSED, timeout)
        return self.settled(item, timeout)

    def _wait(self, what: str, check: Callable[[], Any], item: Tracked, timeout: float) -> Any:
        try:
            return wait_until(what, check, timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.h.describe([item])}\n{self.h.worker_logs()}") from None

    # -- the parcel -----------------------------------------------------------------------------------------

    def shipment(self, item: Tracked) -> Shipment:
        with self.container.uow() as uow:
            found = uow.shipments(item.shop_id).for_return(item.return_id or "")
        assert found is not None, f"return {item.return_id} has no shipment"
        return found

    def at_carrier(self, item: Tracked) -> list[dict[str, Any]]:
        return self.carriers[item.platform].returns(self.shipment(item).idempotency_key)

    def advance(self, item: Tracked, **body: Any) -> list[int]:
        """The carrier plays its next scripted step (``steps=n``, or ``status=id``); its webhooks are answered
        before this returns."""
        ref = self.shipment(item).carrier_ref
        played = self.carriers[item.platform].sandbox("POST", f"returns/{ref}/advance", json=body or {"steps": 1})
        return list(played["played"])

    def tracking_applied(self, item: Tracked, timeout: float = 30.0) -> None:
        """Wait until every tracking event stored for the return's parcel was taken by the worker (applied, or
        ignored as a duplicate or an older word)."""
        shipment_id = self.shipment(item).id

        def none_pending() -> bool:
            with self.container.uow() as uow:
                return not uow.shipments(item.shop_id).pending_events(shipment_id)

        self._wait("the worker to take every tracking event", none_pending, item, timeout)

    def hook_url(self, platform: Platform) -> str:
        return f"{self.h.app_url}/carriers/sendcloud/tracking/{self.h.shop_id(platform)}"

    # -- the agent ------------------------------------------------------------------------------------------

    def inspect_and_resolve(self, item: Tracked) -> None:
        """What an agent does with a parcel the carrier delivered: inspect each line, then resolve."""
        request = self.h.load(item)
        assert request is not None
        service = ReturnService(self.container)
        for line in request.lines:
            service.inspect(item.shop_id, request.id, AGENT, line.id, Condition.NEW, Disposition.RESTOCK)
        service.resolve(item.shop_id, request.id, AGENT, reason="inspected, as new")

    # -- the shop's own records -----------------------------------------------------------------------------

    def shown_at_shop(self, item: Tracked) -> list[dict[str, Any]]:
        """The parcels the shop shows for the return: Shopify's reverse deliveries on the return, WooCommerce's
        order meta of ours (each with the note it names)."""
        request = self.h.load(item)
        assert request is not None
        if item.platform is Platform.SHOPIFY:
            listed = requests.get(f"{self.h.shopify_url}/__sandbox/returns", timeout=30).json()
            found = next(r for r in listed if r["id"] == request.platform_return_id)
            return list(found["reverse_deliveries"])
        order = self.h.woo_order(item.order_id)
        notes = {str(n["id"]): n for n in order["_sandbox"]["notes"]}
        key = f"_returns_connector_tracking_{request.id}"
        return [m["value"] | {"note": notes.get(str(m["value"]["note_id"]), {})}
                for m in order["meta_data"] if m["key"] == key]  # fmt: skip

    def our_notes(self, item: Tracked) -> list[dict[str, Any]]:
        """WooCommerce: the order's notes of ours about a parcel (marked ``[rc-ship:``)."""
        notes = self.h.woo_order(item.order_id)["_sandbox"]["notes"]
        return [n for n in notes if "[rc-ship:" in n["note"]]

    def refunds_at_shop(self, item: Tracked) -> list[Decimal]:
        """Every refund the shop holds for the return's order, as amounts (Shopify: money and store credit)."""
        if item.platform is Platform.SHOPIFY:
            number = item.order_id.rsplit("/", 1)[-1]
            return [Decimal(r["amount"]) + Decimal(r["store_credit"]) for r in self.h.shopify_state()["refunds"]
                    if r["order_id"].rsplit("/", 1)[-1] == number]  # fmt: skip
        return [Decimal(str(r["amount"])) for r in self.h.woo_refunds() if str(r["order_id"]) == str(item.order_id)]


def start_carriers(h: Harness, monkeypatch: pytest.MonkeyPatch) -> dict[Platform, Carrier]:
    """A sandbox carrier per shop, webhooks pointed at the app's address for that shop; the keys in this
    process's environment (the workers started afterwards inherit it)."""
    carriers: dict[Platform, Carrier] = {}
    for platform in (Platform.SHOPIFY, Platform.WOOCOMMERCE):
        public, secret = f"pk-{platform.value}", f"sk-{platform.value}-e2e"
        hook = f"{h.app_url}/carriers/sendcloud/tracking/{h.shop_id(platform)}"
        url, _app, stop = start_carrier(CarrierOptions(public_key=public, secret_key=secret, webhook_url=hook))
        carrier = Carrier(platform, url, public, secret, stop)
        monkeypatch.setenv(carrier.env["public_key"], public)
        monkeypatch.setenv(carrier.env["secret_key"], secret)
        carriers[platform] = carrier
    return carriers


@contextlib.contextmanager
def logistics_stack(
    data_dir: Path,
    database_url: str,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    *,
    workers: int = 1,
    **options: Any,
) -> Iterator[LogisticsStack]:
    """Both shops installed and synced, the logistics policy (every method, refund on first scan capped high),
    each shop's Sendcloud account on its own sandbox carrier; ``workers`` worker processes and the reconciler
    running (none with ``workers=0``: the test starts its own)."""
    from connector.store.crypto import ENV_VAR, CredentialCipher
    from tests.reliability.harness import SHOPIFY_SECRET

    monkeypatch.setenv("SHOPIFY_API_SECRET", SHOPIFY_SECRET)
    monkeypatch.setenv(ENV_VAR, CredentialCipher.generate_key())
    h = Harness(data_dir, database_url, redis_url, Options(**options))
    carriers: dict[Platform, Carrier] = {}
    try:
        h.start()
        h.connect()
        carriers = start_carriers(h, monkeypatch)
        stack = LogisticsStack(h, carriers)
        with h.container.uow() as uow:
            for platform in carriers:
                set_policy(uow, h.shop_id(platform), policy_from_dict(POLICY, source="logistics e2e"))
            uow.commit()
        for platform in carriers:
            stack.use_carrier(platform)
        for _ in range(workers):
            h.start_worker()
        if workers:
            h.start_reconciler()
        yield stack
    finally:
        h.stop()
        for carrier in carriers.values():
            carrier.stop()
