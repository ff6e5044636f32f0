"""The sandbox refuses a request its own SDL accepts but Shopify's published schema does not.

The suite runs every sandbox with ``SHOPIFY_SANDBOX_PUBLISHED_SCHEMA`` set (tests/shopify_published.py). Here the
sandbox is given back the field it used to invent (``GiftCardCreateInput.notify``): with the check on, the old
gift-card request is refused and recorded (which fails the test that sent it); with it off, it went through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema

from platforms.shopify import queries
from sandboxes.shopify import app as sandbox_app
from sandboxes.shopify import published
from sandboxes.shopify import schema as sandbox_schema
from tests.sandbox_shopify.conftest import Sandbox

_GIFT_INPUT = "input GiftCardCreateInput {\n"


@pytest.fixture
def inventing_sandbox(monkeypatch: pytest.MonkeyPatch, make_sandbox: Callable[..., Sandbox]) -> Callable[[], Sandbox]:
    """A sandbox whose SDL has ``GiftCardCreateInput.notify`` again, as before the fix."""

    def inventing() -> GraphQLSchema:
        with monkeypatch.context() as patch:
            invent = _GIFT_INPUT + "  notify: Boolean\n"
            patch.setattr(sandbox_schema, "build_schema", lambda sdl: build_schema(sdl.replace(_GIFT_INPUT, invent)))
            return sandbox_schema.load_schema.__wrapped__()

    schema = inventing()
    monkeypatch.setattr(sandbox_app, "load_schema", lambda: schema)
    return make_sandbox


def _old_gift_card(sandbox: Sandbox) -> dict[str, Any]:
    customer = sandbox.data("{ orders(first: 1) { nodes { customer { id } } } }")["orders"]["nodes"][0]["customer"]
    return {"input": {"initialValue": "25.00", "note": "credit", "notify": True, "customerId": customer["id"]}}


def test_a_request_shopify_would_refuse_is_refused_and_recorded(inventing_sandbox: Callable[[], Sandbox]) -> None:
    sandbox = inventing_sandbox()
    already = len(published.REFUSED)
    body = sandbox.gql(queries.GIFT_CARD_CREATE, _old_gift_card(sandbox))
    assert body["errors"][0]["extensions"]["code"] == published.MISMATCH_CODE
    assert "GiftCardCreate" in body["errors"][0]["message"] and "'notify'" in body["errors"][0]["message"]
    assert "data" not in body  # nothing ran: no card in the shop
    assert sandbox.admin("GET", "/state")["gift_cards"] == []
    assert len(published.REFUSED) == already + 1
    del published.REFUSED[already:]  # seen here; the autouse check would otherwise fail this test


def test_without_the_published_schema_the_invented_field_went_through(
    monkeypatch: pytest.MonkeyPatch, inventing_sandbox: Callable[[], Sandbox]
) -> None:
    """What happened before: the sandbox answered as if a real shop would accept ``notify``."""
    monkeypatch.delenv(published.ENV_VAR)
    sandbox = inventing_sandbox()
    created = sandbox.data(queries.GIFT_CARD_CREATE, _old_gift_card(sandbox))["giftCardCreate"]
    assert created["userErrors"] == [] and created["giftCard"]["id"]


def test_the_fixed_gift_card_names_its_recipient_in_the_shop(sandbox: Sandbox) -> None:
    """What the gift-card fallback now sends: the customer is the card's recipient, recorded by the shop."""
    customer = sandbox.data("{ orders(first: 1) { nodes { customer { id } } } }")["orders"]["nodes"][0]["customer"]
    card = {"initialValue": "25.00", "note": "credit", "customerId": customer["id"],
            "recipientAttributes": {"id": customer["id"]}}  # fmt: skip
    created = sandbox.data(queries.GIFT_CARD_CREATE, {"input": card})["giftCardCreate"]
    assert created["userErrors"] == []
    (recorded,) = sandbox.admin("GET", "/state")["gift_cards"]
    legacy = int(customer["id"].rsplit("/", 1)[1])
    assert (recorded["customer_id"], recorded["recipient_id"]) == (legacy, legacy)
    stranger = {**card, "recipientAttributes": {"id": "gid://shopify/Customer/1"}}
    refused = sandbox.data(queries.GIFT_CARD_CREATE, {"input": stranger})["giftCardCreate"]
    assert refused["userErrors"][0]["code"] == "RECIPIENT_NOT_FOUND"
