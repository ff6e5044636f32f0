"""``ShopAdapter`` for Shopify: the connector's actions as GraphQL Admin calls.

Each method is a short sequence: read what the mutation needs, build its input with ``mapping``,
call it through ``GraphQLClient`` (which classifies every failure), map the answer back.
Money-moving calls can be retried safely:

* ``refundCreate`` carries ``@idempotent(key: <instruction.idempotency_key>)``, so a retry with the
  same key returns the first refund instead of paying again;
* every refund we create (``refundCreate`` or ``returnProcess``) has ``[rc:<key>]`` in its note, which
  ``find_refund`` looks for after an ``OutcomeUnknown``;
* store credit has no note field: ``find_store_credit`` matches a credit made by hand (``event``
  ADJUSTMENT, so never a refund's own credit) of the same amount (and expiry), created since the credit
  was planned and within ``credit_lookback``, erring towards "already paid" (never twice). A policy's
  credit bonus is such a credit, apart from the return's refund (its key ``ret:<id>:credit-bonus``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import requests

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
from connector.errors import ConfigError, NotFound, PermanentError
from platforms.shopify import mapping, product_collections, queries, webhooks
from platforms.shopify.client import DEFAULT_API_VERSION, GraphQLClient, TokenProvider, idempotent_directive
from platforms.shopify.errors import ShopifyUserError

log = logging.getLogger(__name__)

ORDERS_PAGE_SIZE: Final = 50
CREDIT_LOOKBACK: Final = timedelta(days=2)
CLOCK_SKEW: Final = timedelta(minutes=5)  # between our clock (when a credit was planned) and Shopify's createdAt
_STORE_CREDIT_UNAVAILABLE: Final = frozenset({"UNSUPPORTED_CURRENCY"})


class ShopifyAdapter:
    """One Shopify shop. ``token_provider`` is usually an ``auth.TokenManager`` (refreshes in time)."""

    platform = "shopify"

    def __init__(
        self,
        shop_domain: str,
        token_provider: TokenProvider,
        *,
        api_version: str = DEFAULT_API_VERSION,
        shop_id: str | None = None,
        restock_location_id: str | None = None,
        store_credit_fallback: bool = True,
        session: requests.Session | None = None,
        base_url: str | None = None,
        client: GraphQLClient | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        credit_lookback: timedelta = CREDIT_LOOKBACK,
        collection_cache_seconds: float = product_collections.DEFAULT_TTL_SECONDS,
    ) -> None:
        self.shop_domain = shop_domain
        self.shop_id = shop_id or shop_domain
        self.client = client or GraphQLClient(
            shop_domain, token_provider, api_version=api_version, session=session, base_url=base_url
        )
        self._location = restock_location_id
        self._fallback = store_credit_fallback
        self._now = now
        self._lookback = credit_lookback
        self._reason_definitions: dict[str, str] | None = None
        self.collections = product_collections.CollectionCatalog(self.client, ttl_seconds=collection_cache_seconds)

    # -- reads ----------------------------------------------------------------------------------

    def fetch_order(self, order_id: str) -> Order:
        """One order, read in a few requests that each stay under the query cost cap (see queries.ORDER),
        then its products' collections (one batched, cached request: ``collections``)."""
        node = self._order_node(mapping.gid("Order", order_id))
        in_collections = self.collections.collections_for(mapping.product_ids_of(node))
        return mapping.order_from_graphql(node, self.shop_id, in_collections)

    def find_order(self, order_number: str, email: str) -> Order | None:
        """One search by name, whatever the shop holds: no order and another e-mail cost the same call.

        The shop's names are compared in their normal form (``connector.domain.order_numbers``), the form
        the portal's per-order rate limit counts.
        """
        number = normalize_order_number(order_number)
        data = self.client.query(queries.ORDER_IDS_PAGE, {"first": 5, "after": None, "query": f"name:#{number}"})
        wanted = email.strip().lower()
        for node in data["orders"]["nodes"]:
            if (
                normalize_order_number(str(node.get("name") or "")) == number
                and str(node.get("email") or "").strip().lower() == wanted
            ):
                return self.fetch_order(str(node["id"]))
        return None

    def orders_changed_since(self, since: datetime | None) -> Iterator[Order]:
        """Stream orders updated after ``since``: a page of ids at a time, each order read in full.

        Memory stays flat (one id page, one order); the cursor survives only while iterating.
        """
        search = f"updated_at:>'{since.astimezone(UTC).isoformat()}'" if since else None
        cursor: str | None = None
        while True:
            data = self.client.query(
                queries.ORDER_IDS_PAGE, {"first": ORDERS_PAGE_SIZE, "after": cursor, "query": search}
            )
            page = data["orders"]
            for node in page["nodes"]:
                yield self.fetch_order(str(node["id"]))
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            cursor = info.get("endCursor")

    def fetch_return(self, return_id: str) -> ReturnRequest:
        document = queries.RETURN if self._definitions() else queries.RETURN_ENUM_REASONS
        return mapping.return_from_graphql(self._return_node(return_id, document), self.shop_id)

    def available_stock(self, variant_id: str) -> int | None:
        data = self.client.query(queries.VARIANT_STOCK, {"id": mapping.gid("ProductVariant", variant_id)})
        variant = data.get("productVariant")
        if not variant:
            raise NotFound(f"variant {variant_id} not found")
        quantity = variant.get("inventoryQuantity")
        return int(quantity) if quantity is not None else None

    def variant_price(self, variant_id: str, order: Order, product_id: str | None = None) -> Money | None:
        """The variant's price for the order's market (``contextualPricing`` for its shipping country),
        which is what Shopify charges the exchange at; None when that market buys in another currency."""
        if not order.country:
            return None
        variables = {"id": mapping.gid("ProductVariant", variant_id), "country": order.country.upper()}
        variant = self.client.query(queries.VARIANT_PRICE, variables).get("productVariant")
        if not variant:
            raise NotFound(f"variant {variant_id} not found")
        price = (variant.get("contextualPricing") or {}).get("price") or {}
        if str(price.get("currencyCode") or "") != order.currency:
            return None
        return Money(Decimal(str(price["amount"])), order.currency)

    # -- returns --------------------------------------------------------------------------------

    def create_return(self, request: ReturnRequest, order: Order) -> str | None:
        """``returnCreate`` (an OPEN return) for a return started in our portal; returns its GID."""
        returnable = self._returnable(order.id)
        return_input = mapping.return_create_input(request, returnable, self._definitions(), request.created_at)
        payload = self.client.mutate(queries.RETURN_CREATE, {"returnInput": return_input}, payload_key="returnCreate")
        return str(payload["return"]["id"])

    def approve_return(self, request: ReturnRequest) -> None:
        rid = self._platform_return(request)
        self._transition(
            queries.RETURN_APPROVE,
            {"input": {"id": rid, "notifyCustomer": False}},
            "returnApproveRequest",
            rid,
            "OPEN",
        )

    def decline_return(self, request: ReturnRequest, reason: str) -> None:
        rid = self._platform_return(request)
        self._transition(
            queries.RETURN_DECLINE,
            {"input": mapping.decline_input(rid, reason, True)},
            "returnDeclineRequest",
            rid,
            "DECLINED",
        )

    def close_return(self, request: ReturnRequest) -> None:
        rid = self._platform_return(request)
        self._transition(queries.RETURN_CLOSE, {"id": rid}, "returnClose", rid, "CLOSED")

    def cancel_return(self, request: ReturnRequest) -> None:
        rid = self._platform_return(request)
        self._transition(queries.RETURN_CANCEL, {"id": rid}, "returnCancel", rid, "CANCELED")

    # -- money ----------------------------------------------------------------------------------

    def refund(self, instruction: RefundInstruction) -> PlatformEffect:
        """``returnProcess`` for a Shopify return, else ``refundCreate`` with ``@idempotent``."""
        parents = self._parents(instruction.order_id, instruction.amount.currency)
        if instruction.platform_return_id:
            node = self._return_node(instruction.platform_return_id)
            before = {str(r["id"]) for r in mapping.nodes_of(node.get("refunds"))}
            process_input = mapping.return_process_input(instruction, node, parents, self._restock_location())
            payload = self.client.mutate(queries.RETURN_PROCESS, {"input": process_input}, payload_key="returnProcess")
            refunds = mapping.nodes_of((payload.get("return") or {}).get("refunds"))
            found = self._match_refund(refunds, instruction.idempotency_key, instruction.amount.currency)
            if found is not None:
                return found
            new = [r for r in refunds if str(r["id"]) not in before]
            if len(new) == 1:  # the note did not come back, but exactly one refund appeared
                return self._effect(new[0], instruction.amount.currency, "returnProcess (new refund)")
            # Processed without a refund (nothing to pay back): the return itself is the effect.
            return PlatformEffect(
                ActionKind.REFUND, str(payload["return"]["id"]), instruction.amount, detail="returnProcess"
            )
        document = queries.REFUND_CREATE.replace("{idempotent}", idempotent_directive(instruction.idempotency_key))
        refund_input = mapping.refund_create_input(instruction, parents, self._restock_location())
        payload = self.client.mutate(document, {"input": refund_input}, payload_key="refundCreate", idempotent=True)
        return self._effect(payload["refund"], instruction.amount.currency, "refundCreate")

    def find_refund(self, order_id: str, idempotency_key: str) -> PlatformEffect | None:
        data = self.client.query(queries.ORDER_REFUNDS, {"id": mapping.gid("Order", order_id)})
        order = data.get("order")
        if not order:
            raise NotFound(f"order {order_id} not found")
        return self._match_refund(order.get("refunds") or [], idempotency_key, mapping.order_currency(order))

    def issue_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        """``storeCreditAccountCredit`` on the customer; gift card when store credit is unavailable."""
        if instruction.customer_id:
            try:
                return self._store_credit(instruction)
            except ShopifyUserError as exc:
                if not (self._fallback and set(exc.codes) & _STORE_CREDIT_UNAVAILABLE):
                    raise
                log.warning("shopify.store-credit.fallback-gift-card", extra={"codes": exc.codes})
            except ConfigError:
                if not self._fallback:
                    raise
                log.warning("shopify.store-credit.fallback-gift-card", extra={"codes": ("ACCESS_DENIED",)})
        elif not self._fallback:
            raise PermanentError("store credit needs a Shopify customer id")
        return self._gift_card(instruction)

    def find_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        """An earlier credit for this instruction: the store-credit path first, then the gift-card fallback.

        Gift cards are only searched when the fallback is enabled (only then can one exist); a failing
        search raises rather than answering "not found", which would pay twice.
        """
        if instruction.customer_id:
            found = self._find_credit_transaction(instruction)
            if found is not None:
                return found
        if self._fallback:
            return self._find_gift_card(instruction)
        return None

    def _find_credit_transaction(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        assert instruction.customer_id is not None
        data = self.client.query(
            queries.STORE_CREDIT_TRANSACTIONS, {"id": mapping.gid("Customer", instruction.customer_id)}
        )
        customer = data.get("customer") or {}
        since = self._now() - self._lookback
        if instruction.not_before is not None:
            since = max(since, instruction.not_before - CLOCK_SKEW)
        for account in mapping.nodes_of(customer.get("storeCreditAccounts")):
            for tx in mapping.nodes_of(account.get("transactions")):
                if tx.get("event") not in (None, "ADJUSTMENT"):
                    continue  # a refund's credit (ORDER_REFUND), an order's payment...: not storeCreditAccountCredit
                amount = tx.get("amount") or {}
                if amount.get("currencyCode") != instruction.amount.currency:
                    continue
                if Money(mapping.amount_of(amount.get("amount")), instruction.amount.currency) != instruction.amount:
                    continue
                created = mapping.parse_time(tx.get("createdAt"))
                if created is None or created < since or not tx.get("id"):
                    continue
                expires = mapping.parse_time(tx.get("expiresAt"))
                if instruction.expires_at is not None and expires != instruction.expires_at.astimezone(UTC):
                    continue
                return PlatformEffect(
                    ActionKind.STORE_CREDIT,
                    str(tx["id"]),
                    instruction.amount,
                    detail="storeCreditAccountCredit (matched by amount)",
                )
        return None

    def create_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect:
        """Release a Shopify exchange: ``returnProcess`` with the return's exchange lines (no refund)."""
        if not instruction.platform_return_id:
            raise PermanentError("Shopify exchanges are created with the return (returnCreate exchangeLineItems)")
        node = self._return_node(instruction.platform_return_id)
        lines = [
            {"id": str(e["id"]), "quantity": int(e.get("processableQuantity") or 0)}
            for e in mapping.nodes_of(node.get("exchangeLineItems"))
            if int(e.get("processableQuantity") or 0) > 0
        ]
        if not lines:
            if mapping.nodes_of(node.get("exchangeLineItems")):
                # Already released, by the returnProcess that refunded this return: the effect exists.
                return self._exchange_effect(instruction, str(node["id"]), "released with the refund")
            raise PermanentError(f"return {node['id']} has no exchange left to release")
        for item in instruction.items:  # checked again at release: stock may have gone since the request
            stock = self.available_stock(item.variant_id)
            if stock is not None and stock < item.quantity:
                raise PermanentError(f"variant {item.variant_id}: {item.quantity} wanted, {stock} in stock")
        payload = self.client.mutate(
            queries.RETURN_PROCESS,
            {
                "input": {
                    "returnId": node["id"],
                    "returnLineItems": [],
                    "exchangeLineItems": lines,
                    "notifyCustomer": True,
                }
            },
            payload_key="returnProcess",
        )
        return self._exchange_effect(instruction, str(payload["return"]["id"]), "returnProcess exchange")

    def restock(self, instruction: RefundInstruction) -> PlatformEffect:
        """Nothing to do: Shopify restocks a return's units when ``returnProcess`` disposes them (RESTOCKED),
        and credit and exchange lines go through that same call with the refund (``credit_with_refund``), so
        the planner only sends a restock here for a return Shopify never had (then it is not restocked)."""
        return PlatformEffect(ActionKind.RESTOCK, instruction.platform_return_id or "", instruction.amount,
                              detail="no-op: Shopify restocks through returnProcess dispositions")

    def find_restock(self, instruction: RefundInstruction) -> PlatformEffect | None:
        return self.restock(instruction)

    def find_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect | None:
        if not instruction.platform_return_id:
            return None
        node = self._return_node(instruction.platform_return_id)
        exchanges = mapping.nodes_of(node.get("exchangeLineItems"))
        if exchanges and all(int(e.get("processedQuantity") or 0) >= int(e.get("quantity") or 0) for e in exchanges):
            return self._exchange_effect(instruction, str(node["id"]), "exchange already processed")
        return None

    def _exchange_effect(self, instruction: ExchangeInstruction, return_gid: str, detail: str) -> PlatformEffect:
        """The released exchange, with what the customer still owes for it.

        Shopify applies the returned items' value to the exchange items; a balance left shows as the order's
        ``totalOutstandingSet`` and holds the exchange's fulfillment order until the customer pays it
        (shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/manage-exchanges). The amount due makes
        the executor wait, looking again (find, never process twice), until the balance is paid.
        """
        oid = mapping.gid("Order", instruction.order_id)
        order = self.client.query(queries.ORDER_OUTSTANDING, {"id": oid}).get("order")
        if not order:
            raise NotFound(f"order {instruction.order_id} not found")
        currency = instruction.credit_value.currency
        outstanding = mapping.money_of(order.get("totalOutstandingSet"), currency)
        # Only what our amounts charge the customer is waited for: a like-for-like swap of a discounted line is
        # priced at what came back, and the order may owe other things; those are the merchant's to settle.
        charged = sum((item.price * item.quantity for item in instruction.items), Money.zero(currency))
        due = outstanding.min((charged - instruction.credit_value).clamp_non_negative())
        extra = {"amount_due": str(due.amount), "currency": currency} if due.amount > 0 else {}
        return PlatformEffect(ActionKind.EXCHANGE, return_gid, instruction.credit_value, detail=detail, extra=extra)

    # -- misc -----------------------------------------------------------------------------------

    def add_order_note(self, order_id: str, note: str) -> None:
        oid = mapping.gid("Order", order_id)
        data = self.client.query(queries.ORDER_NOTE, {"id": oid})
        current = str((data.get("order") or {}).get("note") or "")
        if note in current:
            return  # already there: a retried job must not append twice
        combined = f"{current}\n{note}".strip()
        self.client.mutate(
            queries.ORDER_UPDATE_NOTE, {"input": {"id": oid, "note": combined}}, payload_key="orderUpdate"
        )

    def subscribe_webhooks(self, callback_url: str) -> list[str]:
        """Subscribe ``SUBSCRIBED_TOPICS`` to ``callback_url``; existing subscriptions are kept."""
        existing: dict[str, str] = {}
        cursor: str | None = None
        while True:
            page = self.client.query(queries.WEBHOOK_SUBSCRIPTIONS, {"after": cursor})["webhookSubscriptions"]
            for sub in page["nodes"]:
                if sub.get("uri") == callback_url:
                    existing[str(sub["topic"])] = str(sub["id"])
            if not (page.get("pageInfo") or {}).get("hasNextPage"):
                break
            cursor = page["pageInfo"]["endCursor"]
        ids = []
        for topic in webhooks.SUBSCRIBED_TOPICS:
            enum = topic.upper().replace("/", "_")
            if enum in existing:
                ids.append(existing[enum])
                continue
            payload = self.client.mutate(
                queries.WEBHOOK_SUBSCRIBE,
                {"topic": enum, "webhookSubscription": {"uri": callback_url, "format": "JSON"}},
                payload_key="webhookSubscriptionCreate",
            )
            ids.append(str(payload["webhookSubscription"]["id"]))
        return ids

    # -- internals ------------------------------------------------------------------------------

    def _order_node(self, gid: str) -> dict[str, Any]:
        """Header + every line page + fulfilments + every returns page, merged into one ``Order`` node."""
        order = self.client.query(queries.ORDER, {"id": gid}).get("order")
        if not order:
            raise NotFound(f"order {gid} not found on {self.shop_domain}")
        node = dict(order)
        lines = list(mapping.nodes_of(order.get("lineItems")))
        page = (order.get("lineItems") or {}).get("pageInfo") or {}
        while page.get("hasNextPage"):
            more = self.client.query(queries.ORDER_LINES, {"id": gid, "after": page.get("endCursor")})["order"]
            lines.extend(mapping.nodes_of(more.get("lineItems")))
            page = (more.get("lineItems") or {}).get("pageInfo") or {}
        node["lineItems"] = {"nodes": lines}
        fulfilled = self.client.query(queries.ORDER_FULFILLMENTS, {"id": gid})["order"]
        node["fulfillments"] = fulfilled.get("fulfillments") or []
        for fulfillment in node["fulfillments"]:
            if ((fulfillment.get("fulfillmentLineItems") or {}).get("pageInfo") or {}).get("hasNextPage"):
                # Counted short, never long: fewer units look returnable, none too many.
                log.warning("shopify.order.fulfillment-lines-truncated", extra={"order": gid})
        returns: list[Mapping[str, Any]] = []
        cursor: str | None = None
        while True:
            data = self.client.query(queries.ORDER_RETURNS, {"id": gid, "after": cursor})["order"]
            connection = data.get("returns") or {}
            returns.extend(mapping.nodes_of(connection))
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            cursor = info.get("endCursor")
        node["returns"] = {"nodes": returns}
        return node

    def _restock_location(self) -> str | None:
        """The configured location, else the shop's first one (asked once, then remembered)."""
        if self._location is None:
            nodes = self.client.query(queries.LOCATIONS, {}).get("locations", {}).get("nodes") or []
            self._location = str(nodes[0]["id"]) if nodes else None
        return self._location

    def _platform_return(self, request: ReturnRequest) -> str:
        if not request.platform_return_id:
            raise PermanentError(f"return {request.id} has no Shopify return id")
        return request.platform_return_id

    def _return_node(self, return_id: str, document: str = queries.RETURN_FOR_PROCESSING) -> Mapping[str, Any]:
        data = self.client.query(document, {"id": mapping.gid("Return", return_id)})
        node = data.get("return")
        if not node:
            raise NotFound(f"return {return_id} not found")
        return node  # type: ignore[no-any-return]

    def _transition(self, document: str, variables: Mapping[str, Any], key: str, rid: str, target: str) -> None:
        """Run a status mutation; a refusal because the return is already there counts as done."""
        try:
            self.client.mutate(document, variables, payload_key=key)
        except ShopifyUserError:
            status = (self.client.query(queries.RETURN_STATUS, {"id": rid}).get("return") or {}).get("status")
            if status != target:
                raise
            log.info("shopify.return.already", extra={"return": rid, "status": status})

    def _returnable(self, order_id: str) -> dict[str, list[tuple[str, int]]]:
        data = self.client.query(queries.RETURNABLE_FULFILLMENTS, {"orderId": mapping.gid("Order", order_id)})
        per_line: dict[str, list[tuple[str, int]]] = {}
        for fulfillment in mapping.nodes_of(data.get("returnableFulfillments")):
            for item in mapping.nodes_of(fulfillment.get("returnableFulfillmentLineItems")):
                fli = item.get("fulfillmentLineItem") or {}
                line = str((fli.get("lineItem") or {}).get("id"))
                per_line.setdefault(line, []).append((str(fli["id"]), int(item.get("quantity") or 0)))
        return per_line

    def _definitions(self) -> dict[str, str]:
        """Reason-definition handle → id, fetched once per adapter (2026-01+); empty when unsupported."""
        if self._reason_definitions is None:
            try:
                data = self.client.query(queries.RETURN_REASON_DEFINITIONS)
                nodes = mapping.nodes_of(data.get("returnReasonDefinitions"))
            except PermanentError:
                nodes = []  # older shop/API without definitions: fall back to the enum
            self._reason_definitions = {
                str(n["handle"]): str(n["id"]) for n in nodes if n.get("handle") and not n.get("deleted")
            }
        return self._reason_definitions

    def _parents(self, order_id: str, currency: str) -> list[mapping.ParentTransaction]:
        data = self.client.query(queries.ORDER_TRANSACTIONS, {"id": mapping.gid("Order", order_id)})
        order = data.get("order")
        if not order:
            raise NotFound(f"order {order_id} not found")
        return mapping.refundable_transactions(order.get("transactions") or [], currency)

    def _match_refund(self, refunds: Any, key: str, currency: str) -> PlatformEffect | None:
        for refund in refunds or []:
            if mapping.has_marker(refund.get("note"), key):
                return self._effect(refund, currency, "found by key")
        return None

    @staticmethod
    def _effect(refund: Mapping[str, Any], currency: str, detail: str) -> PlatformEffect:
        amount = mapping.money_of(refund.get("totalRefundedSet"), currency) if refund.get("totalRefundedSet") else None
        return PlatformEffect(ActionKind.REFUND, str(refund["id"]), amount, detail=detail)

    def _store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        assert instruction.customer_id is not None
        credit: dict[str, Any] = {"creditAmount": mapping.money_input(instruction.amount), "notify": True}
        if instruction.expires_at is not None:
            credit["expiresAt"] = instruction.expires_at.astimezone(UTC).isoformat()
        payload = self.client.mutate(
            queries.STORE_CREDIT_CREDIT,
            {"id": mapping.gid("Customer", instruction.customer_id), "creditInput": credit},
            payload_key="storeCreditAccountCredit",
        )
        tx = payload["storeCreditAccountTransaction"]
        return PlatformEffect(
            ActionKind.STORE_CREDIT,
            str(tx["id"]),
            instruction.amount,
            detail="storeCreditAccountCredit",
            extra={"account_id": str((tx.get("account") or {}).get("id") or "")},
        )

    def _gift_card(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        card: dict[str, Any] = {
            "initialValue": str(instruction.amount.amount),
            "note": mapping.note_with_marker(instruction.note, instruction.idempotency_key),
        }
        if instruction.customer_id:
            # GiftCardCreateInput has no ``notify``: the customer hears of the card as its recipient (no
            # ``sendNotificationAt``: sent now). Without a customer the card stays unassigned, with no email.
            customer = mapping.gid("Customer", instruction.customer_id)
            card["customerId"] = customer
            card["recipientAttributes"] = {"id": customer}
        if instruction.expires_at is not None:
            card["expiresOn"] = instruction.expires_at.astimezone(UTC).date().isoformat()
        payload = self.client.mutate(queries.GIFT_CARD_CREATE, {"input": card}, payload_key="giftCardCreate")
        return PlatformEffect(
            ActionKind.STORE_CREDIT,
            str(payload["giftCard"]["id"]),
            instruction.amount,
            detail="giftCardCreate",
        )

    def _find_gift_card(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        since = (self._now() - self._lookback).date().isoformat()
        query = f"created_at:>={since}"
        if instruction.customer_id:
            query += f" customer_id:{mapping.legacy_id(instruction.customer_id)}"
        data = self.client.query(queries.GIFT_CARDS_BY_CUSTOMER, {"query": query})
        for card in mapping.nodes_of(data.get("giftCards")):
            if mapping.has_marker(card.get("note"), instruction.idempotency_key):
                return PlatformEffect(
                    ActionKind.STORE_CREDIT,
                    str(card["id"]),
                    instruction.amount,
                    detail="giftCardCreate (found by key)",
                )
        return None
