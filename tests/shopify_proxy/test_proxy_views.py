"""The portal through Shopify's app proxy: every request verified, the same pages under the shop's path prefix,
a logged-in customer's own orders instead of the lookup, and forms that need our token on top of the signature.

Shop ``shop-b`` is the Shopify shop ``b-shop.myshopify.com`` of ``tests/api/conftest.py``.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from urllib.parse import unquote, urlencode

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.orders import Customer, Order
from platforms.shopify.app_proxy import CLOCK_WINDOW_SECONDS, sign
from tests.api.conftest import APP_SECRET, EMAIL
from tests.factories import NOW, order, order_line
from tests.fakes import FakeShop
from tests.portal_pages.conftest import csrf_of

DOMAIN = "b-shop.myshopify.com"
PREFIX = "/apps/returns"
CUSTOMER = "7001"
_HREF = re.compile(r'(?:href|action)="([^"]+)"')


def proxied(path: str = "", extra: dict[str, str] | None = None, *, customer: str = "",
            timestamp: int | None = None, secret: str = APP_SECRET, shop: str = DOMAIN) -> str:
    """The URL Shopify's proxy calls for ``https://{shop}/apps/returns/<path>?<extra>``, signed as it signs."""
    params: dict[str, list[str]] = {key: [value] for key, value in (extra or {}).items()}
    params.update({
        "shop": [shop],
        "logged_in_customer_id": [customer],
        "path_prefix": [PREFIX],
        "timestamp": [str(int(time.time()) if timestamp is None else timestamp)],
    })
    params["signature"] = [sign(params, secret)]
    return f"/proxy/{path}?" + urlencode({key: values[0] for key, values in params.items()})


def storefront_to_proxy(link: str) -> str:
    """What Shopify does with a link of the page the customer follows: ``/apps/returns/x?y`` -> our proxy URL."""
    assert link.startswith(PREFIX + "/"), link
    path, _, query = link[len(PREFIX) + 1:].partition("?")
    extra = dict(pair.split("=", 1) for pair in query.split("&") if pair)
    return proxied(path, {key: _unquote(value) for key, value in extra.items()})


def _unquote(value: str) -> str:
    return unquote(value.replace("&amp;", "&"))


def links_of(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in _HREF.findall(html) if not link.startswith(("#", "http"))]


def test_a_signed_request_serves_the_lookup_with_every_link_under_the_prefix(client: FlaskClient) -> None:
    answer = client.get(proxied())
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    assert answer.mimetype == "text/html"
    assert f'action="{PREFIX}/lookup"' in html
    links = links_of(html)
    assert links and all(link.startswith(PREFIX + "/") for link in links), links
    assert not any("signature=" in link or "shop=" in link for link in links), links


def test_the_stylesheet_comes_through_the_proxy(client: FlaskClient) -> None:
    html = client.get(proxied()).get_data(as_text=True)
    stylesheet = next(link for link in links_of(html) if link.endswith(".css"))
    answer = client.get(storefront_to_proxy(stylesheet))
    assert answer.status_code == 200
    assert answer.mimetype == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(proxied(secret="another-app-secret-0123456789"), id="other-secret"),
        pytest.param(proxied().replace(f"shop={DOMAIN}", "shop=evil.myshopify.com"), id="tampered-shop"),
        pytest.param(proxied(customer="1").replace("logged_in_customer_id=1", "logged_in_customer_id=2"),
                     id="tampered-customer"),
        pytest.param("/proxy/", id="unsigned"),
    ],
)
def test_a_bad_signature_gets_the_refusal_page(client: FlaskClient, url: str) -> None:
    answer = client.get(url)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 401
    assert "could not be opened" in html
    assert "<form" not in html


def test_a_stale_signature_gets_the_refusal_page(client: FlaskClient) -> None:
    stale = int(time.time()) - CLOCK_WINDOW_SECONDS - 60
    assert client.get(proxied(timestamp=stale)).status_code == 401


def test_a_shop_we_do_not_serve_is_told_so(client: FlaskClient) -> None:
    answer = client.get(proxied(shop="nobody.myshopify.com"))
    assert answer.status_code == 404
    assert "not available" in answer.get_data(as_text=True)


def test_a_path_the_portal_does_not_have_is_the_portals_not_found_page(client: FlaskClient) -> None:
    answer = client.get(proxied("no/such/page"))
    assert answer.status_code == 404
    assert f'href="{PREFIX}/"' in answer.get_data(as_text=True)


def _lookup_through_proxy(client: FlaskClient, with_token: bool) -> tuple[int, str, str]:
    form = client.get(proxied()).get_data(as_text=True)
    data = {"order_number": "#1001", "email": EMAIL}
    if with_token:
        data["csrf"] = csrf_of(form)
    answer = client.post(proxied("lookup"), data=data)
    return answer.status_code, answer.get_data(as_text=True), answer.headers.get("Location", "")


def test_a_lookup_posted_through_the_proxy_with_the_form_token_leads_to_the_order(
    client: FlaskClient, fake_shops: dict[str, FakeShop]
) -> None:
    fake_shops["shop-b"].orders["B1"] = replace(fake_shops["shop-b"].orders["B1"], name="#1001")
    status, page, location = _lookup_through_proxy(client, with_token=True)
    assert status == 303, page
    assert location.startswith(f"{PREFIX}/o/")
    assert client.get(storefront_to_proxy(location)).status_code == 200


def test_a_lookup_posted_through_the_proxy_without_the_form_token_is_refused(client: FlaskClient) -> None:
    status, page, location = _lookup_through_proxy(client, with_token=False)
    assert status == 400
    assert location == ""
    assert f'action="{PREFIX}/lookup"' in page


def test_lookups_through_the_proxy_count_against_the_customers_address_not_shopifys(client: FlaskClient) -> None:
    def attempt(number: int, customer_address: str) -> int:
        form = client.get(proxied()).get_data(as_text=True)
        data = {"csrf": csrf_of(form), "order_number": f"#{9000 + number}", "email": EMAIL}
        # Shopify appends the address it saw to whatever the browser sent.
        headers = {"X-Forwarded-For": f"10.9.9.9, {customer_address}"}
        return client.post(proxied("lookup"), data=data, headers=headers).status_code

    assert {attempt(n, "203.0.113.7") for n in range(10)} == {404}
    assert attempt(10, "203.0.113.7") == 429, "a guessing run from one address is stopped"
    assert attempt(11, "198.51.100.23") == 404, "another customer behind the same proxy is not"


# -- a customer logged in to the shop -----------------------------------------------------------------------


def _customer_order(order_id: str, name: str, customer: str, days_ago: int) -> Order:
    placed = order(order_line("L1", ordered=1, fulfilled=1), shop_id="shop-b", order_id=order_id)
    return replace(placed, name=name, created_at=NOW.replace(day=1 + days_ago),
                   customer=Customer(id=f"gid://shopify/Customer/{customer}", email=f"{customer}@example.com"))


@pytest.fixture
def customers_orders(container: Container, fake_shops: dict[str, FakeShop]) -> dict[str, Order]:
    mine = [_customer_order("gid://shopify/Order/11", "#1011", CUSTOMER, 1),
            _customer_order("gid://shopify/Order/12", "#1012", CUSTOMER, 3)]
    theirs = _customer_order("gid://shopify/Order/13", "#1013", "7002", 2)
    with container.uow() as uow:
        for placed in (*mine, theirs):
            uow.orders("shop-b").upsert(placed)
            fake_shops["shop-b"].orders[placed.id] = placed
        uow.commit()
    return {placed.name: placed for placed in (*mine, theirs)}


@pytest.mark.usefixtures("customers_orders")
def test_a_logged_in_customer_sees_their_own_orders_instead_of_the_lookup(client: FlaskClient) -> None:
    answer = client.get(proxied(customer=CUSTOMER))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    assert "#1011" in html and "#1012" in html
    assert "#1013" not in html
    assert html.index("#1012") < html.index("#1011"), "newest first"
    assert 'name="order_number"' not in html


@pytest.mark.usefixtures("customers_orders")
def test_each_listed_order_opens_its_page_through_the_proxy(client: FlaskClient) -> None:
    html = client.get(proxied(customer=CUSTOMER)).get_data(as_text=True)
    order_links = [link for link in links_of(html) if link.startswith(f"{PREFIX}/o/")]
    assert len(order_links) == 2
    for link in order_links:
        assert client.get(storefront_to_proxy(link)).status_code == 200


def test_an_order_changed_at_the_shop_is_listed_only_if_still_theirs(
    client: FlaskClient, container: Container, fake_shops: dict[str, FakeShop], customers_orders: dict[str, Order]
) -> None:
    moved = customers_orders["#1011"]
    someone_else = Customer(id="gid://shopify/Customer/9", email="someone@example.com")
    fake_shops["shop-b"].orders[moved.id] = replace(moved, customer=someone_else)
    with container.uow() as uow:
        assert uow.orders("shop-b").mark_stale(moved.id)
        uow.commit()
    html = client.get(proxied(customer=CUSTOMER)).get_data(as_text=True)
    assert "#1012" in html
    assert "#1011" not in html


def test_the_orders_screen_without_the_proxy_sends_to_the_lookup(client: FlaskClient) -> None:
    answer = client.get("/portal/shop-b/orders")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/portal/shop-b/")


@pytest.mark.usefixtures("customers_orders")
def test_a_customer_with_no_orders_can_still_look_one_up(client: FlaskClient) -> None:
    html = client.get(proxied(customer="7999")).get_data(as_text=True)
    assert "#1011" not in html
    assert f'href="{PREFIX}/lookup"' in html
