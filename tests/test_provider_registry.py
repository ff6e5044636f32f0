"""The platform registry keeps the installed plugins apart from what code registers, so a test that swaps the
registered providers and restores them afterwards never leaves the process without Shopify and WooCommerce."""

from __future__ import annotations

import pytest

from connector import providers
from connector.domain.orders import Platform
from connector.plugins import EntryPointPlugins


def _keys() -> set[str]:
    return {provider.key for provider in providers.registered()}


def test_plugins_loaded_while_the_registered_ones_were_swapped_stay_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "_plugins", EntryPointPlugins(providers.PLUGIN_GROUP, providers.PlatformProvider))
    with monkeypatch.context() as swapped:
        swapped.setattr(providers, "_providers", {})
        assert _keys() >= {Platform.SHOPIFY.value, Platform.WOOCOMMERCE.value}  # loaded here, first lookup
    assert _keys() >= {Platform.SHOPIFY.value, Platform.WOOCOMMERCE.value}
    assert providers.provider_for(Platform.SHOPIFY).key == Platform.SHOPIFY.value


def test_a_provider_registered_in_code_wins_over_the_plugin_of_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "_providers", {})
    plugin = providers.provider_for(Platform.WOOCOMMERCE)
    stand_in = providers.PlatformProvider(key=plugin.key, adapter_factory=plugin.adapter_factory,
                                          poll_interval=lambda _config: 1, admit_address=plugin.admit_address)
    providers.register(stand_in)
    assert providers.provider_for(Platform.WOOCOMMERCE) is stand_in
    assert [p for p in providers.registered() if p.key == plugin.key] == [stand_in]
