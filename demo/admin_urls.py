"""The agents' admin the demo prints for each shop, for a person to open in a browser while the demo runs.

On Shopify it is loaded the way Shopify's admin loads it: the sandbox's admin page (``/store/<name>/apps/<api key>``)
frames the app's URL with a signed ID token, and App Bridge is the sandbox's stand-in, which asks that page for a
fresh token on every form (``sandboxes/shopify/admin_frame.py``). A person opens it as any staff member would.

On WooCommerce it is opened as the Returns Connector plugin opens it: the sandbox's stand-in for the plugin's
"Returns" button (``sandboxes/woocommerce/routes_plugin.py``) signs a fresh five-minute token with the shop's
shared secret on every visit and redirects to ``/admin/enter/woocommerce``, which accepts it once and gives the
browser a session of that shop's admin. ``link_wordpress_plugin`` makes the secret (stored encrypted with the
shop's credentials, as ``returns-connector shops plugin`` does) and pastes the plugin's settings into the sandbox.
"""

from __future__ import annotations

import requests

from connector.domain.orders import Platform, Shop
from connector.store.credentials import DbCredentialStore, UnitOfWorkFactory
from platforms.woocommerce.plugin_secret import issue_plugin_secret
from sandboxes.shopify.admin_frame import admin_path
from sandboxes.shopify.options import SandboxOptions

WORDPRESS_BUTTON = "/wp-admin/admin-post.php?action=returns_connector_open"


def admin_lines(shopify_url: str, api_key: str, shop: Shop) -> list[str]:
    """Indented lines under the shop's heading of ``report.try_it``."""
    if shop.platform == Platform.WOOCOMMERCE:
        return [f"  returns admin (agents), from the sandbox's WordPress Returns button: {shop.address}"
                f"{WORDPRESS_BUTTON}   (&locale=fr_FR in French)"]
    if shop.platform != Platform.SHOPIFY:
        return []
    page = f"{shopify_url}{admin_path(SandboxOptions(shop_domain=shop.address, api_key=api_key))}"
    return [f"  returns admin (agents), inside the sandbox's Shopify admin: {page}   (?locale=fr in French)"]


def link_wordpress_plugin(uow: UnitOfWorkFactory, app_url: str, shop: Shop) -> None:
    """The WooCommerce shop's shared secret, made and stored as ``shops plugin`` does, and the plugin's settings
    (the connector's address, the shop id, the secret) given to the sandbox's stand-in for WordPress."""
    secret = issue_plugin_secret(DbCredentialStore(uow, Platform.WOOCOMMERCE), shop.address, rotate=True)
    answer = requests.post(f"{shop.address}/__sandbox/returns-connector",
                           json={"url": app_url, "shop_id": shop.id, "secret": secret}, timeout=30)
    answer.raise_for_status()
