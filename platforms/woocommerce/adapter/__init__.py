"""``ShopAdapter`` for WooCommerce: the connector is the system of record and pushes effects to the shop.

WooCommerce has no return object, so ``create/approve/decline/close/cancel_return`` only leave an order
note. Money and goods move through three writes, none of which Woo makes idempotent:

* refund  -> ``POST orders/<id>/refunds``; our key in ``reason`` (saved before the gateway runs) and meta;
* credit  -> ``POST coupons`` with a code derived from the key, our key in its meta (``credit``: a code
  someone else holds moves the credit to the next code of a fixed sequence);
* exchange-> ``POST orders`` with ``parent_id`` = original order and our key in meta.

Each write looks for its own earlier effect first, and ``find_*`` looks for it after ``OutcomeUnknown``.

One idea per module, joined here as mixins of ``WooCommerceAdapter``: ``base`` (settings, raw reads, writes,
notes, echoes, the lifecycle notes), ``orders`` (reads, the poll, stock, prices, webhooks), ``refunds`` (and
restock), ``store_credit``, ``exchanges``, ``catalogue`` (what a line can be exchanged for, priced and
counted by ``pricing``) and ``return_shipping`` (a return parcel's note and meta on the order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from connector.domain.timeutil import utcnow
from connector.errors import ConfigError
from connector.pages.return_link import ReturnLinkNotes
from connector.ports import AttachesReturnShipping, ShopAdapter
from platforms.woocommerce import gateways, variations
from platforms.woocommerce.adapter.base import StoreCreditMode
from platforms.woocommerce.adapter.catalogue import ExchangeCatalogue
from platforms.woocommerce.adapter.exchanges import Exchanges
from platforms.woocommerce.adapter.refunds import Refunds
from platforms.woocommerce.adapter.return_shipping import ReturnShipping
from platforms.woocommerce.adapter.store_credit import StoreCredit
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.echo import EchoRegistry, InMemoryEchoRegistry
from platforms.woocommerce.mapping import DELIVERED_META_KEYS
from platforms.woocommerce.products import DEFAULT_TTL_SECONDS, FinalSaleRule, ProductCatalog

__all__ = ["WooCommerceAdapter"]


class WooCommerceAdapter(Exchanges, ExchangeCatalogue, Refunds, StoreCredit, ReturnShipping):
    """One WooCommerce shop seen through the common model (see module docstring)."""

    platform: str = "woocommerce"

    def __init__(
        self,
        client: WooClient,
        *,
        shop_id: str,
        webhook_secret: str | None = None,
        store_credit_mode: StoreCreditMode = "fixed_cart",
        credit_validity: timedelta = timedelta(days=365),
        manual_refund_fallback: bool = True,
        echo_registry: EchoRegistry | None = None,
        delivered_meta_keys: Sequence[str] = DELIVERED_META_KEYS,
        final_sale: FinalSaleRule | None = None,
        product_cache_seconds: float = DEFAULT_TTL_SECONDS,
        gateway_cache_seconds: float = gateways.DEFAULT_TTL_SECONDS,
        variation_cache_seconds: float = variations.DEFAULT_TTL_SECONDS,
        clock: Callable[[], datetime] = utcnow,
        return_link_notes: ReturnLinkNotes | None = None,
    ) -> None:
        self.client = client
        self.return_link_notes = return_link_notes
        self.shop_id = shop_id
        self.shop_address = client.store_url
        self.webhook_secret = webhook_secret
        self.store_credit_mode = store_credit_mode
        self.credit_validity = credit_validity
        self.manual_refund_fallback = manual_refund_fallback
        self.echoes = echo_registry if echo_registry is not None else InMemoryEchoRegistry()
        self.delivered_meta_keys = tuple(delivered_meta_keys)
        self._clock = clock
        self._smart_coupons: bool | None = None
        self.products = ProductCatalog(client, final_sale or FinalSaleRule(), ttl_seconds=product_cache_seconds)
        self.gateways = gateways.GatewayRefunds(client, ttl_seconds=gateway_cache_seconds)
        self.variations = variations.VariationCatalogue(client, ttl_seconds=variation_cache_seconds)

    @classmethod
    def from_credentials(
        cls, store_url: str, credentials: Mapping[str, str], *, shop_id: str, allow_private: bool = False,
        **options: Any,
    ) -> WooCommerceAdapter:
        """Build from what ``auth`` stored: ``consumer_key``, ``consumer_secret``, ``webhook_secret``."""
        try:
            client = WooClient(store_url, credentials["consumer_key"], credentials["consumer_secret"],
                               allow_private=allow_private)
        except KeyError as exc:
            raise ConfigError(f"{store_url}: no WooCommerce keys stored") from exc
        options.setdefault("webhook_secret", credentials.get("webhook_secret"))
        return cls(client, shop_id=shop_id, **options)


if TYPE_CHECKING:  # the adapter must keep satisfying the port
    _port_check: type[ShopAdapter] = WooCommerceAdapter
    _shipping_check: type[AttachesReturnShipping] = WooCommerceAdapter
