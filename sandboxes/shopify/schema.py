"""Builds the executable schema from ``schema.graphql``: scalars, abstract-type resolution, root resolvers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from graphql import (
    FloatValueNode,
    GraphQLAbstractType,
    GraphQLScalarType,
    GraphQLSchema,
    IntValueNode,
    StringValueNode,
    ValueNode,
    build_schema,
)

from sandboxes.shopify import views
from sandboxes.shopify.context import Info
from sandboxes.shopify.resolvers_money import MoneyMutations
from sandboxes.shopify.resolvers_orders import QueryResolvers
from sandboxes.shopify.resolvers_returns import ReturnMutations

_TYPE_NAMES: dict[type, str] = {
    views.OrderView: "Order", views.ProductView: "Product", views.VariantView: "ProductVariant",
    views.CustomerView: "Customer", views.GiftCardView: "GiftCard", views.FulfillmentOrderView: "FulfillmentOrder",
    views.ReturnView: "Return", views.ReverseFulfillmentOrderView: "ReverseFulfillmentOrder",
    views.ReturnLineItemView: "ReturnLineItem", views.CreditAccountView: "StoreCreditAccount",
    views.ShopView: "Shop", views.CreditTransactionView: "StoreCreditAccountCreditTransaction",
}  # fmt: skip


class Root(QueryResolvers, ReturnMutations, MoneyMutations):
    """Root value for queries and mutations."""


def _serialize_decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    return str(Decimal(str(value)))


def _parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        value = str(value)
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"invalid decimal: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"invalid decimal: {value!r}")
    return result


def _parse_decimal_literal(node: ValueNode, _variables: Any = None) -> Decimal:
    if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
        return _parse_decimal(node.value)
    raise ValueError("decimal expected")


def _serialize_datetime(value: Any) -> str:
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return str(value)


def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO-8601 string")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("DateTime needs a time zone")
    return moment


def _parse_datetime_literal(node: ValueNode, _variables: Any = None) -> datetime:
    if isinstance(node, StringValueNode):
        return _parse_datetime(node.value)
    raise ValueError("DateTime must be a string")


def _parse_date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("Date must be an ISO-8601 string")
    return date.fromisoformat(value)


def _parse_date_literal(node: ValueNode, _variables: Any = None) -> date:
    if isinstance(node, StringValueNode):
        return _parse_date(node.value)
    raise ValueError("Date must be a string")


def _set_scalar(schema: GraphQLSchema, name: str, serialize: Any, parse: Any, literal: Any) -> None:
    scalar = schema.get_type(name)
    assert isinstance(scalar, GraphQLScalarType)
    # graphql-core 3.2 reads serialize/parse_*; 3.3 reads coerce_*; set both so either works.
    for attr, value in (("serialize", serialize), ("parse_value", parse), ("parse_literal", literal),
                        ("coerce_output_value", serialize), ("coerce_input_value", parse)):  # fmt: skip
        setattr(scalar, attr, value)


@cache
def load_schema() -> GraphQLSchema:
    sdl = resources.files("sandboxes.shopify").joinpath("schema.graphql").read_text(encoding="utf-8")
    schema = build_schema(sdl)
    for name in ("Decimal", "Money"):
        _set_scalar(schema, name, _serialize_decimal, _parse_decimal, _parse_decimal_literal)
    _set_scalar(schema, "DateTime", _serialize_datetime, _parse_datetime, _parse_datetime_literal)
    _set_scalar(schema, "Date", lambda v: v.isoformat() if isinstance(v, date) else str(v), _parse_date,
                _parse_date_literal)  # fmt: skip
    return schema


def resolve_type(value: Any, info: Info, abstract_type: GraphQLAbstractType) -> str | None:
    if isinstance(value, dict):
        name = value.get("__typename")
        return name if isinstance(name, str) else None
    return _TYPE_NAMES.get(type(value))


def resolve_field(source: Any, info: Info, **args: Any) -> Any:
    """Default resolver: dict key or attribute; methods are called with (info, **args).

    ``return`` is a Python keyword, so objects expose it as ``return_``.
    """
    name = info.field_name
    if isinstance(source, dict):
        value = source.get(name)
    else:
        value = getattr(source, "return_" if name == "return" else name, None)
    if callable(value):
        return value(info, **args)
    return value
