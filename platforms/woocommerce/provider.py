"""WooCommerce as the core sees it: how a shop's adapter is built, how often it is polled, what it can do.

WooCommerce has no return record of its own: each step of a return is told to the shop with an order note,
store credit is paid on its own, apart from the refund, and an order's refunds are listed on request.
"""

from __future__ import annotations

from connector.config.model import Config
from connector.domain.orders import Platform, Shop
from connector.netguard import admit_store_url
from connector.pages.return_link import ReturnLinkNotes
from connector.ports import ShopAdapter
from connector.providers import Capability, PlatformProvider, ProcessResources
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.echo import RedisEchoRegistry
from platforms.woocommerce.install import connect_blueprints
from platforms.woocommerce.products import FinalSaleRule
from platforms.woocommerce.settings import SECTION, settings_of
from platforms.woocommerce.webhook_source import WooSource, translate_webhook


def build_adapter(container: ProcessResources, shop: Shop, credentials: dict[str, str]) -> ShopAdapter:
    base_url = credentials.get("base_url") or None
    echoes = None if container.redis is None else RedisEchoRegistry(container.redis, namespace=shop.address)
    settings = settings_of(container.config)
    return WooCommerceAdapter.from_credentials(
        base_url or shop.address, credentials, shop_id=shop.id, echo_registry=echoes,
        allow_private=container.config.app.allow_private_store_urls,
        final_sale=FinalSaleRule(frozenset(settings.final_sale_tags), settings.final_sale_meta_key or None),
        product_cache_seconds=settings.product_cache_seconds,
        return_link_notes=ReturnLinkNotes(container.config),
    )


def _poll_interval(config: Config) -> int:
    return settings_of(config).poll_every_seconds


def _admit_address(raw: str, config: Config) -> str:
    """A store URL, refused when it points inside while ``[app] allow_private_store_urls`` is off."""
    return admit_store_url(raw, allow_private=config.app.allow_private_store_urls)


PROVIDER = PlatformProvider(
    webhook_source=WooSource(),
    translate_webhook=translate_webhook,
    key=Platform.WOOCOMMERCE.value,
    adapter_factory=build_adapter,
    poll_interval=_poll_interval,
    admit_address=_admit_address,
    blueprints=connect_blueprints,
    config_section=SECTION,
    capabilities=frozenset({Capability.LISTS_ORDER_REFUNDS, Capability.RETURN_LINK_BY_CUSTOMER_NOTE}),
)
