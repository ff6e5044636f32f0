"""Relay-style connections (``edges{cursor node}``, ``nodes``, ``pageInfo``) with opaque cursors."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from graphql import GraphQLError

T = TypeVar("T")
MAX_PAGE: Final = 250


def encode_cursor(position: str) -> str:
    return base64.urlsafe_b64encode(f"sb:{position}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    """The position inside a cursor; a GraphQL error for anything we did not issue."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise GraphQLError("Invalid cursor for current pagination sort.") from exc
    if not raw.startswith("sb:"):
        raise GraphQLError("Invalid cursor for current pagination sort.")
    return raw[3:]


def page_size(first: int | None, last: int | None) -> tuple[int, bool]:
    """(size, from_end); Shopify insists on exactly one of first/last, at most 250."""
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if first is not None and last is not None:
        raise GraphQLError("providing both first and last is not supported")
    size = first if first is not None else last
    assert size is not None
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(f"The requested page size must be between 0 and {MAX_PAGE}.")
    return size, first is None


def build(nodes: list[Any], cursors: list[str], has_next: bool, has_previous: bool) -> dict[str, Any]:
    edges = [{"cursor": encode_cursor(c), "node": n} for c, n in zip(cursors, nodes, strict=True)]
    return {
        "edges": edges,
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def from_list(
    items: Sequence[T],
    wrap: Callable[[T], Any],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    """Page through a small in-memory list by position."""
    size, from_end = page_size(first, last)
    start, stop = 0, len(items)
    if after is not None:
        start = _position(after) + 1
    if before is not None:
        stop = min(stop, _position(before))
    window = list(range(start, max(start, stop)))
    if from_end:
        chosen = window[-size:] if size else []
        has_next, has_previous = stop < len(items), len(window) > len(chosen)
    else:
        chosen = window[:size]
        has_next, has_previous = len(window) > len(chosen), start > 0
    return build([wrap(items[i]) for i in chosen], [str(i) for i in chosen], has_next, has_previous)


def _position(cursor: str) -> int:
    raw = decode_cursor(cursor)
    if not raw.isdigit():
        raise GraphQLError("Invalid cursor for current pagination sort.")
    return int(raw)
