"""Wiring for the lead's app factory and workers: one call builds an adapter or the install flow.

Everything here is composition of ``auth`` and ``adapter``; no logic of its own. ``shop_url_for`` maps
a shop domain to its base URL (``https://<shop>`` in production, the sandbox's ``http://127.0.0.1:<port>``
in tests) and is used for both the token endpoint and the GraphQL endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.auth import (
    AppConfig,
    CredentialStore,
    InstallFlow,
    LockFactory,
    StateStore,
    TokenEndpoint,
    TokenManager,
)
from platforms.shopify.client import DEFAULT_API_VERSION


def _https(shop: str) -> str:
    return f"https://{shop}"


def token_endpoint(
    api_key: str, api_secrets: Sequence[str], shop_url_for: Callable[[str], str] = _https
) -> TokenEndpoint:
    """The one place a ``TokenEndpoint`` is built (install, the adapters, this factory): it signs with the current
    secret, the first of the rotation list, and with none configured yet an empty one the shop refuses, so
    which secret signs cannot differ between the install flow and the token refreshes."""
    return TokenEndpoint(api_key, api_secrets[0] if api_secrets else "", shop_url_for=shop_url_for)


def adapter_for(
    shop_domain: str,
    app: AppConfig,
    store: CredentialStore,
    locks: LockFactory,
    *,
    api_version: str = DEFAULT_API_VERSION,
    shop_url_for: Callable[[str], str] = _https,
    **options: Any,
) -> ShopifyAdapter:
    """A ``ShopifyAdapter`` whose token comes from ``store`` and is refreshed under ``locks``.

    ``options`` go to ``ShopifyAdapter`` (``shop_id``, ``restock_location_id``, ``store_credit_fallback``...).
    """
    tokens = TokenManager(shop_domain, store, locks, token_endpoint(app.api_key, app.api_secrets, shop_url_for))
    base_url = None if shop_url_for is _https else shop_url_for(shop_domain)
    return ShopifyAdapter(shop_domain, tokens, api_version=api_version, base_url=base_url, **options)


def install_flow(
    app: AppConfig,
    states: StateStore,
    store: CredentialStore,
    locks: LockFactory,
    *,
    api_version: str = DEFAULT_API_VERSION,
    shop_url_for: Callable[[str], str] = _https,
) -> InstallFlow:
    """The install flow, subscribing ``app.webhook_url`` to our topics once a shop's token is stored."""

    def subscribe(shop: str) -> list[str]:
        adapter = adapter_for(shop, app, store, locks, api_version=api_version, shop_url_for=shop_url_for)
        return adapter.subscribe_webhooks(app.webhook_url)

    endpoint = token_endpoint(app.api_key, app.api_secrets, shop_url_for)
    return InstallFlow(app, states, store, endpoint, subscribe=subscribe)
