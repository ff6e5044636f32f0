"""The portal's pages over the same database and in-memory shops as the JSON API's tests (``tests/api``).

Shop ``shop-a`` (WooCommerce) has order ``#1001`` of ``ana@example.com``: L1 (2 units), L2 (1 unit) and L3, a
final-sale line; its product ``P-1`` is also sold in size M (in stock, dearer) and XL (out of stock). Shop
``shop-b`` has order ``#1001`` too, of a customer whose language is French.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from PIL import Image

from connector.bootstrap import Container
from connector.domain.exchange_options import ExchangeOption
from connector.domain.money import Money
from connector.domain.orders import Customer
from connector.pages.portal.current import signer
from connector.pages.portal.draft import Draft, unseal
from connector.policy import Policy
from connector.services.policies import set_policy
from tests.api.conftest import (  # noqa: F401 - fixtures reused as they are
    EMAIL,
    Clock,
    app,
    client,
    clock,
    container,
)
from tests.factories import order, order_line
from tests.fakes import FakeShop

SHOP = "shop-a"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
_DRAFT = re.compile(r"[?&]d=([^&]+)")


def _variant(variant_id: str, size: str, price: str, stock: int) -> ExchangeOption:
    return ExchangeOption(variant_id, "P-1", "Shirt", size, (("Size", size),), Money(price, "EUR"), stock)


@pytest.fixture
def fake_shops() -> dict[str, FakeShop]:
    a = order(
        order_line("L1", ordered=2, fulfilled=2),
        order_line("L2", ordered=1, fulfilled=1),
        replace(order_line("L3", ordered=1, fulfilled=1), final_sale=True, title="Sale scarf"),
    )
    b = replace(
        order(order_line("L1", ordered=1, fulfilled=1), shop_id="shop-b", order_id="B1"),
        customer=Customer(id="C1", email=EMAIL, locale="fr-FR"),
    )
    catalogue = [_variant("V-M", "M", "45.00", 4), _variant("V-XL", "XL", "40.00", 0), _variant("V-L1", "L", "40", 9)]
    return {"shop-a": FakeShop(orders={a.id: a}, catalogue=catalogue), "shop-b": FakeShop(orders={b.id: b})}


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The portal's keys come from the process's environment (connector.pages.keys)."""
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "portal-pages-test-key")


def use_policy(box: Container, policy: Policy, shop_id: str = SHOP) -> None:
    with box.uow() as uow:
        set_policy(uow, shop_id, policy)
        uow.commit()


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden fields of the page's form, sent back as a browser would."""
    return dict(_HIDDEN.findall(page))


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found is not None, "the page has no form token"
    return found.group(1)


def lookup(web: FlaskClient, number: str = "#1001", email: str = EMAIL, shop: str = SHOP,
           headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, page, Location) of a lookup sent through the form, with the form's own token."""
    form = web.get(f"/portal/{shop}/", headers=headers or {}).get_data(as_text=True)
    answer = web.post(
        f"/portal/{shop}/lookup",
        data={**hidden_fields(form), "order_number": number, "email": email},
        headers=headers or {},
    )
    return answer.status_code, answer.get_data(as_text=True), answer.headers.get("Location", "")


def lines_url(web: FlaskClient, shop: str = SHOP) -> str:
    status, page, location = lookup(web, shop=shop)
    assert status == 303, page
    return location


def draft_in(location: str, web: FlaskClient, order_id: str = "O1", shop: str = SHOP) -> Draft:
    """The draft a redirect to screen 3 carries, read as screen 3 reads it."""
    found = _DRAFT.search(location)
    assert found is not None, location
    with web.application.test_request_context():
        return unseal(found.group(1), signer(), shop, order_id)


def photo(kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, kind)
    return out.getvalue()
