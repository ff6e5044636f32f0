"""A plugin token checked against the shop it names: the shop's own secret, its address, and single use.

``plugin_token.verify`` proves what the token alone can (signature, audience, age); this adds what only the
database knows: the shop is a connected WooCommerce shop with a shared secret, the ``store`` claim is that
shop's address (a token signed for another store is refused even under a secret they might share), and the
nonce was never seen (``uow.single_use(...).use_once``, in its own transaction, so a token is accepted once
across every process). No Flask here: the routes (``plugin_entry``) and the tests call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from connector.bootstrap import Container
from connector.domain.orders import Platform, Shop
from connector.errors import ConfigError
from connector.shopaddress import woocommerce_store_url
from connector.store.errors import UnknownShop
from platforms.woocommerce.plugin_secret import KEY as SECRET_KEY
from platforms.woocommerce.plugin_token import (
    Audience,
    PluginToken,
    PluginTokenError,
    TokenRejected,
    unverified_claims,
    verify,
)

NONCES: Final = "wp-plugin-token"
"""The single-use values' purpose for the tokens' nonces."""


@dataclass(frozen=True, slots=True)
class CheckedToken:
    shop: Shop
    token: PluginToken
    secret: str


def check_plugin_token(container: Container, raw: str, audience: Audience) -> CheckedToken:
    """The token and its shop, when the shop's secret signed it for ``audience``, for that shop's store, valid
    now by the container's clock and never used before; else ``PluginTokenError`` saying why."""
    shop_id = unverified_claims(raw).get("shop")
    if not isinstance(shop_id, str) or not shop_id:
        raise PluginTokenError(TokenRejected.MALFORMED)
    shop, secret = _shop_and_secret(container, shop_id)
    token = verify(raw, secret, audience=audience, now=container.clock().timestamp())
    if not _same_store(token.store, shop.address):
        raise PluginTokenError(TokenRejected.WRONG_STORE)
    with container.uow() as uow:
        fresh = uow.single_use(NONCES).use_once(f"wp:{token.nonce}", shop.id)
        uow.commit()
    if not fresh:
        raise PluginTokenError(TokenRejected.REPLAYED)
    return CheckedToken(shop, token, secret)


def current_secret(container: Container, shop_id: str) -> str | None:
    """The shop's shared secret today, when it is an active WooCommerce shop that has one (a session opened
    with another one, since rotated, is over)."""
    try:
        return _shop_and_secret(container, shop_id)[1]
    except PluginTokenError:
        return None


def _shop_and_secret(container: Container, shop_id: str) -> tuple[Shop, str]:
    with container.uow() as uow:
        try:
            shop = uow.shops.get(shop_id)
        except UnknownShop:
            raise PluginTokenError(TokenRejected.UNKNOWN_SHOP) from None
        if shop.platform != Platform.WOOCOMMERCE or not shop.active:
            raise PluginTokenError(TokenRejected.UNKNOWN_SHOP)
        secret = (uow.shops.credentials(shop.id) or {}).get(SECRET_KEY, "")
    if not secret:
        raise PluginTokenError(TokenRejected.UNKNOWN_SHOP)
    return shop, secret


def _same_store(claimed: str, address: str) -> bool:
    try:
        return woocommerce_store_url(claimed) == woocommerce_store_url(address)
    except ConfigError:
        return False
