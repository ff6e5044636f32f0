"""The portal through Shopify's app proxy, over the portal pages' fixtures (``tests/portal_pages``): the same
database, in-memory shops and signing key; shop ``shop-b`` is the Shopify shop ``b-shop.myshopify.com``."""

from __future__ import annotations

from tests.api.conftest import app, client, clock, container, fake_shops  # noqa: F401 - fixtures reused
from tests.portal_pages.conftest import _signing_key  # noqa: F401 - the portal's signing key, autouse
