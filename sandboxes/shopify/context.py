"""Per-request context handed to resolvers: the shop, the API version and where events go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from graphql import GraphQLResolveInfo

from sandboxes.shopify.state import Shop

Info = GraphQLResolveInfo


class EventSink(Protocol):
    def publish(self, topic: str, payload: dict[str, Any], uri: str | None = None) -> str | None: ...


@dataclass
class Context:
    shop: Shop
    api_version: str
    events: EventSink


def ctx(info: Info) -> Context:
    context = info.context
    assert isinstance(context, Context)
    return context


def directive_argument(info: Info, directive: str, argument: str) -> object:
    """The value of ``@directive(argument:)`` on the field being resolved (literal or variable)."""
    for node in info.field_nodes:
        for found in node.directives or ():
            if found.name.value != directive:
                continue
            for arg in found.arguments or ():
                if arg.name.value == argument:
                    value: Any = arg.value
                    if value.kind == "variable":
                        values: Any = info.variable_values
                        coerced = getattr(values, "coerced", values)  # graphql-core 3.3 wraps the dict
                        return coerced.get(value.name.value)
                    return getattr(value, "value", None)
    return None
