"""What the end-to-end portal flows share: the sandbox shops with one policy that offers every outcome, the
orders each flow takes, a customer who clicks through the portal in Chromium at 390x844, and the shop's own
records read afterwards.

Why the demo's stack (``tests.e2e.demo_stack.running_stack``): the issue's flows end "in the shop's own
records after the worker runs", so the portal must be served by the real app over HTTP, against the two sandbox
shops, with the worker that carries each return to the shop. The demo composes exactly that in this process;
one stack serves a whole test module, and each flow takes an order no other flow has touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from connector.api import lookup_limit
from connector.domain.actions import ActionKind
from connector.domain.errors import DomainError
from connector.domain.money import Money
from connector.domain.orders import Order, OrderLine, Platform
from connector.domain.returns import ReturnRequest
from connector.pages.formatting import format_money, regional_locale
from connector.policy import line_eligibility
from connector.policy.messages_en import MESSAGES as EXPLAINED_EN
from connector.policy.messages_fr import MESSAGES as EXPLAINED_FR
from connector.services.exchange_options import exchange_options
from connector.services.policies import current_policy
from connector.store.actions_repo import ActionRecord, ActionState
from demo.scenario import _ready_for_agent, act_as_agent
from demo.stack import Stack
from tests.e2e.demo_stack import connected, load, running_stack
from tests.pages.browser import ScreenCounter, assert_accessible
from tests.pages.conftest import Screenshot
from tests.reliability.harness import wait_until

KEEP_BELOW = {"EUR": "1000", "USD": "1000", "GBP": "1000", "JPY": "160000"}
FLOW_POLICY: dict[str, Any] = {
    "name": "Portal flows: final sale refused, 10% bonus on store credit, keep anything under 1000",
    "default_action": "approve",
    "windows": {"days": 3650},  # the sandboxes' orders span months: every order stays returnable
    "exclusions": {"final_sale": True},
    "bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit"]},
    "keep_item": {"below": KEEP_BELOW},
    "methods": ["prepaid_label", "relay_point"],
}
BONUS_PERCENT = Decimal(10)
ORDERS_PER_SHOP = 40
"""Enough for every flow of a module to take an order of its own, with final-sale lines and dearer variants."""

WORDS: dict[str, dict[str, str]] = {
    "fr-FR": {
        "number": "Numéro de commande",
        "email": "Adresse e-mail",
        "find": "Retrouver ma commande",
        "lines": "Choisissez ce que vous retournez",
        "return": "Retourner",
        "reason": "Raison du retour",
        "unwanted": "Ne me convient plus",
        "refund": "Remboursement sur votre moyen de paiement",
        "store_credit": "Avoir en boutique",
        "exchange": "Échange contre une autre taille ou couleur",
        "keep": "Garder l\u2019article",
        "exchange_for": "Échanger contre",
        "to_pay": "{amount} à payer",
        "continue": "Continuer",
        "method": "Comment renverrez-vous les articles ?",
        "relay_point": "Dépôt en point relais",
        "review": "Vérifiez et confirmez votre retour",
        "confirm": "Confirmer mon retour",
        "done": "Votre retour est enregistré",
        "refused": "Cet article ne peut pas être retourné.",
        "money_paid": "Sommes versées",
        "track": "suivre mon retour",
        "your_return": "Votre retour",
        "paid_so_far": "Versé à ce jour : {amount}",
        "why": "Pourquoi ?",
    },
    "en-GB": {
        "number": "Order number",
        "email": "E-mail address",
        "find": "Find my order",
        "lines": "Choose what to return",
        "return": "Return",
        "reason": "Reason for the return",
        "unwanted": "No longer wanted",
        "refund": "Refund to your original payment",
        "store_credit": "Store credit",
        "exchange": "Exchange for another size or colour",
        "keep": "Keep the item",
        "exchange_for": "Exchange for",
        "to_pay": "{amount} to pay",
        "continue": "Continue",
        "method": "How will you send the items back?",
        "relay_point": "Drop-off at a relay point",
        "review": "Check and confirm your return",
        "confirm": "Confirm my return",
        "done": "Your return is registered",
        "refused": "This item cannot be returned.",
        "money_paid": "Money paid",
        "track": "track my return",
        "your_return": "Your return",
        "paid_so_far": "Paid so far: {amount}",
        "why": "Why?",
    },
}
EXPLAINED = {"fr-FR": EXPLAINED_FR, "en-GB": EXPLAINED_EN}
MOST_SCREENS = 5
"""The issue's bar: a one-line return, from the order's link to the confirmation, in at most 5 screens."""


@dataclass
class Shops:
    """The running stack, each platform's shop id, and the orders flows have already taken."""

    stack: Stack
    ids: dict[str, str]
    taken: set[str] = field(default_factory=set)

    def take(self, platform: str, wanted: Callable[[Order, OrderLine], bool]) -> tuple[Order, OrderLine]:
        """The first order no flow took with a line the customer may return today and ``wanted`` accepts.
        Shopify's lines need a fulfillment line: the return is created at Shopify against it."""
        shop_id = self.ids[platform]
        now = self.stack.container.clock()
        with self.stack.container.uow() as uow:
            policy = current_policy(uow, shop_id)
            orders = uow.orders(shop_id).recent(limit=500)
        for order in sorted(orders, key=lambda o: o.name):
            if order.id in self.taken or not order.email:
                continue
            for item in line_eligibility(policy, order, now):
                line = order.line(item.line_id)
                usable = line.variant_id and (line.fulfillment_line_ids or platform != "shopify")
                if item.eligible and item.returnable_quantity >= 1 and usable and wanted(order, line):
                    self.taken.add(order.id)
                    return order, line
        raise AssertionError(f"no untaken {platform} order has such a line")


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shops]:
    monkeypatch = pytest.MonkeyPatch()
    # The look-up allowance is per IP address (10 a minute), and every customer of these flows comes from
    # 127.0.0.1: twenty of them within a minute or two are not a guessing run. The limit has its own tests.
    monkeypatch.setattr(lookup_limit, "LOOKUP_LIMIT", 1000)
    data_dir: Path = tmp_path_factory.mktemp("portal-flows") / "data"
    try:
        with running_stack(data_dir, monkeypatch, ORDERS_PER_SHOP) as stack:
            shopify_id, woo_id = connected(stack, FLOW_POLICY)
            yield Shops(stack, {"shopify": shopify_id, "woocommerce": woo_id})
    finally:
        monkeypatch.undo()


# -- the customer, in the browser ----------------------------------------------------------------------------


@dataclass
class Customer:
    """A person at a 390x844 phone walking through the portal by its labels, in the page's language. Every
    screen is checked with axe-core and kept as a screenshot before the customer acts on it."""

    page: Page
    screenshot: Screenshot
    screens: ScreenCounter
    locale: str
    javascript: bool = True
    """Without JavaScript axe-core cannot run: such a flow proves the pages work, the others that they are
    accessible (the same server-rendered HTML)."""

    @property
    def words(self) -> dict[str, str]:
        return WORDS[self.locale]

    def money(self, amount: Money) -> str:
        """As the page writes it: in the browser's region for its language (en-GB writes US$ for dollars)."""
        return format_money(amount, regional_locale(self.locale[:2], self.locale))

    def screen(self, name: str, heading: str) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.check(name)

    def check(self, name: str) -> None:
        """The page in the customer's language, accessible, and kept as a screenshot."""
        expect(self.page.locator("html")).to_have_attribute("lang", self.locale[:2])
        if self.javascript:
            assert_accessible(self.page)
        self.screenshot(name)

    def find_order(self, app_url: str, shop_id: str, order: Order) -> None:
        self.page.goto(f"{app_url}/portal/{shop_id}/")
        self.check("1-lookup")
        self.page.get_by_label(self.words["number"]).fill(order.name)
        self.page.get_by_label(self.words["email"]).fill(str(order.email))
        self.page.get_by_role("button", name=self.words["find"]).click()
        self.screen("2-lines", self.words["lines"])

    def line(self, line: OrderLine) -> Locator:
        """The line's box on "choose items", found by its checkbox's label as a person reads it."""
        return self.page.locator(
            "li.line", has=self.page.get_by_role("checkbox", name=self.line_name(line), exact=True)
        )

    def line_name(self, line: OrderLine) -> str:
        return f"{self.words['return']} {line.title}" + (f" ({line.variant_title})" if line.variant_title else "")

    def choose(self, line: OrderLine, outcome: str, *, exchange_for: str | None = None) -> Locator:
        """Tick the line, give a reason, pick the outcome (and the replacement); the line's box."""
        self.page.get_by_role("checkbox", name=self.line_name(line), exact=True).check()
        box = self.line(line)
        label = box.locator(".line-head label").inner_text()
        if line.variant_title:  # named once (WooCommerce's line names used to repeat it: "Dress - L, Sand (L / Sand)")
            assert label.count(line.variant_title) == 1, label
        box.get_by_label(self.words["reason"]).select_option(label=self.words["unwanted"])
        box.get_by_label(self.words[outcome]).check()
        if exchange_for is not None:
            box.get_by_label(self.words["exchange_for"], exact=True).select_option(value=exchange_for)
        self.check("2-lines-chosen")
        return box

    def start(
        self, app_url: str, shop_id: str, order: Order, line: OrderLine, outcome: str, exchange_for: str | None = None
    ) -> Locator:
        """Screens 1 and 2: find the order, then choose the line and its outcome; the line's box."""
        self.find_order(app_url, shop_id, order)
        return self.choose(line, outcome, exchange_for=exchange_for)

    def to_review(self, *, sending_back: bool = True) -> Locator:
        """On from "choose items" to the review (through the method screen when goods go back); its main."""
        self.go_on()
        if sending_back:
            self.screen("3-method", self.words["method"])
            self.page.get_by_label(self.words["relay_point"]).check()
            self.go_on()
        self.screen("4-review", self.words["review"])
        return self.page.locator("main")

    def tracks(self, paid: Money) -> None:
        """Following the confirmation's tracking link once the shop has paid: the page says how much was paid."""
        self.page.get_by_role("link", name=self.words["track"]).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(self.words["your_return"])
        expect(self.page.locator("main")).to_contain_text(self.words["money_paid"])
        page_mentions(self.page.locator("main"), self.words["paid_so_far"].format(amount=self.money(paid)))
        self.check("6-tracking-paid")

    def go_on(self) -> None:
        self.page.get_by_role("button", name=self.words["continue"]).click()

    def confirm(self) -> None:
        self.page.get_by_role("button", name=self.words["confirm"]).click()
        self.screen("5-confirmation", self.words["done"])
        assert self.screens.count <= MOST_SCREENS, self.screens.urls


@pytest.fixture
def customer(page: Page, screenshot: Screenshot, screens: ScreenCounter, locale: str, javascript: bool) -> Customer:
    return Customer(page, screenshot, screens, locale, javascript)


# -- the return, carried to the shop -------------------------------------------------------------------------


def opened_return(shops: Shops, platform: str, order: Order) -> ReturnRequest:
    """The one return the portal opened for the order."""
    with shops.stack.container.uow() as uow:
        found = uow.returns(shops.ids[platform]).for_order(order.id)
    assert len(found) == 1, [r.id for r in found]
    return found[0]


def send_back_and_inspect(shops: Shops, request: ReturnRequest) -> None:
    """What happens after the portal for goods sent back: once the worker has told the shop of the return, an
    agent marks it sent, receives, inspects (as new, restocked) and resolves it, as the demo's agent does."""
    wait_until(
        "the return known to the shop",
        lambda: _ready_for_agent(shops.stack, load(shops.stack, request.shop_id, request.id)),
    )
    act_as_agent(shops.stack, load(shops.stack, request.shop_id, request.id))


def action(shops: Shops, request: ReturnRequest, kind: ActionKind) -> ActionRecord | None:
    with shops.stack.container.uow() as uow:
        return next((a for a in uow.actions(request.shop_id).for_return(request.id) if a.kind is kind), None)


def parked_exchange(shops: Shops, request: ReturnRequest) -> ActionRecord | None:
    """The exchange made at the shop and waiting, pending, for the customer to pay the difference; fails at
    once, naming it, when an action of the return failed (the wait would only hide why)."""
    with shops.stack.container.uow() as uow:
        actions = uow.actions(request.shop_id).for_return(request.id)
    failed = [f"{a.kind.value}: {a.last_error}" for a in actions if a.state is ActionState.FAILED]
    if failed:
        pytest.fail(f"return {request.id}: " + "; ".join(failed))
    found = next((a for a in actions if a.kind is ActionKind.EXCHANGE), None)
    return found if found is not None and found.result and found.state is ActionState.PENDING else None


def bonus_of(paid: Money) -> Money:
    """The policy's bonus on store credit, as the policy's amounts round it (down, to the currency's unit)."""
    return Money.rounded_down(paid.amount * BONUS_PERCENT / 100, paid.currency)


def dearer_replacement(shops: Shops, platform: str) -> tuple[Order, OrderLine, str, Money]:
    """An order line and another variant of its product, in stock at the shop and dearer than what the line
    was paid: the customer owes the difference. The options are the ones the portal lists (the shop's)."""
    found: dict[str, tuple[str, Money]] = {}

    def has_dearer(order: Order, line: OrderLine) -> bool:
        with suppress(DomainError):
            choices = exchange_options(shops.stack.container, shops.ids[platform], order.id, line.id)
            for priced in choices.options:
                if priced.option.in_stock and priced.difference.amount > 0:
                    found[line.id] = (priced.option.variant_id, priced.difference)
                    return True
        return False

    order, line = shops.take(platform, has_dearer)
    variant, difference = found[line.id]
    return order, line, variant, difference


def shopify_state(shops: Shops) -> dict[str, Any]:
    state: dict[str, Any] = requests.get(f"{shops.stack.shopify_url}/__sandbox/state", timeout=30).json()
    return state


def shopify_refunds(shops: Shops, request: ReturnRequest) -> list[dict[str, Any]]:
    """The refunds Shopify holds for the return (``returnProcess``'s), from its own state."""
    return [r for r in shopify_state(shops)["refunds"] if r["return_id"] == request.platform_return_id]


def woo_refunds(shops: Shops, order: Order) -> list[Decimal]:
    """The amounts WooCommerce refunded on the order, leaving out the 0.00 refunds that only restock (issue 16)."""
    answer = requests.get(f"{shops.stack.woo_url}/__sandbox/refunds", params={"order_id": order.id}, timeout=30)
    answer.raise_for_status()
    return [Decimal(r["amount"]) for r in answer.json()["refunds"] if Decimal(r["amount"])]


def woo_list(shops: Shops, resource: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A list from WooCommerce's REST API, read with the shop's keys as its admin would filter it."""
    with shops.stack.container.uow() as uow:
        adapter = shops.stack.container.adapter_for(uow, uow.shops.get(shops.ids["woocommerce"]))
    assert adapter is not None
    return list(adapter.client.paginate(resource, params))  # type: ignore[attr-defined]


def platform_of(request: ReturnRequest, shops: Shops) -> Platform:
    return Platform.SHOPIFY if request.shop_id == shops.ids["shopify"] else Platform.WOOCOMMERCE


def page_mentions(main: Locator, text: str) -> None:
    """The page says ``text``, whatever spaces the money format put in it (narrow no-break ones in French)."""
    expect(main).to_contain_text(re.compile(r"\s*".join(map(re.escape, text.split()))))
