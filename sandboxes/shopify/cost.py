"""Shopify-style query cost and the per-app leaky bucket.

Costs follow shopify.dev/docs/api/usage/rate-limits: scalars and enums 0, objects 1, connections
2 + first x (cost of one node), mutations 10. The requested cost is estimated from ``first``/``last``
(``nodes(ids:)``: one object per id); the actual cost counts the nodes that came back. The bucket is charged
the requested cost up front and refunded the difference once the actual cost is known, as Shopify describes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

MUTATION_COST: Final = 10
MAX_QUERY_COST: Final = 1000


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]


def operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        return next((o for o in ops if o.name and o.name.value == name), None)
    return ops[0] if len(ops) == 1 else None


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
    data: Mapping[str, Any] | None = None,
) -> int:
    """Requested cost (``data`` None) or actual cost (``data`` = the execution result)."""
    op = operation(document, operation_name)
    if op is None:
        return 0
    walk = _Walk(
        schema,
        {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)},
        variables or {},
    )
    if op.operation == OperationType.MUTATION:
        return MUTATION_COST * sum(1 for f, _ in _fields(walk, op.selection_set, schema.mutation_type)
                                   if f.name.value != "__typename")  # fmt: skip
    root = schema.query_type
    assert root is not None
    return _selection(walk, op.selection_set, root, data, top=True)


def _fields(
    walk: _Walk, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None
) -> Iterator[tuple[FieldNode, GraphQLNamedType | None]]:
    if selection_set is None:
        return
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            yield sel, parent
        elif isinstance(sel, InlineFragmentNode):
            cond = walk.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
            yield from _fields(walk, sel.selection_set, cond)
        elif isinstance(sel, FragmentSpreadNode):
            frag = walk.fragments.get(sel.name.value)
            if frag is not None:
                yield from _fields(walk, frag.selection_set, walk.schema.get_type(frag.type_condition.name.value))


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _field_type(parent: GraphQLNamedType | None, name: str) -> GraphQLNamedType | None:
    fields = getattr(parent, "fields", None)
    if not fields or name not in fields:
        return None
    named: GraphQLNamedType | None = get_named_type(fields[name].type)
    return named


def _int_arg(walk: _Walk, node: FieldNode, name: str) -> int | None:
    for arg in node.arguments or ():
        if arg.name.value == name:
            value = arg.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                found = walk.variables.get(value.name.value)
                return found if isinstance(found, int) else None
    return None


def _selection(walk: _Walk, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
               data: Any, top: bool = False) -> int:  # fmt: skip
    total = 0
    for node, owner in _fields(walk, selection_set, parent):
        name = node.name.value
        if name.startswith("__"):
            continue
        ftype = _field_type(owner, name)
        if ftype is None or is_leaf_type(ftype):
            continue
        value = data.get(_key(node)) if isinstance(data, Mapping) else None
        if ftype.name.endswith("Connection") and isinstance(ftype, GraphQLObjectType):
            total += _connection(walk, node, ftype, value if data is not None else None, data is not None)
        elif name == "pageInfo":
            continue
        elif data is not None:
            items = value if isinstance(value, list) else [value] if value is not None else []
            total += sum(1 + _selection(walk, node.selection_set, ftype, item) for item in items)
        else:
            per = 1 + _selection(walk, node.selection_set, ftype, None)
            total += per * _list_size(walk, node)
    return total


def _list_size(walk: _Walk, node: FieldNode) -> int:
    """How many objects a non-connection field may return: ``first``, else as many as the ``ids`` asked
    (``nodes(ids:)``: each id may come back, so each counts), else one."""
    first = _int_arg(walk, node, "first")
    if first:
        return first
    for arg in node.arguments or ():
        if arg.name.value == "ids":
            value = arg.value
            if isinstance(value, ListValueNode):
                return max(1, len(value.values))
            if isinstance(value, VariableNode):
                found = walk.variables.get(value.name.value)
                return max(1, len(found)) if isinstance(found, list) else 1
    return 1


def _connection(walk: _Walk, node: FieldNode, ctype: GraphQLObjectType, value: Any, actual: bool) -> int:
    total = 2
    size = _int_arg(walk, node, "first") or _int_arg(walk, node, "last") or 0
    for sub, owner in _fields(walk, node.selection_set, ctype):
        sub_name = sub.name.value
        listing = value.get(_key(sub)) if isinstance(value, Mapping) else None
        if sub_name == "nodes":
            node_type = _field_type(owner, "nodes")
            if actual:
                total += sum(1 + _selection(walk, sub.selection_set, node_type, item) for item in listing or [])
            else:
                total += size * (1 + _selection(walk, sub.selection_set, node_type, None))
        elif sub_name == "edges":
            edge_type = _field_type(owner, "edges")
            for inner, inner_owner in _fields(walk, sub.selection_set, edge_type):
                if inner.name.value != "node":
                    continue
                node_type = _field_type(inner_owner, "node")
                if actual:
                    for edge in listing or []:
                        item = edge.get(_key(inner)) if isinstance(edge, Mapping) else None
                        total += 1 + _selection(walk, inner.selection_set, node_type, item)
                else:
                    total += size * (1 + _selection(walk, inner.selection_set, node_type, None))
    return total


class LeakyBucket:
    """Thread-safe leaky bucket: ``maximum`` points, refilled at ``restore_rate`` points per second."""

    def __init__(self, maximum: float = 2000.0, restore_rate: float = 100.0) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._available = maximum
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self._available = min(self.maximum, self._available + (now - self._stamp) * self.restore_rate)
        self._stamp = now

    def take(self, points: int) -> bool:
        """Deduct ``points`` if available; False (nothing deducted) when the bucket cannot cover them."""
        with self._lock:
            self._refill()
            if points > self._available:
                return False
            self._available -= points
            return True

    def give_back(self, points: float) -> None:
        with self._lock:
            self._refill()
            self._available = min(self.maximum, self._available + points)

    def available(self) -> float:
        with self._lock:
            self._refill()
            return self._available

    def status(self) -> dict[str, float]:
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": float(int(self.available())),
            "restoreRate": float(self.restore_rate),
        }
