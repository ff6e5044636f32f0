"""The WooCommerce "Request a return" link over the portal pages' fixtures (``tests/portal_pages``): shop
``shop-a`` (WooCommerce) has order ``O1`` (``#1001``) of ``ana@example.com``."""

from __future__ import annotations

from tests.api.conftest import app, client, clock, container, fake_shops  # noqa: F401 - fixtures reused
from tests.portal_pages.conftest import _signing_key  # noqa: F401 - the portal's signing key, autouse
