"""The WordPress plugin's tokens against the connector, over the API tests' app and database (SQLite and
PostgreSQL): shop ``shop-a`` is the WooCommerce store ``https://shop.example`` with a shared secret
(``SECRET``, once a test uses ``plugin_secret``), shop ``shop-b`` a Shopify shop; each has an order ``#1001``."""

from __future__ import annotations

from typing import Any

import pytest

from connector.bootstrap import Container
from platforms.woocommerce.plugin_secret import KEY
from tests.api.conftest import Clock, app, client, clock, container, fake_shops  # noqa: F401 - fixtures reused
from tests.portal_pages.conftest import _signing_key  # noqa: F401 - the portal's signing key, autouse
from tests.wordpress_plugin.php import sign_with_plugin

SHOP = "shop-a"
STORE = "https://shop.example"
SECRET = "s3cr3t-shared-with-the-plugin-0123456789abcdef"


@pytest.fixture
def plugin_secret(container: Container) -> str:  # noqa: F811 - the API tests' fixture
    with container.uow() as uow:
        creds = uow.shops.credentials(SHOP) or {}
        uow.shops.set_credentials(SHOP, {**creds, KEY: SECRET})
        uow.commit()
    return SECRET


def php_token(app_clock: Clock, aud: str = "admin", *, shop: str = SHOP, store: str = STORE, secret: str = SECRET,
              lifetime: int = 300, ago: int = 0, **extra: Any) -> str:
    """A token signed by the plugin's own PHP, issued ``ago`` seconds before the app's clock."""
    claims = {"user": 7, "login": "marie", "role": "shop_manager", "locale": "fr_FR"} if aud == "admin" else {}
    claims.update(extra)
    signed = sign_with_plugin({"aud": aud, "shop": shop, "store": store, "extra": claims, "secret": secret,
                               "now": int(app_clock.now.timestamp()) - ago, "lifetime": lifetime})
    return str(signed["token"])
