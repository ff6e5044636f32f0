"""The app's URL loaded as Shopify's admin loads it: ``shop``, ``host``, ``embedded``, ``id_token``; the bounce page
for a document without a valid token, the 401 to retry for a fetch, the redirect into the admin from outside it,
and exit-iframe. Tokens are minted as Shopify signs them (and forged, expired, for another app or shop)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.orders import Platform
from platforms.shopify.embedded.host import host_for, read_host
from tests.factories import order
from tests.shopify_embedded.conftest import API_KEY, SHOP, Sandbox, mint, probed

RETRY = "X-Shopify-Retry-Invalid-Session-Request"


def admin_host(sandbox: Sandbox) -> str:
    return host_for(SHOP, sandbox.base).raw


def load(sandbox: Sandbox, token: str | None = None, **extra: str) -> str:
    """The query Shopify's admin adds when it loads the app."""
    params = {"embedded": "1", "host": admin_host(sandbox), "shop": SHOP, "locale": "fr"} | extra
    if token is not None:
        params["id_token"] = token
    return urlencode(params)


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def test_the_app_url_with_a_valid_token_lands_on_the_shops_queue_without_a_bounce(
    client: FlaskClient, sandbox: Sandbox, installed: str
) -> None:
    token = mint()
    answer = client.get(f"/?{load(sandbox, token)}")
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert urlsplit(location).path == f"/admin/{installed}/"
    assert query_of(location) == {"embedded": "1", "host": admin_host(sandbox), "shop": SHOP, "locale": "fr",
                                  "id_token": token}


def test_a_load_from_outside_the_admin_is_sent_into_it(client: FlaskClient, sandbox: Sandbox, installed: str) -> None:
    answer = client.get(f"/?{load(sandbox, mint(), embedded='0')}")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{sandbox.base}/store/{SHOP.split('.')[0]}/apps/{API_KEY}"


def test_shopifys_own_admin_host_is_decoded_into_its_app_page() -> None:
    raw = base64.b64encode(b"admin.shopify.com/store/demo").decode().rstrip("=")
    found = read_host(raw)
    assert found is not None and found.app_url("k") == "https://admin.shopify.com/store/demo/apps/k"
    for forged in (b"evil.example/store/demo", b"admin.shopify.com.evil.example/x", b"admin.shopify.com/<script>"):
        assert read_host(base64.b64encode(forged).decode()) is None
    assert read_host("not base64 at all!") is None


@pytest.mark.parametrize("query", [
    {"shop": "evil.example", "embedded": "1"},
    {"shop": SHOP, "host": base64.b64encode(b"evil.example/store/x").decode(), "embedded": "1"},
    {},
])
def test_a_load_that_is_not_shopifys_says_where_to_open_the_app(
    client: FlaskClient, sandbox: Sandbox, installed: str, query: dict[str, str]
) -> None:
    params = {"host": admin_host(sandbox)} | query if "shop" in query else query
    answer = client.get(f"/?{urlencode(params)}")
    assert answer.status_code == 400
    assert "Open the returns admin from your shop" in answer.get_data(as_text=True)


def test_an_embedded_load_without_a_token_bounces_and_comes_back_to_the_same_page(
    client: FlaskClient, sandbox: Sandbox, installed: str
) -> None:
    answer = client.get(f"/?{load(sandbox)}")
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert urlsplit(location).path == "/auth/session-token"
    reload = query_of(location)["shopify-reload"]
    assert urlsplit(reload).path == "/" and "id_token" not in query_of(reload)
    assert query_of(reload)["shop"] == SHOP
    page = client.get(location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<meta name="shopify-api-key" content="{API_KEY}">' in html
    assert html.index(f'<script src="{sandbox.app_bridge}"></script>') < html.index("embedded.js")
    assert f'data-shopify-reload="{reload.replace("&", "&amp;")}"' in html
    assert "cdn.shopify.com" not in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_the_bounce_page_reloads_only_pages_of_this_app(client: FlaskClient, target: str) -> None:
    answer = client.get(f"/auth/session-token?{urlencode({'shop': SHOP, 'shopify-reload': target})}")
    assert answer.status_code == 400
    assert "data-shopify-reload" not in answer.get_data(as_text=True)


BAD_TOKENS = {
    "expired": lambda: mint(exp=1_700_000_000, nbf=1_699_999_950, iat=1_699_999_950),
    "forged": lambda: mint(secret="not-the-app-secret-0123456789abcdef"),
    "other app": lambda: mint(key="another-apps-key"),
    "issuer of another shop": lambda: mint(iss="https://other-shop.myshopify.com/admin"),
    "too long a life": lambda: mint(ttl=3600),
    "not a token": lambda: "not.a.token",
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_document_with_a_refused_token_bounces_for_a_fresh_one(
    client: FlaskClient, sandbox: Sandbox, installed: str, kind: str
) -> None:
    for path in ("/", f"/admin/{installed}/probe"):
        answer = client.get(f"{path}?{load(sandbox, BAD_TOKENS[kind]())}")
        assert answer.status_code == 302, (path, answer.status_code)
        location = answer.headers["Location"]
        assert urlsplit(location).path == "/auth/session-token"
        assert "id_token" not in query_of(location) and "id_token" not in query_of(query_of(location)["shopify-reload"])


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_fetch_with_a_refused_token_gets_401_and_shopifys_retry_header(
    client: FlaskClient, installed: str, kind: str
) -> None:
    answer = client.get(f"/admin/{installed}/probe", headers={"Authorization": f"Bearer {BAD_TOKENS[kind]()}"})
    assert answer.status_code == 401
    assert answer.headers[RETRY] == "1"
    assert answer.get_data() == b""


def test_the_header_path_opens_the_admin_as_the_tokens_staff_member(
    client: FlaskClient, sandbox: Sandbox, installed: str
) -> None:
    answer = client.get(f"/admin/{installed}/probe", headers={"Authorization": f"Bearer {mint(sub='77')}",
                                                                "Accept-Language": "fr-FR,fr;q=0.9"})
    assert answer.status_code == 200
    context = probed(answer.get_data(as_text=True))
    assert context["shop_id"] == installed
    assert context["actor"] == "shopify-user:77" and context["via"] == "shopify"
    assert context["role"] == "administrator" and context["locale"] == "fr"
    assert context["form_fields"] == {"id_token": ""}
    assert context["meta"] == {"shopify-api-key": API_KEY}
    assert context["scripts"][:2] == [sandbox.app_bridge, sandbox.polaris]
    assert context["scripts"][2] == "/shopify/static/embedded.js"
    assert context["link_params"] == {"embedded": "1", "shop": SHOP, "host": admin_host(sandbox)}


def test_the_param_path_keeps_shopifys_parameters_on_every_link(
    client: FlaskClient, sandbox: Sandbox, installed: str
) -> None:
    answer = client.get(f"/admin/{installed}/probe?{load(sandbox, mint())}")
    assert answer.status_code == 200
    context = probed(answer.get_data(as_text=True))
    assert context["link_params"] == {"embedded": "1", "shop": SHOP, "host": admin_host(sandbox), "locale": "fr"}
    assert context["locale"] == "fr" and context["actor"] == "shopify-user:42"


def test_a_form_carries_its_token_in_its_hidden_field_never_in_its_url(
    client: FlaskClient, sandbox: Sandbox, installed: str
) -> None:
    posted = client.post(f"/admin/{installed}/probe?{load(sandbox)}", data={"id_token": mint(), "note": "x"})
    assert posted.status_code == 200
    assert probed(posted.get_data(as_text=True))["shop_id"] == installed
    in_url = client.post(f"/admin/{installed}/probe?{load(sandbox, mint())}", data={"note": "x"})
    assert in_url.status_code == 303
    assert urlsplit(in_url.headers["Location"]).path == "/auth/session-token"


def test_a_token_of_another_shop_opens_nothing_of_this_one(
    client: FlaskClient, container: Container, installed: str
) -> None:
    with container.uow() as uow:
        other = uow.shops.add(Platform.SHOPIFY, "other-shop.myshopify.com", credentials={"access_token": "x"}).id
        uow.commit()
    token = mint("other-shop.myshopify.com")
    answer = client.get(f"/admin/{installed}/probe", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert "Open the returns admin from your shop" in answer.get_data(as_text=True)
    assert other != installed


def test_a_request_with_neither_token_nor_shopifys_parameters_is_left_to_the_other_ways_in(
    client: FlaskClient, installed: str
) -> None:
    answer = client.get(f"/admin/{installed}/probe")
    assert answer.status_code == 401
    assert RETRY not in answer.headers
    assert answer.headers["Content-Security-Policy"] == "frame-ancestors 'none';"


def test_the_admin_link_opens_the_queue_searched_for_the_orders_number(
    client: FlaskClient, container: Container, sandbox: Sandbox, installed: str
) -> None:
    with container.uow() as uow:
        uow.orders(installed).upsert(order(shop_id=installed, order_id="gid://shopify/Order/450789469"))
        uow.commit()
    for given in ("450789469", "gid://shopify/Order/450789469"):
        answer = client.get(f"/shopify/order-returns?{load(sandbox, mint(), id=given)}")
        assert answer.status_code == 302
        assert urlsplit(answer.headers["Location"]).path == f"/admin/{installed}/"
        assert query_of(answer.headers["Location"])["q"] == "#1001"
    for odd in ("1 OR 1=1", "450789470", ""):
        answer = client.get(f"/shopify/order-returns?{load(sandbox, mint(), id=odd)}")
        assert answer.status_code == 302 and "q" not in query_of(answer.headers["Location"])


@pytest.mark.parametrize(("target", "allowed"), [
    ("/admin/x/", True),
    ("https://admin.shopify.com/store/sandbox-shop/apps/k", True),
    (f"https://{SHOP}/admin/orders", True),
    ("http://127.0.0.1:8000/shopify/install?shop=" + SHOP, True),
    ("https://evil.example/", False),
    ("//evil.example/", False),
    ("javascript:alert(1)", False),
])
def test_exit_iframe_opens_only_this_app_and_the_shops_admin_in_the_top_window(
    client: FlaskClient, target: str, allowed: bool
) -> None:
    answer = client.get(f"/auth/exit-iframe?{urlencode({'exitIframe': target, 'shop': SHOP})}")
    html = answer.get_data(as_text=True)
    if allowed:
        assert answer.status_code == 200
        assert f'data-exit-iframe="{target.replace("&", "&amp;")}"' in html
        assert 'target="_top"' in html
    else:
        assert answer.status_code == 400 and "data-exit-iframe" not in html
