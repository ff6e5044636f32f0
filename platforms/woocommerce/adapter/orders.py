"""The WooCommerce adapter's reads: an order by id or as the customer names it, the orders changed since a
time (the poll), stock and prices for an exchange, and the webhooks that hint at changes.

Every order read here carries its products' facts (final-sale flags), read through the cached catalogue:
an order is never handed on without them (``map_webhook_order``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from connector.domain.money import Money
from connector.domain.order_numbers import normalize_order_number
from connector.domain.orders import Order
from connector.domain.shop_refunds import ShopRefund
from connector.domain.timeutil import require_utc
from connector.errors import ConfigError, ConnectorError, NotFound
from connector.ports import IncomingEvent
from platforms.woocommerce import refund_events, webhooks
from platforms.woocommerce.adapter.base import WooAdapterBase
from platforms.woocommerce.adapter.pricing import ReplacementPrices, promisable_stock
from platforms.woocommerce.client import MAX_PER_PAGE
from platforms.woocommerce.ids import woo_id as _id
from platforms.woocommerce.mapping import MappingError, order_from_woo
from platforms.woocommerce.products import in_batches, product_ids_of, with_product_facts
from platforms.woocommerce.subscriptions import ensure_webhooks
from platforms.woocommerce.tax_rate import order_tax_rate

log = logging.getLogger(__name__)

POLL_OVERLAP: Final = timedelta(seconds=1)
"""``modified_after`` is exclusive and has one-second resolution: re-read the boundary second."""


def _gmt(stamp: datetime) -> str:
    """Woo's GMT format (no zone suffix) for an aware datetime."""
    require_utc(stamp)
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class OrderReads(WooAdapterBase):
    """Orders, stock and prices as the common model sees them; webhooks as hints to read them again."""

    def _map(self, raw: Mapping[str, Any], with_refunds: bool = True) -> Order:
        refunds = self._refunds_raw(str(raw["id"])) if with_refunds and raw.get("refunds") else []
        order = order_from_woo(raw, shop_id=self.shop_id, refunds=refunds,
                               delivered_meta_keys=self.delivered_meta_keys)
        return self.with_products(raw, order)

    def with_products(self, raw: Mapping[str, Any], order: Order) -> Order:
        """The order's lines with their products' facts: one cached read per order (``products``)."""
        facts = self.products.facts_for(product_ids_of(raw))
        return with_product_facts(order, raw, facts, self.products.rule)

    def map_webhook_order(self, raw: Mapping[str, Any]) -> Order:
        """A webhook body as an order with product facts. A failed product read raises ``ValueError``, so
        the order is treated as a hint and read again later: never stored without its final-sale flags."""
        order = order_from_woo(raw, shop_id=self.shop_id, delivered_meta_keys=self.delivered_meta_keys)
        try:
            return self.with_products(raw, order)
        except ConnectorError as exc:
            raise ValueError(f"order {raw.get('id')}: products unreadable: {exc}") from exc

    def fetch_order(self, order_id: str) -> Order:
        return self._map(self._order_raw(order_id))

    def shop_refunds(self, order_id: str) -> list[ShopRefund]:
        """Every refund of the order, ours (they carry our keys) and those made by hand on the order screen."""
        currency = str(self._order_raw(order_id).get("currency") or "")
        return refund_events.shop_refunds(order_id, self._refunds_raw(order_id), currency) if currency else []

    def find_order(self, order_number: str, email: str) -> Order | None:
        """The order the customer names (number as shown, ``#`` optional) if the billing email matches.

        The shop work depends on what was typed, never on what the shop holds: a number made of digits
        is read by id *and* searched for (a custom-numbering plugin may give order 418 another number,
        and a search for "418" can match other orders first), whether or not the id exists and whatever
        its e-mail. Stopping after a matching id made a wrong e-mail one call and a missing order two,
        which the portal's answer time showed (no existence leak through timing).
        """
        number = normalize_order_number(order_number)
        wanted = email.strip().lower()
        if not number or not wanted:
            return None
        candidates: list[dict[str, Any]] = []
        if number.isdigit():
            with contextlib.suppress(NotFound):
                candidates.append(self._order_raw(number))
        page = self.client.get_page("orders", {"search": number, "per_page": 20})
        candidates.extend(c for c in page.items if isinstance(c, dict))
        for raw in candidates:
            billing = raw.get("billing") or {}
            if (
                normalize_order_number(str(raw.get("number"))) == number
                and str(billing.get("email", "")).strip().lower() == wanted
            ):
                return self._map(raw)
        return None

    def orders_changed_since(self, since: datetime | None) -> Iterator[Order]:
        """Orders modified after ``since`` (oldest first), streamed page by page. Webhooks are only hints."""
        params: dict[str, Any] = {"orderby": "modified", "order": "asc", "dates_are_gmt": True}
        if since is not None:
            params["modified_after"] = _gmt(since - POLL_OVERLAP)
        orders = (raw for raw in self.client.paginate("orders", params) if isinstance(raw, dict))
        for page in in_batches(orders, MAX_PER_PAGE):
            self.products.prefetch(page)  # one products read per page of orders
            for raw in page:
                try:
                    yield self._map(raw)
                except (MappingError, ValueError) as exc:
                    log.warning("woocommerce.order.unmappable", extra={"order_id": raw.get("id"), "error": str(exc)})

    def available_stock(self, variant_id: str, product_id: str | None = None) -> int | None:
        """Units that can be promised now; None = not stock-managed or backorders allowed (no limit)."""
        return promisable_stock(self._variant_raw(variant_id, product_id))

    def variant_price(self, variant_id: str, order: Order, product_id: str | None = None) -> Money | None:
        """The replacement's current unit price in the order's currency, tax included (``ReplacementPrices``)."""
        product = self._variant_raw(variant_id, product_id)
        return self.replacement_prices(order).price(product)

    def _variant_raw(self, variant_id: str, product_id: str | None) -> Any:
        """A variation through its parent, or a product (a simple product is its own only variant)."""
        if product_id and product_id != variant_id:
            return self.client.get(f"products/{_id(product_id)}/variations/{_id(variant_id)}")
        return self.client.get(f"products/{_id(variant_id)}")

    def replacement_prices(self, order: Order) -> ReplacementPrices:
        """Prices for this order's replacements, reading the store's settings at most once for all of them."""
        return ReplacementPrices(
            order.currency,
            store_currency=self._store_currency,
            prices_include_tax=self._prices_include_tax,
            order_tax_rate=lambda: order_tax_rate(self._order_raw(order.id)),
        )

    def _store_currency(self) -> str:
        setting = self.client.get("settings/general/woocommerce_currency")
        return str(setting.get("value") or "").upper() if isinstance(setting, dict) else ""

    def _prices_include_tax(self) -> bool:
        """``woocommerce_prices_include_tax``: how the catalogue's prices meet tax (``exchange_order``)."""
        setting = self.client.get("settings/tax/woocommerce_prices_include_tax")
        return isinstance(setting, dict) and setting.get("value") == "yes"

    # -- webhooks -----------------------------------------------------------------------------

    def is_own_echo(self, payload: Mapping[str, Any]) -> bool:
        """True when the payload shows exactly the state our last write left the order in."""
        modified = payload.get("date_modified_gmt")
        return isinstance(modified, str) and self.echoes.matches(str(payload.get("id")), modified)

    def translate_webhook(self, topic: str, payload: Mapping[str, Any]) -> IncomingEvent:
        return webhooks.translate(
            topic,
            payload,
            shop_address=self.shop_address,
            map_order=self.map_webhook_order,
            own_write=self.is_own_echo(payload),
        )

    def subscribe_webhooks(self, callback_url: str) -> list[str]:
        if not self.webhook_secret:
            raise ConfigError(f"{self.shop_address}: no webhook secret; connect the shop first")
        return ensure_webhooks(self.client, callback_url, self.webhook_secret).ids
