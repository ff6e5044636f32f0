"""The sandbox's SDL and our requests, held against Shopify's published Admin schema for the pinned version.

The published schema is ``tests/fixtures/shopify/published/admin_<version>.json.gz`` (see the README there);
``tests/shopify_published.py`` checks every request the suite sends. These tests prove that check bites, and
that the sandbox (written by hand) invents nothing: each of its types, fields and arguments exists in the
published schema with the same type, so a request the sandbox accepts is one a real shop can accept too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
import responses
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    is_specified_directive,
    parse,
    validate,
)

from platforms.shopify import catalogue_queries, queries
from platforms.shopify.client import GraphQLClient, idempotent_directive
from platforms.shopify.settings import ShopifySettings
from sandboxes.shopify import published
from sandboxes.shopify.schema import load_schema
from tests.shopify.helpers import ENDPOINT, SHOP, gql_ok
from tests.shopify_published import PINNED_VERSION, client_checker, schema_path

OLD_GIFT_CARD_INPUT = {
    "input": {"initialValue": "25.00", "note": "Return #1001-R2 [rc:act-77]", "notify": True,
              "customerId": "gid://shopify/Customer/544365967"},
}  # fmt: skip
"""What the gift-card fallback sent before: ``notify`` is no field of GiftCardCreateInput."""


def _differences(sandbox: GraphQLSchema, shopify: GraphQLSchema) -> list[str]:
    """Every place where the sandbox's schema is not a subset of the published one."""
    found = []
    for name, ours in sandbox.type_map.items():
        if name.startswith("__"):
            continue
        theirs = shopify.type_map.get(name)
        if theirs is None:
            found.append(f"{name}: no such type")
        elif type(ours) is not type(theirs):
            found.append(f"{name}: a {type(ours).__name__}, published as a {type(theirs).__name__}")
        elif isinstance(ours, GraphQLObjectType | GraphQLInterfaceType) and isinstance(
            theirs, GraphQLObjectType | GraphQLInterfaceType
        ):
            found += _members(name + ".{}", "field", ours.fields, theirs.fields)
            found += [f"{name}: implements {i.name}, published does not"
                      for i in ours.interfaces if i.name not in {j.name for j in theirs.interfaces}]  # fmt: skip
        elif isinstance(ours, GraphQLInputObjectType) and isinstance(theirs, GraphQLInputObjectType):
            found += _members(name + ".{}", "input field", ours.fields, theirs.fields)
        elif isinstance(ours, GraphQLEnumType) and isinstance(theirs, GraphQLEnumType):
            found += [f"{name}.{value}: no such enum value" for value in ours.values if value not in theirs.values]
        elif isinstance(ours, GraphQLUnionType) and isinstance(theirs, GraphQLUnionType):
            members = {t.name for t in theirs.types}
            found += [f"{name}: member {t.name} is not published" for t in ours.types if t.name not in members]
    for directive in sandbox.directives:
        if not is_specified_directive(directive):  # @deprecated, @include...: graphql-core's own, not Shopify's
            other = shopify.get_directive(directive.name)
            found += (_members(f"@{directive.name}" + "({})", "argument", directive.args, other.args) if other
                      else [f"@{directive.name}: no such directive"])  # fmt: skip
    return found


def _members(label: str, what: str, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """Fields, input fields or arguments (``label`` formats a member's name): present, with the same type;
    a field's arguments too."""
    found = []
    for name, item in ours.items():
        other = theirs.get(name)
        if other is None:
            found.append(f"{label.format(name)}: no such {what}")
            continue
        if str(item.type) != str(other.type):
            found.append(f"{label.format(name)}: {item.type}, published {other.type}")
        if isinstance(item, GraphQLField) and isinstance(other, GraphQLField):
            found += _members(label.format(name) + "({})", "argument", item.args, other.args)
    return found


@pytest.fixture(scope="module")
def shopify_schema() -> GraphQLSchema:
    return published.load(str(schema_path()))


def test_the_published_schema_is_the_pinned_versions() -> None:
    """One constant decides: a new pinned version without its published file fails here, not silently."""
    assert ShopifySettings().api_version == PINNED_VERSION
    assert schema_path().name == f"admin_{ShopifySettings().api_version}.json.gz"
    assert schema_path().is_file(), f"vendor admin_{PINNED_VERSION}.json.gz (tests/fixtures/shopify/published)"


def test_the_sandbox_sdl_is_a_subset_of_the_published_schema(shopify_schema: GraphQLSchema) -> None:
    assert _differences(load_schema(), shopify_schema) == []


def test_the_subset_check_finds_an_invented_field_and_a_different_type(shopify_schema: GraphQLSchema) -> None:
    invented = build_schema("""
        scalar Decimal
        input GiftCardCreateInput { initialValue: Decimal! notify: Boolean }
        type Return { id: ID! createdAt: String }
        type QueryRoot { giftCards(first: String): Int }
    """)
    assert _differences(invented, shopify_schema) == [
        "GiftCardCreateInput.notify: no such input field",
        "Return.createdAt: String, published DateTime!",
        "QueryRoot.giftCards: Int, published GiftCardConnection!",
        "QueryRoot.giftCards(first): String, published Int",
    ]


_DOCUMENT_MODULES = {"queries": queries, "catalogue_queries": catalogue_queries}


def _documents() -> list[str]:
    """The whole operations of the query modules, as ``module.NAME`` (fragments and pieces are validated inside
    the operations using them)."""
    whole = [f"{module_name}.{name}" for module_name, module in _DOCUMENT_MODULES.items()
             for name, value in vars(module).items() if name.isupper() and isinstance(value, str)
             and value.lstrip().startswith(("query ", "mutation "))]  # fmt: skip
    return sorted(whole)


@pytest.mark.parametrize("name", _documents())
def test_every_document_validates_against_the_published_schema(name: str) -> None:
    """Also the documents no test sends; the ``{idempotent}`` marker is filled as the adapter fills it."""
    module_name, _, attribute = name.partition(".")
    document = getattr(_DOCUMENT_MODULES[module_name], attribute).replace("{idempotent}", idempotent_directive("k-1"))
    assert [e.message for e in validate(client_checker().schema, parse(document))] == []


def test_the_check_refuses_the_old_gift_card_input() -> None:
    problems = client_checker().problems(queries.GIFT_CARD_CREATE, OLD_GIFT_CARD_INPUT)
    assert len(problems) == 1 and "unknown field 'notify'" in problems[0]
    fixed = {"input": {k: v for k, v in OLD_GIFT_CARD_INPUT["input"].items() if k != "notify"}
             | {"recipientAttributes": {"id": "gid://shopify/Customer/544365967"}}}  # fmt: skip
    assert client_checker().problems(queries.GIFT_CARD_CREATE, fixed) == []


def test_the_check_refuses_a_wrong_enum_and_a_missing_required_variable() -> None:
    assert client_checker().problems(queries.GIFT_CARD_CREATE, {}) != []
    assert client_checker().problems("query { shop { nope } }", {}) != []


@responses.activate
def test_a_refused_request_fails_the_test_that_sent_it(shopify_requests_match_published_schema: list[str]) -> None:
    """The autouse fixture saw the client send the old gift-card input (it fails the test; emptied here)."""
    responses.post(ENDPOINT, json=gql_ok({"giftCardCreate": {"giftCard": None, "userErrors": []}}))
    GraphQLClient(SHOP, lambda: "shpat_test").mutate(queries.GIFT_CARD_CREATE, OLD_GIFT_CARD_INPUT,
                                                    payload_key="giftCardCreate")  # fmt: skip
    assert len(shopify_requests_match_published_schema) == 1
    assert "GiftCardCreate" in shopify_requests_match_published_schema[0]
    assert "unknown field 'notify'" in shopify_requests_match_published_schema[0]
    shopify_requests_match_published_schema.clear()
