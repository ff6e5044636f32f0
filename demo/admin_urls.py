"""The agents' admin the demo prints for each shop, for a person to open in a browser while the demo runs.

On Shopify it is loaded the way Shopify's admin loads it: the sandbox's admin page (``/store/<name>/apps/<api key>``)
frames the app's URL with a signed ID token, and App Bridge is the sandbox's stand-in, which asks that page for a
fresh token on every form (``sandboxes/shopify/admin_frame.py``). A person opens it as any staff member would.
"""

from __future__ import annotations

from connector.domain.orders import Platform, Shop
from sandboxes.shopify.admin_frame import admin_path
from sandboxes.shopify.options import SandboxOptions


def admin_lines(shopify_url: str, api_key: str, shop: Shop) -> list[str]:
    """Indented lines under the shop's heading of ``report.try_it``."""
    if shop.platform != Platform.SHOPIFY:
        return []
    page = f"{shopify_url}{admin_path(SandboxOptions(shop_domain=shop.address, api_key=api_key))}"
    return [f"  returns admin (agents), inside the sandbox's Shopify admin: {page}   (?locale=fr in French)"]
