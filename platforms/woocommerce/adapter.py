"""``ShopAdapter`` for WooCommerce: the connector is the system of record and pushes effects to the shop.

WooCommerce has no return object, so ``create/approve/decline/close/cancel_return`` only leave an order
note. Money and goods move through three writes, none of which Woo makes idempotent:

* refund  -> ``POST orders/<id>/refunds``; our key in ``reason`` (saved before the gateway runs) and meta;
* credit  -> ``POST coupons`` with a code derived from the key, our key in its meta (``credit``: a code
  someone else holds moves the credit to the next code of a fixed sequence);
* exchange-> ``POST orders`` with ``parent_id`` = original order and our key in meta.

Each write looks for its own earlier effect first, and ``find_*`` looks for it after ``OutcomeUnknown``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from connector.domain.actions import (
    ActionKind,
    ExchangeInstruction,
    PlatformEffect,
    RefundInstruction,
    StoreCreditInstruction,
)
from connector.domain.money import Money
from connector.domain.order_numbers import normalize_order_number
from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.domain.shop_refunds import ShopRefund
from connector.domain.timeutil import require_utc, utcnow
from connector.errors import ConfigError, ConnectorError, NotFound, OutcomeUnknown, PermanentError
from connector.ports import IncomingEvent, ShopAdapter
from platforms.woocommerce import gateways, refund_events, webhooks
from platforms.woocommerce.client import MAX_PER_PAGE, WooClient
from platforms.woocommerce.credit import (
    CLASH_CODES,
    CreditTerms,
    TaxSettings,
    build_coupon_body,
    candidate_codes,
    credit_terms,
    is_ours,
    percent,
    promised_value,
)
from platforms.woocommerce.echo import EchoRegistry, InMemoryEchoRegistry
from platforms.woocommerce.errors import COUPON_CODE_EXISTS, GATEWAY_CANNOT_REFUND, WooApiError
from platforms.woocommerce.exchange_order import (
    GOODS_META,
    applied_credit,
    build_exchange_body,
    price_with_tax,
)
from platforms.woocommerce.ids import woo_id as _id
from platforms.woocommerce.mapping import (
    DELIVERED_META_KEYS,
    MappingError,
    money,
    order_from_woo,
    to_int,
)
from platforms.woocommerce.markers import (
    CURRENCY_META,
    carries_key,
    meta_value,
)
from platforms.woocommerce.products import (
    DEFAULT_TTL_SECONDS,
    FinalSaleRule,
    ProductCatalog,
    in_batches,
    product_ids_of,
    with_product_facts,
)
from platforms.woocommerce.refunds import (
    RefundExceedsRemaining,
    build_refund_body,
    build_restock_body,
    is_over_refund,
    refund_deductions,
    remaining_refundable,
)
from platforms.woocommerce.subscriptions import ensure_webhooks
from platforms.woocommerce.tax_rate import order_tax_rate

log = logging.getLogger(__name__)

StoreCreditMode = Literal["fixed_cart", "smart_coupon", "auto"]
POLL_OVERLAP: Final = timedelta(seconds=1)
"""``modified_after`` is exclusive and has one-second resolution: re-read the boundary second."""
WP_FATAL_ERROR: Final = "internal_server_error"
"""The code of WordPress's fatal-error handler answer (HTTP 500): PHP died mid-request."""


class OutOfStock(PermanentError):
    """The exchange cannot be promised: not enough stock of a variant."""


def _gmt(stamp: datetime) -> str:
    """Woo's GMT format (no zone suffix) for an aware datetime."""
    require_utc(stamp)
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class WooCommerceAdapter:
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
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
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

    # -- reading ------------------------------------------------------------------------------

    def _order_raw(self, order_id: str) -> dict[str, Any]:
        raw = self.client.get(f"orders/{_id(order_id)}")
        if not isinstance(raw, dict):
            raise PermanentError(f"order {order_id}: unexpected answer")
        return raw

    def _refunds_raw(self, order_id: str) -> list[dict[str, Any]]:
        return [r for r in self.client.paginate(f"orders/{_id(order_id)}/refunds") if isinstance(r, dict)]

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
        if product_id and product_id != variant_id:
            product = self.client.get(f"products/{_id(product_id)}/variations/{_id(variant_id)}")
        else:
            product = self.client.get(f"products/{_id(variant_id)}")
        if not isinstance(product, dict):
            return 0
        if product.get("status") not in (None, "publish") or product.get("purchasable") is False:
            return 0
        if product.get("stock_status") == "outofstock":
            return 0
        managed = product.get("manage_stock") is True or product.get("manage_stock") == "parent"
        quantity = product.get("stock_quantity")
        if not managed or quantity is None:
            return None
        if product.get("backorders_allowed") is True:
            return None
        return max(0, to_int(quantity))

    def variant_price(self, variant_id: str, order: Order, product_id: str | None = None) -> Money | None:
        """The replacement's current unit price (``price``: the sale price when on sale) in the order's currency,
        tax included as the customer pays it (``exchange_order.price_with_tax``).

        WooCommerce prices its catalogue in the store currency only; an order in another currency (a
        multi-currency plugin's) has no price the shop itself would quote, so None: the caller says so.
        """
        if product_id and product_id != variant_id:
            product = self.client.get(f"products/{_id(product_id)}/variations/{_id(variant_id)}")
        else:
            product = self.client.get(f"products/{_id(variant_id)}")
        setting = self.client.get("settings/general/woocommerce_currency")
        store_currency = str(setting.get("value") or "").upper() if isinstance(setting, dict) else ""
        if not isinstance(product, dict) or store_currency != order.currency or product.get("price") in (None, ""):
            return None
        return self._price_with_tax(money(product.get("price"), order.currency), product, order.id)

    def _price_with_tax(self, price: Money, product: Mapping[str, Any], order_id: str) -> Money:
        """A price entered without tax plus the tax of the order's address (the exchange order adds it too)."""
        if product.get("tax_status") not in (None, "taxable"):
            return price
        if self._prices_include_tax():
            return price
        return price_with_tax(price, order_tax_rate(self._order_raw(order_id)))

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

    def _remember_echo(self, order_id: str, modified_gmt: Any = None) -> None:
        """Record the order's state after our write; a failure here never fails the write."""
        try:
            if not isinstance(modified_gmt, str):
                fresh = self.client.get(f"orders/{_id(order_id)}", {"_fields": "id,date_modified_gmt"})
                modified_gmt = fresh.get("date_modified_gmt") if isinstance(fresh, dict) else None
            if isinstance(modified_gmt, str):
                self.echoes.remember(str(order_id), modified_gmt)
        except ConnectorError as exc:
            log.info("woocommerce.echo.unknown", extra={"order_id": order_id, "error": str(exc)})

    # -- notes and the local-only return lifecycle --------------------------------------------

    def _post(self, path: str, body: Any) -> Any:
        """A write. WordPress's fatal-error answer (500 ``internal_server_error``, "There has been a critical
        error on this website") means PHP died, possibly after the write was saved: an unknown outcome, to be
        looked for before any retry, not a refusal that fails the action for good."""
        try:
            return self.client.post(path, body)
        except WooApiError as exc:
            if exc.status == 500 and exc.code == WP_FATAL_ERROR:
                raise OutcomeUnknown(str(exc)) from exc
            raise

    def add_order_note(self, order_id: str, note: str) -> None:
        """A private note (the customer is not emailed): the merchant's history inside WooCommerce."""
        self._post(f"orders/{_id(order_id)}/notes", {"note": note, "customer_note": False})

    def _note_quietly(self, order_id: str, note: str) -> None:
        try:
            self.add_order_note(order_id, note)
        except ConnectorError as exc:
            log.warning("woocommerce.note.failed", extra={"order_id": order_id, "error": str(exc)})

    def create_return(self, request: ReturnRequest, order: Order) -> str | None:
        units = sum(line.quantity for line in request.lines)
        self._note_quietly(order.id, f"Return {request.id} requested: {units} item(s) (returns connector).")
        return None

    def approve_return(self, request: ReturnRequest) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} approved.")

    def decline_return(self, request: ReturnRequest, reason: str) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} declined: {reason}")

    def close_return(self, request: ReturnRequest) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} closed.")

    def cancel_return(self, request: ReturnRequest) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} cancelled.")

    # -- refunds ------------------------------------------------------------------------------

    def find_refund(self, order_id: str, idempotency_key: str) -> PlatformEffect | None:
        """Our refund for ``idempotency_key`` on this order, if Woo has it (marker in reason or meta)."""
        for refund in self._refunds_raw(order_id):
            if carries_key(refund, idempotency_key):
                currency = meta_value(refund.get("meta_data"), CURRENCY_META)
                if not isinstance(currency, str):
                    currency = str(self.client.get(f"orders/{_id(order_id)}", {"_fields": "currency"})["currency"])
                return self._refund_effect(order_id, refund, currency)
        return None

    def _refund_effect(self, order_id: str, refund: Mapping[str, Any], currency: str) -> PlatformEffect:
        paid_by_gateway = refund.get("refunded_payment") is True
        return PlatformEffect(
            kind=ActionKind.REFUND,
            platform_id=str(refund["id"]),
            amount=money(refund.get("amount"), currency),
            manual=not paid_by_gateway,
            detail="refunded through the payment gateway" if paid_by_gateway
            else "recorded in WooCommerce; the merchant must pay the customer back",
            extra={"order_id": str(order_id), "refunded_payment": str(paid_by_gateway).lower()},
        )

    def refund(self, instruction: RefundInstruction) -> PlatformEffect:
        """Refund lines (and shipping) through the gateway; fall back to a manual refund if it cannot.

        WooCommerce answers the same 500 ``woocommerce_rest_cannot_create_order_refund`` when the gateway
        cannot refund and when the amount is above what is left. Only the first may become a manual refund:
        an over-refund is refused before posting (we know what is left from the order) and, should the order
        have moved meanwhile, recognised after (by message, or by reading what is left again: the message is
        translated on non-English sites). A gateway the store says cannot refund (``method_supports`` without
        ``refunds``, read once per gateway and cached: ``gateways``) is recorded as manual at once instead of
        asking it; without that answer, only the core gateways that never refund (bacs, cheque, cod) are.
        """
        if instruction.store_credit_amount:
            raise PermanentError("WooCommerce refunds cannot go to store credit: issue a coupon instead")
        earlier = self.find_refund(instruction.order_id, instruction.idempotency_key)
        if earlier is not None:
            return earlier
        raw = self._order_raw(instruction.order_id)
        currency = str(raw.get("currency") or "").upper()
        if instruction.amount.currency != currency:
            raise PermanentError(f"refund in {instruction.amount.currency}, order is in {currency}")
        self._refuse_over_refund(raw, instruction)
        body = build_refund_body(raw, instruction)
        path = f"orders/{_id(instruction.order_id)}/refunds"
        manual = self.manual_refund_fallback and not self.gateways.can_refund(raw)
        try:
            made = self._post(path, {**body, "api_refund": False} if manual else body)
        except WooApiError as exc:
            if exc.code != GATEWAY_CANNOT_REFUND:
                raise
            self._refuse_over_refund(self._order_raw(instruction.order_id), instruction, force=is_over_refund(str(exc)))
            if not self.manual_refund_fallback:
                raise
            # Woo deleted the failed refund before answering, so a second POST cannot double it.
            log.warning("woocommerce.refund.gateway_refused",
                        extra={"order_id": instruction.order_id, "error": str(exc)})
            made = self._post(path, {**body, "api_refund": False})
            manual = True
        if manual:
            self._note_quietly(
                instruction.order_id,
                f"Return {instruction.return_id}: the payment gateway ({raw.get('payment_method_title') or '?'}) "
                f"could not refund automatically, so a refund of {instruction.amount} was recorded manually. "
                "Pay the customer back outside WooCommerce.",
            )
        self._remember_echo(instruction.order_id)
        effect = self._refund_effect(instruction.order_id, made, currency)
        if manual and not effect.manual:  # pragma: no cover - Woo reports refunded_payment=false here
            effect = PlatformEffect(effect.kind, effect.platform_id, effect.amount, True, effect.detail, effect.extra)
        deducted = refund_deductions(instruction).text()
        self._note_quietly(
            instruction.order_id,
            f"Return {instruction.return_id}: refund {effect.platform_id} of {instruction.amount} "
            f"({'manual' if effect.manual else 'via gateway'}; restock: {body['api_restock']}"
            f"{'; ' + deducted if deducted else ''}).",
        )
        return effect

    def _refuse_over_refund(self, raw: Mapping[str, Any], instruction: RefundInstruction, force: bool = False) -> None:
        """Raise ``RefundExceedsRemaining`` when the refund asks more than the order has left (or ``force``)."""
        remaining = remaining_refundable(raw, instruction.amount.currency)
        if force or instruction.amount > remaining:
            raise RefundExceedsRemaining(
                f"order {instruction.order_id}: refund of {instruction.amount} asked, only {remaining} is left "
                "to refund (an agent can pay what is left with an override of at most that amount)",
                remaining=remaining,
            )

    # -- restock (credit and exchange returns) -------------------------------------------------

    def find_restock(self, instruction: RefundInstruction) -> PlatformEffect | None:
        """Our restock refund for the instruction's key (find-before-retry, as for refunds)."""
        found = self.find_refund(instruction.order_id, instruction.idempotency_key)
        return None if found is None else self._restock_effect(found.platform_id, instruction)

    def _restock_effect(self, refund_id: str, instruction: RefundInstruction) -> PlatformEffect:
        units = sum(line.quantity for line in instruction.lines)
        return PlatformEffect(ActionKind.RESTOCK, refund_id, instruction.amount,
                              detail=f"{units} unit(s) back in stock (refund {refund_id} of 0.00)",
                              extra={"order_id": instruction.order_id})

    def restock(self, instruction: RefundInstruction) -> PlatformEffect:
        """Units of a credit or exchange return back in stock: WooCommerce moves stock only through a refund,
        so a refund of 0.00 that pays nothing and restocks (``build_restock_body``)."""
        earlier = self.find_restock(instruction)
        if earlier is not None:
            return earlier
        raw = self._order_raw(instruction.order_id)
        made = self._post(f"orders/{_id(instruction.order_id)}/refunds", build_restock_body(raw, instruction))
        self._remember_echo(instruction.order_id)
        effect = self._restock_effect(str(made["id"]), instruction)
        self._note_quietly(instruction.order_id, f"Return {instruction.return_id}: {effect.detail}.")
        return effect

    # -- store credit -------------------------------------------------------------------------

    def _credit_type(self) -> str:
        if self.store_credit_mode != "auto":
            return self.store_credit_mode
        if self._smart_coupons is None:
            self._smart_coupons = self._detect_smart_coupons()
        return "smart_coupon" if self._smart_coupons else "fixed_cart"

    def _detect_smart_coupons(self) -> bool:
        """Smart Coupons registers ``smart_coupon`` in the coupon schema's ``discount_type`` enum."""
        try:
            schema = self.client.options("coupons")
        except ConnectorError:
            return False
        try:
            enum = schema["schema"]["properties"]["discount_type"]["enum"]
        except (KeyError, TypeError):
            return False
        return isinstance(enum, list) and "smart_coupon" in enum

    def find_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        ours, _free = self._locate_credit(instruction)
        return ours

    def _locate_credit(self, instruction: StoreCreditInstruction) -> tuple[PlatformEffect | None, str | None]:
        """Walk the credit's code sequence (``credit.candidate_codes``): (our coupon, None) when one is ours,
        else (None, the first code nobody holds). A code held by a coupon that is not ours is a clash."""
        for code in candidate_codes(instruction.idempotency_key):
            found = self.client.get("coupons", {"code": code})
            holders = [c for c in found if isinstance(c, dict) and str(c.get("code", "")).lower() == code.lower()] \
                if isinstance(found, list) else []  # fmt: skip
            for coupon in holders:
                if is_ours(coupon, instruction):
                    return self._credit_effect(coupon, instruction), None
            if not holders:
                return None, code
            log.warning("woocommerce.coupon-code-clash", extra={"code": code, "return": instruction.return_id})
        return None, None

    def _credit_effect(self, coupon: Mapping[str, Any], instruction: StoreCreditInstruction) -> PlatformEffect:
        """The effect's amount is what the credit is worth (tax included), not the coupon's net ``amount``."""
        worth = promised_value(coupon, instruction.amount.currency) or instruction.amount
        return PlatformEffect(
            kind=ActionKind.STORE_CREDIT,
            platform_id=str(coupon["id"]),
            amount=worth,
            detail=f"coupon {str(coupon.get('code', '')).upper()}",
            extra={"code": str(coupon.get("code", "")).upper(),
                   "discount_type": str(coupon.get("discount_type", "")),
                   "coupon_amount": str(coupon.get("amount", ""))},
        )

    def _tax_settings(self) -> TaxSettings:
        """Whether a fixed-amount coupon is deducted before tax (see ``credit``), read for each credit issued:
        the adapter lives as long as the worker, and a credit issued by a setting the merchant has since
        changed is wrong by the tax (seen on a real store: 30.77 issued for 33.00 after a switch to prices
        including tax)."""
        calc = self.client.get("settings/general/woocommerce_calc_taxes")
        prices = self.client.get("settings/tax/woocommerce_prices_include_tax")
        return TaxSettings(
            calc_taxes=isinstance(calc, dict) and calc.get("value") == "yes",
            prices_include_tax=isinstance(prices, dict) and prices.get("value") == "yes",
        )

    def _credit_terms(self, instruction: StoreCreditInstruction, discount_type: str) -> CreditTerms:
        taxes = self._tax_settings() if discount_type == "fixed_cart" else TaxSettings(False, False)
        rate = order_tax_rate(self._order_raw(instruction.order_id)) if taxes.coupons_before_tax else Decimal(0)
        return credit_terms(instruction.amount, discount_type=discount_type, taxes=taxes, tax_rate=rate)

    def issue_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        """A coupon for the customer's email under the first free code of its sequence, worth the amount
        incl. tax when spent (net of the order's tax rate when the store deducts coupons before tax)."""
        discount_type = self._credit_type()
        terms: CreditTerms | None = None
        for _attempt in range(CLASH_CODES):
            earlier, code = self._locate_credit(instruction)
            if earlier is not None:
                return earlier
            if code is None:
                raise PermanentError(f"coupon codes for {instruction.idempotency_key} are all taken by others")
            terms = terms or self._credit_terms(instruction, discount_type)
            body = build_coupon_body(
                instruction, code=code, discount_type=discount_type, terms=terms,
                expires_at=instruction.expires_at or self._clock() + self.credit_validity,
            )  # fmt: skip
            try:
                made = self._post("coupons", body)
            except WooApiError as exc:
                if exc.code != COUPON_CODE_EXISTS:
                    raise
                continue  # a concurrent attempt, or someone else, took the code meanwhile: look again
            effect = self._credit_effect(made, instruction)
            self._note_quietly(instruction.order_id, self._credit_note(instruction, effect, terms))
            return effect
        raise PermanentError(f"coupon codes for {instruction.idempotency_key} kept being taken")

    @staticmethod
    def _credit_note(instruction: StoreCreditInstruction, effect: PlatformEffect, terms: CreditTerms) -> str:
        note = (f"Return {instruction.return_id}: store credit {instruction.amount} issued as coupon "
                f"{effect.extra['code']} for {instruction.customer_email}")  # fmt: skip
        if terms.amount != terms.promised:
            note += (f" (coupon amount {terms.amount} before {percent(terms.tax_rate)}% tax: it saves "
                     f"{terms.promised} tax included)")  # fmt: skip
        return note + "."

    # -- exchanges ----------------------------------------------------------------------------

    def find_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect | None:
        for raw in self.client.paginate("orders", {"parent": _id(instruction.order_id)}):
            if isinstance(raw, dict) and carries_key(raw, instruction.idempotency_key):
                return self._exchange_effect(raw, instruction, None)
        return None

    def _exchange_effect(
        self, raw: Mapping[str, Any], instruction: ExchangeInstruction, applied: Money | None
    ) -> PlatformEffect:
        currency = instruction.credit_value.currency
        total = money(raw.get("total"), currency)
        goods = money(meta_value(raw.get("meta_data"), GOODS_META) or 0, currency)
        recorded = applied if applied is not None else applied_credit(raw, currency)
        credit = recorded if recorded is not None else (goods - total).clamp_non_negative()
        refund_due = (instruction.credit_value - goods).clamp_non_negative() if goods else Money.zero(currency)
        needs_payment = raw.get("status") == "pending" and bool(total)
        if needs_payment:
            detail = f"customer pays the difference {total}"
        elif refund_due:
            detail = f"refund_due={refund_due.amount} {currency}"
        else:
            detail = "paid by the returned goods"
        return PlatformEffect(
            kind=ActionKind.EXCHANGE,
            platform_id=str(raw["id"]),
            amount=credit,
            detail=detail,
            extra={
                "order_number": str(raw.get("number", raw["id"])),
                "status": str(raw.get("status", "")),
                "amount_due": str(total.amount) if needs_payment else "0",
                "payment_url": str(raw.get("payment_url") or ""),
                "refund_due": str(refund_due.amount),
                "currency": currency,
            },
        )

    def create_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect:
        """A new order for the replacement items, paid by the return's value; stock checked first."""
        earlier = self.find_exchange(instruction)
        if earlier is not None:
            return earlier
        original = self._order_raw(instruction.order_id)
        currency = str(original.get("currency") or "").upper()
        if instruction.credit_value.currency != currency:
            raise PermanentError(f"exchange credit in {instruction.credit_value.currency}, order in {currency}")
        for item in instruction.items:
            stock = self.available_stock(item.variant_id, item.product_id)
            if stock is not None and stock < item.quantity:
                raise OutOfStock(f"variant {item.variant_id}: {item.quantity} wanted, {stock} in stock")
        body, applied = build_exchange_body(original, instruction, prices_include_tax=self._prices_include_tax())
        made = self._post("orders", body)
        self._remember_echo(str(made["id"]), made.get("date_modified_gmt"))
        effect = self._exchange_effect(made, instruction, applied)
        self._note_quietly(
            instruction.order_id,
            f"Return {instruction.return_id}: exchange order #{effect.extra['order_number']} created "
            f"({effect.detail}).",
        )
        self._note_quietly(
            str(made["id"]),
            f"Exchange for order #{original.get('number', instruction.order_id)}, return {instruction.return_id}.",
        )
        return effect


if TYPE_CHECKING:  # the adapter must keep satisfying the port
    _port_check: type[ShopAdapter] = WooCommerceAdapter
