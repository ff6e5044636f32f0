"""Shopify's table of the config file (``[shopify]``): the app's key, the env var holding its secret, the pinned
Admin API version, the scopes asked at install, the scripts of the embedded admin (App Bridge, Polaris).

It lives with the platform (``SECTION`` is ``PROVIDER.config_section``), so the core validates the table without
naming Shopify. Platform code reads it with ``settings_of(config)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from marshmallow import ValidationError, fields, validates_schema

from connector.config.model import Config
from connector.config.schema import ENV_NAME
from connector.config.sections import ConfigSection, StrictSchema
from connector.shopaddress import shopify_shop_domain

KEY = "shopify"
_API_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")
APP_BRIDGE_URL: Final = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
"""App Bridge as Shopify serves it (it updates itself; shopify.dev/docs/api/app-bridge-library)."""
POLARIS_URL: Final = "https://cdn.shopify.com/shopifycloud/polaris-1.js"
"""Polaris web components, the stable channel of version 1 (shopify.dev/docs/api/app-home/v1.0/web-components:
"polaris-1.js ... the newest stable release in Polaris 1"). Both are settings so that tests and the demo load a
local stand-in (the Shopify sandbox serves one) and nothing reaches the internet; empty leaves Polaris out (the
pages' custom elements then show their plain HTML children)."""


@dataclass(frozen=True, slots=True)
class ShopifySettings:
    api_version: str = "2026-04"
    api_key: str = ""
    api_secret_env: str = "SHOPIFY_API_SECRET"  # noqa: S105 - the NAME of the env var, not a secret
    admin_base_url: str = ""
    app_bridge_url: str = APP_BRIDGE_URL
    polaris_url: str = POLARIS_URL
    scopes: tuple[str, ...] = (
        "read_orders",
        "write_orders",
        "read_returns",
        "write_returns",
        "read_products",
        "read_customers",
        "write_store_credit_account_transactions",
        "write_gift_cards",
        "write_app_proxy",  # the storefront portal's /apps/returns proxy: "Configuring an app proxy requires the
        # write_app_proxy access scope" (shopify.dev/apps/build/online-store/display-dynamic-data)
    )


def _script_url(value: str) -> None:
    """A script the admin's pages load: https (or http on this machine, for the sandbox's stand-in), or empty."""
    if value and not re.match(r"^(https://[^\s/]+|http://(127\.0\.0\.1|localhost)(:\d+)?)/\S*$", value):
        raise ValidationError("must be an https:// URL (http:// only for 127.0.0.1 or localhost)")


def _app_bridge_url(value: str) -> None:
    """App Bridge cannot be left out: without it the page gets no ID token."""
    if not value:
        raise ValidationError("must not be empty: the embedded admin needs App Bridge")
    _script_url(value)


class ShopifySchema(StrictSchema):
    api_version = fields.String()
    api_key = fields.String()
    api_secret_env = fields.String(validate=ENV_NAME)
    admin_base_url = fields.String()
    app_bridge_url = fields.String(validate=_app_bridge_url)
    polaris_url = fields.String(validate=_script_url)
    scopes = fields.List(fields.String())

    @validates_schema
    def _version(self, data: dict[str, Any], **_: Any) -> None:
        version = data.get("api_version")
        if version is None:
            return
        match = _API_VERSION.match(version)
        if not match:
            raise ValidationError("must look like 2026-04", "api_version")
        if version < "2026-04":
            raise ValidationError(
                "must be 2026-04 or later (refund idempotency is enforced from 2026-04)", "api_version"
            )


def settings_of(config: Config) -> ShopifySettings:
    """The ``[shopify]`` table of ``config``, its defaults when it has none."""
    return config.section(KEY, ShopifySettings)


def _spell_address(raw: str, *, allow_private: bool) -> str:
    """A ``[[shops]]`` shop domain: ``your-shop.myshopify.com`` whatever the flag (Shopify is never internal)."""
    return shopify_shop_domain(raw)


def _warnings(settings: ShopifySettings, config: Config) -> list[str]:
    """An app key without its secret: installs, webhooks and session tokens would all be refused."""
    if settings.api_key and not config.secret(settings.api_secret_env):
        return [f"{KEY}.api_secret_env: environment variable {settings.api_secret_env} is not set"]
    return []


SECTION: ConfigSection[ShopifySettings] = ConfigSection(
    key=KEY, schema=ShopifySchema, settings=ShopifySettings, spell_address=_spell_address,
    warnings=_warnings,
)
