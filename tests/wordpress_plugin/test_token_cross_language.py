"""PHP signs with the plugin's own ``includes/token.php`` (php-cli), the connector checks
(``plugin_token.verify``, then ``plugin_check`` against the shop): a good token is accepted once; a tampered,
expired, future, overlong, replayed, misdirected or other store's token is refused, each for its reason."""

from __future__ import annotations

import base64
import json

import pytest

from connector.bootstrap import Container
from platforms.woocommerce.plugin_check import check_plugin_token
from platforms.woocommerce.plugin_secret import KEY
from platforms.woocommerce.plugin_token import Audience, PluginTokenError, TokenRejected, sign, verify
from tests.api.conftest import Clock
from tests.wordpress_plugin.conftest import SECRET, SHOP, STORE, php_token
from tests.wordpress_plugin.php import sign_with_plugin

pytestmark = pytest.mark.usefixtures("plugin_secret")


def _now(clock: Clock) -> float:
    return clock.now.timestamp()


def _refused(token: str, reason: TokenRejected, clock: Clock, *, secret: str = SECRET,
             audience: Audience = Audience.ADMIN) -> None:
    with pytest.raises(PluginTokenError) as refused:
        verify(token, secret, audience=audience, now=_now(clock))
    assert refused.value.reason is reason


def test_python_accepts_what_php_signs(clock: Clock) -> None:
    token = verify(php_token(clock, order="41", order_number="1041"), SECRET, audience=Audience.ADMIN,
                   now=_now(clock))
    assert (token.shop_id, token.store, token.audience) == (SHOP, STORE, Audience.ADMIN)
    assert token.expires_at - token.issued_at == 300 and token.issued_at == int(_now(clock))
    assert len(token.nonce) == 32
    assert {k: token.claims[k] for k in ("user", "login", "role", "locale", "order", "order_number")} == {
        "user": 7, "login": "marie", "role": "shop_manager", "locale": "fr_FR", "order": "41", "order_number": "1041"}


def test_the_format_is_the_documented_one(clock: Clock) -> None:
    """base64url(JSON) "." base64url(HMAC-SHA256(secret, "returns-connector.v1." + payload)), no padding:
    Python's twin of the PHP function makes the very same token from the same claims."""
    signed = sign_with_plugin({"aud": "return", "shop": SHOP, "store": STORE, "secret": SECRET,
                               "extra": {"order": "41", "customer": 3, "locale": "en_GB", "name": "Zoë/é"},
                               "now": int(_now(clock))})
    token, claims = signed["token"], signed["claims"]
    assert "=" not in token and token.count(".") == 1
    assert sign(claims, SECRET) == token
    payload = token.split(".")[0]
    assert json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))) == claims
    assert signed["url"] == "https://c.example/admin/enter/woocommerce?token=T"


def test_a_tampered_token_is_refused(clock: Clock) -> None:
    token = php_token(clock)
    payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "administrator"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _refused(f"{forged}.{signature}", TokenRejected.BAD_SIGNATURE, clock)
    flipped = signature[:-2] + ("AA" if not signature.endswith("AA") else "BB")
    _refused(f"{payload}.{flipped}", TokenRejected.BAD_SIGNATURE, clock)
    _refused(token, TokenRejected.BAD_SIGNATURE, clock, secret="another-store's-secret-0123456789abcdef")


@pytest.mark.parametrize("raw", ["", "abc", "a.b.c", "%%%.%%%", "eyJ2IjoxfQ.", "W10.AAAA", "x" * 5000])
def test_garbage_is_refused_as_malformed_or_unsigned(raw: str, clock: Clock) -> None:
    with pytest.raises(PluginTokenError) as refused:
        verify(raw, SECRET, audience=Audience.ADMIN, now=_now(clock))
    assert refused.value.reason in (TokenRejected.MALFORMED, TokenRejected.BAD_SIGNATURE)


def test_time_is_checked(clock: Clock) -> None:
    _refused(php_token(clock, ago=300), TokenRejected.EXPIRED, clock)
    verify(php_token(clock, ago=299), SECRET, audience=Audience.ADMIN, now=_now(clock))
    _refused(php_token(clock, ago=-61), TokenRejected.NOT_YET_VALID, clock)  # the store's clock far ahead
    verify(php_token(clock, ago=-60), SECRET, audience=Audience.ADMIN, now=_now(clock))
    _refused(php_token(clock, lifetime=3600), TokenRejected.BAD_CLAIMS, clock)  # not what our plugin makes


def test_a_token_for_the_portal_does_not_open_the_admin(clock: Clock) -> None:
    _refused(php_token(clock, "return", order="41", customer=3), TokenRejected.WRONG_AUDIENCE, clock)
    _refused(php_token(clock), TokenRejected.WRONG_AUDIENCE, clock, audience=Audience.RETURN)


# -- against the shop: its secret, its store, once ---------------------------------------------------------------


def _check_refused(container: Container, token: str, reason: TokenRejected) -> None:
    with pytest.raises(PluginTokenError) as refused:
        check_plugin_token(container, token, Audience.ADMIN)
    assert refused.value.reason is reason


def test_a_token_is_accepted_once(container: Container, clock: Clock) -> None:
    token = php_token(clock)
    checked = check_plugin_token(container, token, Audience.ADMIN)
    assert (checked.shop.id, checked.secret) == (SHOP, SECRET)
    _check_refused(container, token, TokenRejected.REPLAYED)
    check_plugin_token(container, php_token(clock), Audience.ADMIN)  # a new one (new nonce) is fine


def test_the_store_must_be_the_shops(container: Container, clock: Clock) -> None:
    check_plugin_token(container, php_token(clock, store="HTTPS://Shop.Example:443/"), Audience.ADMIN)
    _check_refused(container, php_token(clock, store="https://other-shop.example"), TokenRejected.WRONG_STORE)
    _check_refused(container, php_token(clock, store="not a url"), TokenRejected.WRONG_STORE)


def test_another_shops_token_opens_nothing(container: Container, clock: Clock) -> None:
    """Named for the Shopify shop, or an unknown one, or signed with shop-a's secret for shop-b: refused."""
    _check_refused(container, php_token(clock, shop="shop-b", store="https://b-shop.myshopify.com"),
                   TokenRejected.UNKNOWN_SHOP)
    _check_refused(container, php_token(clock, shop="nope"), TokenRejected.UNKNOWN_SHOP)
    with container.uow() as uow:
        uow.shops.add("woocommerce", "https://other-shop.example", shop_id="shop-c",
                      credentials={KEY: "the-other-shops-own-secret-0123456789abcdef"})
        uow.commit()
    _check_refused(container, php_token(clock, shop="shop-c", store="https://other-shop.example"),
                   TokenRejected.BAD_SIGNATURE)


def test_a_shop_without_a_secret_or_inactive_opens_nothing(container: Container, clock: Clock) -> None:
    with container.uow() as uow:
        uow.shops.set_active(SHOP, False)
        uow.commit()
    _check_refused(container, php_token(clock), TokenRejected.UNKNOWN_SHOP)
    with container.uow() as uow:
        uow.shops.set_active(SHOP, True)
        uow.shops.set_credentials(SHOP, {"consumer_key": "ck", "consumer_secret": "cs"})
        uow.commit()
    _check_refused(container, php_token(clock), TokenRejected.UNKNOWN_SHOP)
